package dev.turnstile.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The targets table of results.md and of the summary: each target, what was measured, whether it was met. */
final class Targets {

    private Targets() {}

    static List<String[]> rows(Report report) {
        List<String[]> rows = new ArrayList<>();
        commands(report, rows);
        LearningReport.targets(report, rows);
        handoff(report, rows);
        zeroLatency(report, rows);
        toolTime(report, rows);
        floor(report, rows);
        contention(report, rows);
        pinning(report, rows);
        fairness(report, rows);
        report.scale.stream()
                .filter(r -> r.guard().equals("Turnstile"))
                .findFirst()
                .ifPresent(r -> rows.add(new String[] {
                    "no lock keys left after release",
                    r.lockKeysLeft() + " of " + r.sessions() + " sessions; " + r.retained() + " fence records ("
                            + Report.num(r.retainedBytes(), 0) + " B each, TTL " + r.retainedTtl() + ")",
                    Report.yes(r.lockKeysLeft() == 0)
                }));
        return rows;
    }

    private static void commands(Report report, List<String[]> rows) {
        List<CommandCountPhase.Row> ts = report.commands.stream()
                .filter(r -> r.guard().equals("Turnstile"))
                .toList();
        if (ts.isEmpty()) {
            return;
        }
        CommandCountPhase.Row read = ts.get(0);
        CommandCountPhase.Row write = ts.get(1);
        CommandCountPhase.Row waiting = ts.get(2);
        rows.add(new String[] {
            "2 Redis commands per uncontended call",
            "read " + Report.num(read.clientPerCall(), 2) + ", write " + Report.num(write.clientPerCall(), 2)
                    + " (all EVALSHA)",
            Report.yes(Math.abs(read.clientPerCall() - 2) < 0.01 && Math.abs(write.clientPerCall() - 2) < 0.01)
        });
        rows.add(new String[] {
            "waiting issues no repeated commands",
            Report.num(waiting.duringWait(), 1) + " commands while a call waited " + waiting.waitWindowMs() + " ms"
                    + " (seed: "
                    + report.commands.stream()
                            .filter(r ->
                                    r.guard().startsWith("Seed") && r.scenario().startsWith("contended"))
                            .findFirst()
                            .map(r -> Report.num(r.duringWait(), 1))
                            .orElse("?")
                    + ")",
            Report.yes(waiting.duringWait() == 0)
        });
    }

