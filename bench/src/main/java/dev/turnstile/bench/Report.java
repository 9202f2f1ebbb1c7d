package dev.turnstile.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns the phases' results into results.md (markdown tables) and the summary on stdout. */
final class Report {

    static final double HANDOFF_TARGET_MS = 2.0;

    Environment env;
    Settings settings;
    double seconds;
    String loadAfter;
    String handoffCpu = "";
    String httpCpu = "";
    String floorCpu = "";
    String learningCpu = "";
    List<CommandCountPhase.Row> commands = new ArrayList<>();
    Map<String, long[]> handoffs = new LinkedHashMap<>();
    List<HttpPhase.Row> http = new ArrayList<>();
    List<ScalePhase.Row> scale = new ArrayList<>();
    List<FloorPhase.Row> floor = new ArrayList<>();
    List<PinningPhase.Row> pinning = new ArrayList<>();
    List<FairnessPhase.Row> fairness = new ArrayList<>();
    /** Phase 8, or null when it did not run. */
    LearningPhase.Results learning;

    String markdown() {
        StringBuilder md = new StringBuilder(16 * 1024);
        md.append("# Turnstile benchmarks")
                .append(settings.smoke() ? " (smoke run: tiny sizes, numbers mean little)" : "")
                .append("\n\n");
        md.append("Produced by `bench/run")
                .append(settings.smoke() ? " --smoke" : "")
                .append("` on ")
                .append(env.started())
                .append("; the measuring JVM ran ")
                .append(num(seconds, 0))
                .append(" s.\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| machine | ")
                .append(env.cpu())
                .append(", ")
                .append(env.cores())
                .append(" cores, ")
                .append(env.memory())
                .append(" RAM; load average (1/5/15 min) before ")
                .append(env.loadBefore())
                .append(", after ")
                .append(loadAfter)
                .append(" |\n");
        md.append("| OS | ").append(env.os()).append(" |\n");
        md.append("| JDK | ").append(env.jdk()).append(" |\n");
        md.append("| Redis | ").append(env.redis()).append(" |\n");
        md.append("| library | ").append(env.turnstile()).append(" |\n");
        md.append("| others | ").append(env.libraries()).append(" |\n\n");
        md.append(
                "The machine is shared and noisy: compare guards within this run (ratios), not absolute numbers across runs.\n\n");
        targets(md);
        commandsSection(md);
        handoffSection(md);
        HttpReport.sections(this, md);
        scaleSection(md);
        floorSection(md);
        HttpReport.pinningSection(this, md);
        fairnessSection(md);
        LearningReport.section(this, md);
        notes(md);
        return md.toString();
    }

    private void targets(StringBuilder md) {
        md.append("## Targets\n\n| target | measured | met |\n|---|---|---|\n");
        for (String[] t : targetRows()) {
            md.append("| ")
                    .append(t[0])
                    .append(" | ")
                    .append(t[1])
                    .append(" | ")
                    .append(t[2])
                    .append(" |\n");
        }
        md.append('\n');
    }

    List<String[]> targetRows() {
        return Targets.rows(this);
    }

    private void commandsSection(StringBuilder md) {
        md.append("## 1. Redis commands per guarded call (INFO commandstats deltas)\n\n");
        md.append(
                "| guard | scenario | calls | commands sent / call | EVALSHA / call | EVAL / call | other / call | "
                        + "run inside scripts / call | sent while a call waited |\n|---|---|---:|---:|---:|---:|---|---:|---:|\n");
        for (CommandCountPhase.Row r : commands) {
            md.append("| ")
                    .append(r.guard())
                    .append(" | ")
                    .append(r.scenario())
                    .append(" | ")
                    .append(r.calls())
                    .append(" | **")
                    .append(num(r.clientPerCall(), 2))
                    .append("** | ")
                    .append(num(r.evalshaPerCall(), 2))
                    .append(" | ")
                    .append(num(r.evalPerCall(), 2))
                    .append(" | ")
                    .append(r.otherNames().isEmpty() ? "0" : r.otherNames())
                    .append(" | ")
                    .append(num(r.insidePerCall(), 1))
                    .append(" | ")
                    .append(
                            Double.isNaN(r.duringWait())
                                    ? ""
                                    : num(r.duringWait(), 1) + " in " + r.waitWindowMs() + " ms")
                    .append(" |\n");
        }
        md.append(
                "\nContended rows: per round a holder and a waiter of another turn of the same session (2 calls); the waiter "
                        + "is left waiting for the window shown, then the holder releases. \"Other\" lists the other commands "
                        + "clients sent, per call (pub/sub subscriptions, connection set-up).\n\n");
    }

