package dev.turnstile.bench;

import java.util.List;
import java.util.Optional;

/** The HTTP sections of results.md: the main table, the floor and contention comparisons, thread pinning. */
final class HttpReport {

    private HttpReport() {}

    static void sections(Report report, StringBuilder md) {
        if (report.http.isEmpty()) {
            return;
        }
        table(report, md);
        floor(report, md);
        contention(report, md);
    }

    private static void table(Report report, StringBuilder md) {
        md.append("## 3. HTTP: MCP-like JSON-RPC echo servlet (embedded Tomcat)\n\n");
        md.append(
                "| scenario | mix | tool ms | filter | req/s | × no filter | p50 ms | p99 ms | errors | calls that waited "
                        + "| longest acquire ms | CPU µs / call | Redis commands / call |\n"
                        + "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (HttpPhase.Row r : report.http) {
            LoadGenerator.Result res = r.result();
            md.append("| ")
                    .append(r.scenario().name())
                    .append(" | ")
                    .append(r.scenario().mix())
                    .append(" | ")
                    .append(r.scenario().toolMillis())
                    .append(" | ")
                    .append(r.variant().label())
                    .append(" | ")
                    .append(Report.num(res.throughput(), 0))
                    .append(" | ")
                    .append(r.variant() == HttpPhase.NONE ? "1" : Report.num(r.ratioVsNone(), 2))
                    .append(" | ")
                    .append(Report.num(res.latency().p50(), 2))
                    .append(" | ")
                    .append(Report.num(res.latency().p99(), 2))
                    .append(" | ")
                    .append(res.errors())
                    .append(" | ")
                    .append(
                            r.waits() == null
                                    ? (r.variant() == HttpPhase.NONE ? "-" : "n/a")
                                    : Report.num(100 * r.waits().waitedShare(), 1) + " %")
                    .append(" | ")
                    .append(r.waits() == null ? "" : Report.num(r.waits().maxWaitMs(), 1))
                    .append(" | ")
                    .append(Report.num(r.cpuMicrosPerCall(), 0))
                    .append(" | ")
                    .append(Report.num(r.commandsPerCall(), 1))
                    .append(" |\n");
        }
        Settings s = report.settings;
        md.append("\nEach cell: ")
                .append(s.httpSlices())
                .append(" slice(s) of ")
                .append(s.httpSliceMeasure().toMillis())
                .append(" ms measured after ")
                .append(s.httpSliceWarmup().toMillis())
                .append(
                        " ms warm-up, the filters "
                                + "alternating slice by slice; closed loop (each caller sends its next request when the previous answer "
                                + "arrived), keep-alive connections, load generator in the same JVM. Tool ms: how long the echo servlet "
                                + "sleeps per call (0: the zero-latency case, the overhead floor). Errors are JSON-RPC errors (busy) or "
                                + "non-200 answers. \"Calls that waited\" and \"longest acquire\" come from Turnstile's listener (not "
                                + "available for the other filters). CPU per call: this JVM (Tomcat, filter, load generator) + "
                                + "redis-server. Redis commands per call include those run inside scripts. The 1-session rows are one "
                                + "caller in a tight request-response loop: latency-bound and the most sensitive to scheduling noise.\n\n");
        md.append("CPU during this phase: ").append(report.httpCpu).append(".\n\n");
    }