    private static void handoff(Report report, List<String[]> rows) {
        long[] t = report.handoffs.get("Turnstile");
        if (t == null) {
            return;
        }
        Stats s = Stats.ofNanos(t);
        long[] seed = report.handoffs.entrySet().stream()
                .filter(e -> e.getKey().startsWith("Seed"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(new long[0]);
        long[] control = report.handoffs.getOrDefault(BenchMain.IN_PROCESS_CONTROL, new long[0]);
        rows.add(new String[] {
            "hand-off p99 ≤ 2 ms on loopback",
            "p99 " + Report.num(s.p99(), 2) + " ms (p50 " + Report.num(s.p50(), 2) + ", max " + Report.num(s.max(), 2)
                    + ", n = " + s.count() + "); seed p99 "
                    + Report.num(Stats.ofNanos(seed).p99(), 1)
                    + " ms; the same hand-off without Redis (in-process control) p99 "
                    + Report.num(Stats.ofNanos(control).p99(), 2) + " ms",
            Report.yes(s.p99() <= Report.HANDOFF_TARGET_MS)
        });
    }

    private static void zeroLatency(Report report, List<String[]> rows) {
        List<HttpPhase.Row> atMost = mostSessions(report, HttpPhase.REDIS);
        if (atMost.isEmpty()) {
            return;
        }
        StringBuilder m = new StringBuilder();
        boolean met = true;
        for (HttpPhase.Row r : atMost) {
            double redisson = find(report, r.scenario(), HttpPhase.REDISSON)
                    .map(HttpPhase.Row::ratioVsNone)
                    .orElse(Double.NaN);
            m.append(m.length() == 0 ? "" : "; ")
                    .append(r.scenario().mix())
                    .append(": ")
                    .append(Report.num(r.ratioVsNone(), 2))
                    .append("× (Redisson ")
                    .append(Report.num(redisson, 2))
                    .append("×)");
            met &= r.ratioVsNone() >= 0.8;
        }
        rows.add(new String[] {
            "Turnstile on Redis ≥ 0.8× no-filter throughput at "
                    + atMost.get(0).scenario().sessions() + " sessions, zero-latency tools",
            m.toString(),
            Report.yes(met)
        });
    }

    private static void toolTime(Report report, List<String[]> rows) {
        List<HttpPhase.Row> timed = report.http.stream()
                .filter(r ->
                        r.variant() == HttpPhase.REDIS && r.scenario().group().equals(HttpPhase.TOOL_TIME))
                .toList();
        if (timed.isEmpty()) {
            return;
        }
        StringBuilder m = new StringBuilder();
        Boolean met = null;
        for (HttpPhase.Row r : timed) {
            double inProcess = find(report, r.scenario(), HttpPhase.IN_PROCESS)
                    .map(HttpPhase.Row::ratioVsNone)
                    .orElse(Double.NaN);
            m.append(m.length() == 0 ? "" : "; ")
                    .append(r.scenario().toolMillis())
                    .append(" ms tools: ")
                    .append(Report.num(r.ratioVsNone(), 2))
                    .append("× (in-process ")
                    .append(Report.num(inProcess, 2))
                    .append("×)");
            if (r.scenario().toolMillis() == 2) {
                met = r.ratioVsNone() >= 0.95;
            }
        }
        rows.add(new String[] {
            "Turnstile on Redis ≥ 0.95× no-filter throughput with 2 ms tools, "
                    + timed.get(0).scenario().sessions() + " sessions",
            m.toString(),
            met == null ? "n/a" : Report.yes(met)
        });
    }

    private static void floor(Report report, List<String[]> rows) {
        List<HttpPhase.Row> atMost = mostSessions(report, HttpPhase.REDIS);
        if (atMost.isEmpty()) {
            return;
        }
        StringBuilder m = new StringBuilder();
        boolean met = true;
        for (HttpPhase.Row r : atMost) {
            Optional<HttpPhase.Row> floor = find(report, r.scenario(), HttpPhase.FLOOR);
            double ratio = floor.map(f -> r.result().throughput() / f.result().throughput())
                    .orElse(Double.NaN);
            m.append(m.length() == 0 ? "" : "; ")
                    .append(r.scenario().mix())
                    .append(": ")
                    .append(Report.num(ratio, 2))
                    .append("× (CPU ")
                    .append(Report.num(r.cpuMicrosPerCall(), 0))
                    .append(" vs ")
                    .append(floor.map(f -> Report.num(f.cpuMicrosPerCall(), 0)).orElse("?"))
                    .append(" µs/call)");
            met &= ratio >= 0.9;
        }
        rows.add(new String[] {
            "Turnstile on Redis ≥ 0.9× the floor filter's throughput (two PINGs per call) at "
                    + atMost.get(0).scenario().sessions() + " sessions",
            m.toString(),
            Report.yes(met)
        });
    }

    private static void contention(Report report, List<String[]> rows) {
        List<HttpPhase.Row> contention = report.http.stream()
                .filter(r ->
                        r.variant() == HttpPhase.REDIS && r.scenario().group().equals(HttpPhase.CONTENTION))
                .toList();
        if (contention.isEmpty()) {
            return;
        }
        StringBuilder throughput = new StringBuilder();
        StringBuilder p99 = new StringBuilder();
        boolean fast = true;
        boolean tail = true;
        for (HttpPhase.Row r : contention) {
            HttpPhase.Row rs = find(report, r.scenario(), HttpPhase.REDISSON).orElseThrow();
            double ratio = r.result().throughput() / rs.result().throughput();
            throughput
                    .append(throughput.length() == 0 ? "" : "; ")
                    .append(HttpReport.shortName(r.scenario()))
                    .append(": ")
                    .append(Report.num(ratio, 2))
                    .append('×');
            p99.append(p99.length() == 0 ? "" : "; ")
                    .append(HttpReport.shortName(r.scenario()))
                    .append(": ")
                    .append(Report.num(r.result().latency().p99(), 2))
                    .append(" vs ")
                    .append(Report.num(rs.result().latency().p99(), 2))
                    .append(" ms");
            fast &= ratio >= 2;
            tail &= r.result().latency().p99() <= rs.result().latency().p99();
        }
        rows.add(new String[] {
            "Turnstile on Redis ≥ 2× the Redisson guard's throughput under same-session contention",
            throughput.toString(),
            Report.yes(fast)
        });
        rows.add(new String[] {
            "Turnstile's p99 no worse than the Redisson guard's in every contention row",
            p99.toString(),
            Report.yes(tail)
        });
    }

    private static void pinning(Report report, List<String[]> rows) {
        if (report.pinning.size() < 3) {
            return;
        }
        PinningPhase.Row alone = report.pinning.get(0);
        PinningPhase.Row blocking = report.pinning.get(1);
        PinningPhase.Row async = report.pinning.get(2);
        boolean pending = async.asyncDispatches() == 0;
        rows.add(new String[] {
            "a busy session's queued calls do not take other sessions' threads (asynchronous waits)",
            "other sessions' throughput × alone: blocking " + share(ratio(blocking, alone)) + " (p99 "
                    + Report.num(blocking.others().latency().p99(), 0) + " ms), async "
                    + share(ratio(async, alone)) + " (p99 "
                    + Report.num(async.others().latency().p99(), 0) + " ms)"
                    + (pending ? "; the filter of this build never waited asynchronously (0 ASYNC dispatches)" : ""),
            pending ? "pending" : "see §6"
        });
    }

    /** A ratio with two decimals, or three below 0.1 (so that 0.004 does not read as 0). */
    static String share(double ratio) {
        return Report.num(ratio, ratio < 0.1 ? 3 : 2);
    }

    static double ratio(PinningPhase.Row row, PinningPhase.Row alone) {
        return row.others().throughput() / alone.others().throughput();
    }

    private static void fairness(Report report, List<String[]> rows) {
        if (report.fairness.isEmpty()) {
            return;
        }
        StringBuilder m = new StringBuilder();
        boolean met = true;
        for (FairnessPhase.Row r : report.fairness) {
            m.append(m.length() == 0 ? "" : "; ")
                    .append(r.store())
                    .append(", turn-grace ")
                    .append(r.grace())
                    .append(": ")
                    .append(r.busy() > 0 ? r.busy() + " of " + r.rounds() + " busy, " : "")
                    .append("longest ")
                    .append(Report.num(r.longestWaitMs(), 0))
                    .append(" ms");
            if (!r.grace().startsWith("off")) {
                met &= r.busy() == 0;
            }
        }
        rows.add(new String[] {
            "no turn starves another: the other turn gets the session (turn-grace on)", m.toString(), Report.yes(met)
        });
    }

    private static List<HttpPhase.Row> mostSessions(Report report, HttpPhase.Variant variant) {
        int most = report.settings.httpSessions().stream()
                .mapToInt(Integer::intValue)
                .max()
                .orElse(0);
        return report.http.stream()
                .filter(r -> r.variant() == variant
                        && r.scenario().group().equals(HttpPhase.INDEPENDENT)
                        && r.scenario().sessions() == most)
                .toList();
    }

    static Optional<HttpPhase.Row> find(Report report, LoadGenerator.Scenario scenario, HttpPhase.Variant variant) {
        return report.http.stream()
                .filter(o -> o.scenario() == scenario && o.variant() == variant)
                .findFirst();
    }
}