    private void handoffSection(StringBuilder md) {
        md.append("## 2. Hand-off latency (holder releases → waiting call of the next turn starts)\n\n");
        md.append(
                "| guard | hand-offs | p50 ms | p90 ms | p99 ms | max ms | mean ms |\n|---|---:|---:|---:|---:|---:|---:|\n");
        handoffs.forEach((name, sample) -> {
            Stats s = Stats.ofNanos(sample);
            md.append("| ")
                    .append(name)
                    .append(" | ")
                    .append(s.count())
                    .append(" | ")
                    .append(num(s.p50(), 2))
                    .append(" | ")
                    .append(num(s.p90(), 2))
                    .append(" | **")
                    .append(num(s.p99(), 2))
                    .append("** | ")
                    .append(num(s.max(), 2))
                    .append(" | ")
                    .append(num(s.mean(), 2))
                    .append(" |\n");
        });
        md.append("\nCPU during this phase: ").append(handoffCpu).append(".\n");
        md.append("\n![hand-off latency](handoff.svg)\n\n");
    }

    private void scaleSection(StringBuilder md) {
        md.append("## 4. Scale: sessions holding places at once (half reads, half writes)\n\n");
        md.append(
                "| guard | sessions held | used_memory / active session | keys / active session | lock keys left after release "
                        + "| their TTL | long-retention records left | size each (MEMORY USAGE) | their TTL | used_memory left / session |\n"
                        + "|---|---:|---:|---:|---:|---|---:|---:|---|---:|\n");
        for (ScalePhase.Row r : scale) {
            md.append("| ")
                    .append(r.guard())
                    .append(" | ")
                    .append(r.sessions())
                    .append(" | ")
                    .append(num(r.bytesPerSession(), 0))
                    .append(" B | ")
                    .append(num(r.keysPerSession(), 2))
                    .append(" | **")
                    .append(r.lockKeysLeft())
                    .append("** | ")
                    .append(r.lockKeysTtl())
                    .append(" | ")
                    .append(r.retained())
                    .append(" | ")
                    .append(r.retained() == 0 ? "-" : num(r.retainedBytes(), 0) + " B")
                    .append(" | ")
                    .append(r.retainedTtl())
                    .append(" | ")
                    .append(num(r.bytesLeftPerSession(), 0))
                    .append(" B |\n");
        }
        md.append('\n');
    }

    private void floorSection(StringBuilder md) {
        md.append("## 5. The floor (JMH, one thread, one pooled connection)\n\n");
        double ping = floor.stream()
                .filter(r -> r.benchmark().equals("ping"))
                .mapToDouble(FloorPhase.Row::microsPerOp)
                .findFirst()
                .orElse(Double.NaN);
        md.append("| benchmark | µs/op | ± (99.9 %) | × PING |\n|---|---:|---:|---:|\n");
        for (FloorPhase.Row r : floor) {
            md.append("| ")
                    .append(r.benchmark())
                    .append(" | ")
                    .append(num(r.microsPerOp(), 1))
                    .append(" | ")
                    .append(num(r.error(), 1))
                    .append(" | ")
                    .append(num(r.microsPerOp() / ping, 2))
                    .append(" |\n");
        }
        md.append("\nCPU during this phase: ").append(floorCpu).append(".\n");
        md.append("\nJMH ")
                .append(settings.jmhForks())
                .append(" fork, ")
                .append(settings.jmhWarmupIterations())
                .append(" warm-up and ")
                .append(settings.jmhIterations())
                .append(" measured iterations of ")
                .append(settings.jmhIterationTime().toMillis())
                .append(" ms.\n\n");
    }