    private static void floor(Report report, StringBuilder md) {
        md.append("### 3b. Turnstile next to the floor filter (two PINGs per call, no lock)\n\n");
        md.append(
                "| scenario | mix | tool ms | Turnstile req/s | floor req/s | Turnstile × floor | CPU µs / call: no filter "
                        + "| floor | Turnstile | of it redis-server: floor | Turnstile | Turnstile's extra CPU over the floor µs |\n"
                        + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (HttpPhase.Row r : report.http) {
            Optional<HttpPhase.Row> f = Targets.find(report, r.scenario(), HttpPhase.FLOOR);
            Optional<HttpPhase.Row> n = Targets.find(report, r.scenario(), HttpPhase.NONE);
            if (r.variant() != HttpPhase.REDIS || f.isEmpty() || n.isEmpty()) {
                continue;
            }
            HttpPhase.Row fl = f.get();
            md.append("| ")
                    .append(r.scenario().name())
                    .append(" | ")
                    .append(r.scenario().mix())
                    .append(" | ")
                    .append(r.scenario().toolMillis())
                    .append(" | ")
                    .append(Report.num(r.result().throughput(), 0))
                    .append(" | ")
                    .append(Report.num(fl.result().throughput(), 0))
                    .append(" | **")
                    .append(Report.num(r.result().throughput() / fl.result().throughput(), 2))
                    .append("** | ")
                    .append(Report.num(n.get().cpuMicrosPerCall(), 0))
                    .append(" | ")
                    .append(Report.num(fl.cpuMicrosPerCall(), 0))
                    .append(" | ")
                    .append(Report.num(r.cpuMicrosPerCall(), 0))
                    .append(" | ")
                    .append(Report.num(fl.redisCpuMicrosPerCall(), 0))
                    .append(" | ")
                    .append(Report.num(r.redisCpuMicrosPerCall(), 0))
                    .append(" | ")
                    .append(Report.num(r.cpuMicrosPerCall() - fl.cpuMicrosPerCall(), 0))
                    .append(" |\n");
        }
        md.append("\nThe floor filter does everything the guards do around a call (reads and classifies the body, two "
                + "Redis round trips through a pooled Jedis client) except locking. CPU per call is process CPU time "
                + "(this JVM, which also runs the load generator, plus redis-server) over the calls answered.\n\n");
    }

    private static void contention(Report report, StringBuilder md) {
        md.append("### 3c. Same-session contention: Turnstile next to the Redisson guard\n\n");
        md.append("| scenario | mix | guard | req/s | × Redisson | p50 ms | p99 ms | max ms | commands sent / call "
                + "| of them | scripts (EVALSHA/EVAL) / call | commands run in Redis / call | longest acquire ms |\n"
                + "|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
        for (HttpPhase.Row r : report.http) {
            if (!r.scenario().group().equals(HttpPhase.CONTENTION)
                    || r.variant() != HttpPhase.REDIS && r.variant() != HttpPhase.REDISSON) {
                continue;
            }
            double redisson = Targets.find(report, r.scenario(), HttpPhase.REDISSON)
                    .orElseThrow()
                    .result()
                    .throughput();
            LoadGenerator.Result res = r.result();
            md.append("| ")
                    .append(r.scenario().name())
                    .append(" | ")
                    .append(r.scenario().mix())
                    .append(" | ")
                    .append(r.variant().label())
                    .append(" | ")
                    .append(Report.num(res.throughput(), 0))
                    .append(" | ")
                    .append(Report.num(res.throughput() / redisson, 2))
                    .append(" | ")
                    .append(Report.num(res.latency().p50(), 2))
                    .append(" | **")
                    .append(Report.num(res.latency().p99(), 2))
                    .append("** | ")
                    .append(Report.num(res.latency().max(), 1))
                    .append(" | ")
                    .append(r.sent() == null ? "" : Report.num(r.sent().perCall(), 2))
                    .append(" | ")
                    .append(r.sent() == null ? "" : names(r.sent()))
                    .append(" | ")
                    .append(Report.num(r.scriptsPerCall(), 2))
                    .append(" | ")
                    .append(Report.num(r.commandsPerCall(), 1))
                    .append(" | ")
                    .append(r.waits() == null ? "" : Report.num(r.waits().maxWaitMs(), 1))
                    .append(" |\n");
        }
        md.append("\nCommands sent per call: one more, untimed slice per guard with MONITOR on (which slows Redis "
                + "down), client commands only. Scripts and commands run in Redis per call: INFO commandstats over the "
                + "timed slices; the latter includes every command a script ran. Every script run is one client round "
                + "trip: a release that woke every waiter would show as more scripts per call as waiters retry. A p99 or "
                + "longest acquire near the re-check interval (2 s by default) would mean a missed wake-up.\n\n");
    }

    static void pinningSection(Report report, StringBuilder md) {
        List<PinningPhase.Row> rows = report.pinning;
        if (rows.isEmpty()) {
            return;
        }
        Settings.Pinning s = report.settings.pinning();
        md.append("## 6. Thread pinning: ")
                .append(s.threads())
                .append(" container threads, one session with ")
                .append(s.busyCalls())
                .append(" queued calls, ")
                .append(s.otherSessions())
                .append(" other sessions\n\n");
        md.append(
                "| case | `wait-mode` | other sessions req/s | × alone | p50 ms | p99 ms | max ms | errors | busy session "
                        + "calls/s | busy session errors | requests resumed by an ASYNC dispatch |\n"
                        + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (PinningPhase.Row r : rows) {
            LoadGenerator.Result o = r.others();
            boolean pending = r.busy() != null && r.waitMode().equals("async") && r.asyncDispatches() == 0;
            md.append("| ")
                    .append(r.label())
                    .append(pending ? " (**pending**)" : "")
                    .append(" | ")
                    .append(r.waitMode())
                    .append(" | ")
                    .append(Report.num(o.throughput(), 0))
                    .append(" | ")
                    .append(Targets.share(Targets.ratio(r, rows.get(0))))
                    .append(" | ")
                    .append(Report.num(o.latency().p50(), 2))
                    .append(" | **")
                    .append(Report.num(o.latency().p99(), 2))
                    .append("** | ")
                    .append(Report.num(o.latency().max(), 1))
                    .append(" | ")
                    .append(o.errors())
                    .append(" | ")
                    .append(r.busy() == null ? "-" : Report.num(r.busy().throughput(), 0))
                    .append(" | ")
                    .append(r.busy() == null ? "-" : Long.toString(r.busy().errors()))
                    .append(" | ")
                    .append(r.asyncDispatches())
                    .append(" |\n");
        }
        md.append("\nTools take ")
                .append(s.toolMillis())
                .append(" ms. The busy session's calls are writes, each a "
                        + "turn of its own, so they run one at a time and the rest wait in line. A row marked pending ran with "
                        + "a filter that never waited asynchronously (no request was resumed by an ASYNC dispatch): that build's "
                        + "filter does not know `wait-mode` yet, and the row shows blocking waits again.\n\n");
    }

    private static String names(HttpPhase.Sent sent) {
        StringBuilder b = new StringBuilder();
        sent.byName().forEach((name, perCall) -> {
            if (perCall >= 0.005) {
                b.append(b.length() == 0 ? "" : ", ")
                        .append(name.replace('|', ' ').toUpperCase(java.util.Locale.ROOT))
                        .append(' ')
                        .append(Report.num(perCall, 2));
            }
        });
        return b.toString();
    }

    static String shortName(LoadGenerator.Scenario s) {
        return switch (s.turns()) {
            case SHARED -> "shared turn, " + s.mix();
            case OWN -> "every call its own turn";
            case ROTATING -> s.name();
        };
    }
}