    private void fairnessSection(StringBuilder md) {
        md.append("## 7. Fairness: a turn whose reads keep overlapping, and a call of another turn\n\n");
        md.append("| store | turn-grace | rounds | other turn served | other turn busy | other turn's longest wait ms "
                + "| its shortest ms | holding turn's calls | holding turn's longest wait ms |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (FairnessPhase.Row r : fairness) {
            md.append("| ")
                    .append(r.store())
                    .append(" | ")
                    .append(r.grace())
                    .append(" | ")
                    .append(r.rounds())
                    .append(" | ")
                    .append(r.served())
                    .append(" | ")
                    .append(r.busy())
                    .append(" | **")
                    .append(num(r.longestWaitMs(), 0))
                    .append("** | ")
                    .append(num(r.shortestWaitMs(), 0))
                    .append(" | ")
                    .append(r.holderCalls())
                    .append(" | ")
                    .append(num(r.holderLongestWaitMs(), 0))
                    .append(" |\n");
        }
        if (!fairness.isEmpty()) {
            md.append("\nPer round, on a fresh session: two readers of turn A loop (acquire, hold ")
                    .append(settings.fairness().hold().toMillis())
                    .append(" ms, release), started ")
                    .append(settings.fairness().hold().toMillis() / 2)
                    .append(" ms apart, so that a read of A is always " + "in flight; ")
                    .append(settings.fairness().settle().toMillis())
                    .append(" ms later a write of turn B " + "asks for the session (acquire timeout ")
                    .append(fairness.get(0).timeoutMs())
                    .append(" ms) and, once " + "in, holds it ")
                    .append(settings.fairness().hold().toMillis())
                    .append(" ms. A busy round counts "
                            + "its wait up to the deadline. Same build, the engine driven directly; `turn-grace` off is v1's "
                            + "behaviour.\n\n");
        }
    }

    private void notes(StringBuilder md) {
        md.append("## How it was measured\n\n");
        md.append(
                "- **Guards.** *Turnstile*: the library's engine (`Turnstile.builder().redisUrl(..)`, defaults). *Seed*: "
                        + "`SeedBaseline`, the seed's algorithm for comparison only: session mutex + refcount, then a per-turn "
                        + "reader-writer lock, one EVAL per lock operation with the script text sent each time, 50 ms polling "
                        + "(four EVALs per uncontended call). *Redisson*: `RedissonGuard`, a reentrant `RLock` per session owned by "
                        + "the turn (explicit owner ids, since Redisson locks belong to threads) around an `RReadWriteLock` per turn; "
                        + "no writer preference. All on the same throwaway Redis.\n");
        md.append(
                "- **Commands.** INFO commandstats before and after each scenario (the measuring connection's own INFO "
                        + "and ECHO calls removed). Redis counts the commands a Lua script runs there too; MONITOR, which marks them "
                        + "`[0 lua]`, tells them apart (windows aligned by ECHO markers): they are shown as \"run inside scripts\", "
                        + "the rest as sent by the client.\n");
        md.append("- **Hand-off.** ")
                .append(settings.handoffPairs())
                .append(" independent sessions side by side, ")
                .append(settings.handoffRoundsPerPair())
                .append(" rounds each, run in ")
                .append(settings.handoffChunks())
                .append(
                        " chunks that alternate between the guards: a holder of turn A holds the session, a caller of turn B "
                                + "starts acquiring, the holder releases after a random 2–")
                .append(2 + settings.handoffMaxDelay().toMillis())
                .append(
                        " ms (uniform, so that a poller's phase is uniform too); latency = the waiter's acquire returned − "
                                + "just before the holder's release call (one JVM clock).\n");
        md.append(
                "- **HTTP.** One embedded Tomcat (200 threads), five web applications that differ only in the filter; "
                        + "the Turnstile filters run with default options (learning from `readOnlyHint` on; no `tools/list` is "
                        + "sent there, so nothing is learned and the JSON answers are only passed through). "
                        + "Reads are `get_item`, writes `update_item` (default classifier). Independent sessions: one caller per "
                        + "session, a new turn every 10 calls. Tools that take time: the echo servlet sleeps that long on the "
                        + "request thread. Contention: callers of one session sharing one turn, or each call a turn of its own. "
                        + "The Redisson and floor filters read and classify bodies with Turnstile's own sniffer and classifier; "
                        + "the floor filter then sends one PING before the call and one after it through a pooled Jedis client "
                        + "(64 connections, like Turnstile's) and locks nothing. CPU per call: this JVM's process CPU time "
                        + "(Tomcat, filters and the load generator) plus redis-server's, over each slice, divided by the calls "
                        + "answered in it. Redis commands per call: INFO commandstats over each slice, commands run inside "
                        + "scripts included; \"scripts\" are the EVALSHA/EVAL calls, each one client round trip.\n");
        md.append("- **Thread pinning.** A second embedded Tomcat with ")
                .append(settings.pinning().threads())
                .append(" request threads; TurnstileFilter on Redis configured by init-params (`turnstile.redis-url`, "
                        + "`turnstile.wait-mode`) and mapped for REQUEST and ASYNC dispatches; both applications warmed up "
                        + "first (")
                .append(settings.pinning().warmup().toMillis())
                .append(" ms each, not counted). The busy " + "session's ")
                .append(settings.pinning().busyCalls())
                .append(" callers start ")
                .append(settings.pinning().settle().toMillis())
                .append(" ms before the other sessions, which are then " + "measured for ")
                .append(settings.pinning().measure().toMillis())
                .append(" ms, every call counted from "
                        + "its start; the busy session stops when that window ends. A call of another session still waiting "
                        + "then is answered soon after, so with blocking waits the latencies are cut off at about the window "
                        + "(lower bounds).\n");
        md.append(
                "- **Learning.** A third embedded Tomcat (200 threads) with two applications whose `TurnstileFilter`s "
                        + "share one engine on Redis and differ in `learn-annotations` (and in a rule that makes `"
                        + LearningPhase.LEARNED_READ + "` a read without learning); see section 8.\n");
        md.append("- **Scale.** Redis flushed first; N sessions take one place each (8 threads) and hold it while "
                + "used_memory and DBSIZE are read; then all release and every key left is listed.\n");
        md.append("- **Floor.** PING and EVALSHA of `return 1` go through a pooled Jedis client with one connection, "
                + "like the engine's (`redisPoolSize(1)`); the acquire+release is a WRITE place (the heavier path, with a "
                + "fencing token).\n");
    }

    /** A short summary for stdout. */
    String summary() {
        StringBuilder s = new StringBuilder();
        s.append("\n==== Turnstile benchmark summary")
                .append(settings.smoke() ? " (smoke)" : "")
                .append(" ====\n");
        for (String[] t : targetRows()) {
            s.append(String.format(Locale.ROOT, "[%-3s] %s%n      %s%n", t[2], t[0], t[1]));
        }
        handoffs.forEach((name, sample) -> {
            Stats st = Stats.ofNanos(sample);
            s.append(String.format(
                    Locale.ROOT,
                    "hand-off %-22s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms%n",
                    name,
                    st.p50(),
                    st.p99(),
                    st.max()));
        });
        for (FloorPhase.Row r : floor) {
            s.append(String.format(Locale.ROOT, "floor %-34s %8.1f µs/op%n", r.benchmark(), r.microsPerOp()));
        }
        return s.toString();
    }

    static String yes(boolean met) {
        return met ? "yes" : "**no**";
    }

    static String num(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /** 0.1, 1, 10 ... without trailing zeros. */
    static String trimNum(double v) {
        return v >= 1
                ? Long.toString(Math.round(v))
                : String.format(Locale.ROOT, "%s", v).replaceAll("0+$", "");
    }

    static String duration(long millis) {
        if (millis >= 3_600_000) {
            return num(millis / 3_600_000.0, 1) + " h";
        }
        if (millis >= 60_000) {
            return num(millis / 60_000.0, 1) + " min";
        }
        return num(millis / 1000.0, 1) + " s";
    }
}
