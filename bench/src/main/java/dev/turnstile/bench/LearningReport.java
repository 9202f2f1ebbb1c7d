package dev.turnstile.bench;

import java.util.List;

/** Phase 8 in results.md (learning from {@code readOnlyHint}, on against off) and its two targets. */
final class LearningReport {

    /** Learning on must keep at least this share of the throughput with learning off. */
    static final double RATIO_TARGET = 0.98;

    private LearningReport() {}

    static void targets(Report report, List<String[]> rows) {
        LearningPhase.Results r = report.learning;
        if (r == null) {
            return;
        }
        StringBuilder commands = new StringBuilder();
        boolean two = true;
        for (LearningPhase.CommandRow c : r.commands()) {
            if (c.variant() == LearningPhase.ON) {
                commands.append(commands.length() == 0 ? "" : "; ")
                        .append(c.answer().label())
                        .append(": ")
                        .append(c.tool())
                        .append(" (")
                        .append(c.ranAs())
                        .append(") ")
                        .append(Report.num(c.counts().clientPerCall(), 2));
                two &= Math.abs(c.counts().clientPerCall() - 2) < 0.01;
            }
        }
        rows.add(new String[] {
            "2 Redis commands per uncontended call through the filter with learning on",
            commands.toString(),
            Report.yes(two)
        });
        StringBuilder ratios = new StringBuilder();
        boolean kept = true;
        for (LearningPhase.Cell c : r.cells()) {
            ratios.append(ratios.length() == 0 ? "" : "; ")
                    .append(cellName(c.scenario()))
                    .append(": ")
                    .append(c.ratio().describe());
            kept &= c.ratio().ratio() >= RATIO_TARGET;
        }
        rows.add(new String[] {
            "throughput with learning on ≥ " + RATIO_TARGET + "× learning off (same run)",
            ratios.toString(),
            Report.yes(kept)
        });
    }

    static void section(Report report, StringBuilder md) {
        LearningPhase.Results r = report.learning;
        if (r == null) {
            return;
        }
        md.append(
                "## 8. Learning tool classes from `readOnlyHint`: what reading along responses costs other calls\n\n");
        md.append("Two `TurnstileFilter`s on one Turnstile engine on Redis, the same in all but `learn-annotations`. "
                        + "Before anything was measured one `tools/list` went through each, answered with three tools: `"
                        + LearningPhase.LEARNED_READ + "` with `readOnlyHint: true`, `" + LoadGenerator.WRITE_TOOL
                        + "` with `readOnlyHint: false` and `" + LoadGenerator.READ_TOOL + "` without annotations. The "
                        + "learning filter's engine then knew ")
                .append(learned(r))
                .append(" (")
                .append(r.learnedAfterMillis())
                .append(" ms after the answer). The other filter pins `")
                .append(LearningPhase.LEARNED_READ)
                .append("` as a read by a rule, so that both take the same locks for the same calls.\n\n");
        commandsTable(r, md);
        throughputTable(report, r, md);
    }

    private static void commandsTable(LearningPhase.Results r, StringBuilder md) {
        md.append("### Redis commands per uncontended `tools/call` through the filter\n\n");
        md.append("| filter | answers | tool | ran as | calls | commands sent / call | EVALSHA / call | other / call "
                + "| run inside scripts / call |\n|---|---|---|---|---:|---:|---:|---|---:|\n");
        for (LearningPhase.CommandRow c : r.commands()) {
            CommandCountPhase.Row n = c.counts();
            md.append("| ")
                    .append(c.variant().label())
                    .append(" | ")
                    .append(c.answer().label())
                    .append(" | `")
                    .append(c.tool())
                    .append("` | ")
                    .append(c.ranAs())
                    .append(" | ")
                    .append(n.calls())
                    .append(" | **")
                    .append(Report.num(n.clientPerCall(), 2))
                    .append("** | ")
                    .append(Report.num(n.evalshaPerCall(), 2))
                    .append(" | ")
                    .append(n.otherNames().isEmpty() ? "0" : n.otherNames())
                    .append(" | ")
                    .append(Report.num(n.insidePerCall(), 1))
                    .append(" |\n");
        }
        md.append(
                        "\nOne HTTP client, calls one after the other, each a turn of its own, each waiting for the release of "
                                + "the one before (which may come after its answer), after ")
                .append(LearningPhase.WARM_CALLS)
                .append(" calls not counted; INFO commandstats with MONITOR as in phase 1. \"Ran as\" is the mode the "
                        + "filter gave the call (its request attribute, as the echo servlet saw it). An HGETALL, if any, is the "
                        + "engine re-reading the learned classes of the endpoints it serves (every 10 s, whatever the calls), "
                        + "not a command of a call.\n\n");
    }

    private static void throughputTable(Report report, LearningPhase.Results r, StringBuilder md) {
        Settings.Learning s = report.settings.learning();
        md.append("### Throughput, learning on against learning off\n\n");
        md.append(
                "| scenario | answers | filter | req/s | × learning off | p50 ms | p99 ms | errors | calls run as reads "
                        + "| CPU µs / call | CPU / call × learning off |\n|---|---|---|---:|---|---:|---:|---:|---:|---:|---|\n");
        for (LearningPhase.Cell c : r.cells()) {
            row(md, c.on(), "**" + c.ratio().describe() + "**", c.cpuRatio().describe());
            row(md, c.off(), "1", "1");
        }
        md.append("\nPer cell ")
                .append(s.pairs())
                .append(" pairs of slices (")
                .append(s.sliceWarmup().toMillis())
                .append(" ms warm-up, ")
                .append(s.sliceMeasure().toMillis())
                .append(" ms measured), the two filters "
                        + "back to back in each pair, which one goes first alternating. Each ratio is that of the merged "
                        + "figures; its interval is Student's t over the pairs' log ratios, so it shows how much the machine's "
                        + "noise leaves undecided. Reads are `")
                .append(LearningPhase.LEARNED_READ)
                .append("` (90 %), writes `")
                .append(LoadGenerator.WRITE_TOOL)
                .append(
                        "`; one caller per session, a new turn every 10 calls. JSON "
                                + "answers are the echo's small body, which the learning filter passes without reading (no "
                                + "`tools/list` was asked). SSE answers are one event written as the MCP Java SDK writes it (the "
                                + "request goes async; `id`, `event` and `data` lines through the response's writer; flush; "
                                + "complete), with the text `\"ok\"` or a longer one: the learning filter reads every event along, "
                                + "looking for `notifications/tools/list_changed`, which costs in proportion to the event's size. "
                                + "CPU per call: this JVM (Tomcat, filters, load generator) plus redis-server, over the slices.");
        md.append(" CPU during this phase: ").append(report.learningCpu).append(".\n\n");
    }

    private static void row(StringBuilder md, LearningPhase.Row row, String ratio, String cpuRatio) {
        LoadGenerator.Result res = row.result();
        md.append("| ")
                .append(row.scenario().name())
                .append(" | ")
                .append(row.scenario().answer().label())
                .append(" | ")
                .append(row.variant().label())
                .append(" | ")
                .append(Report.num(res.throughput(), 0))
                .append(" | ")
                .append(ratio)
                .append(" | ")
                .append(Report.num(res.latency().p50(), 2))
                .append(" | ")
                .append(Report.num(res.latency().p99(), 2))
                .append(" | ")
                .append(res.errors())
                .append(" | ")
                .append(Report.num(100 * row.readShare(), 1))
                .append(" % | ")
                .append(Report.num(row.cpuMicrosPerCall(), 0))
                .append(" | ")
                .append(cpuRatio)
                .append(" |\n");
    }

    private static String learned(LearningPhase.Results r) {
        StringBuilder b = new StringBuilder();
        r.learned()
                .forEach((tool, c) -> b.append(b.length() == 0 ? "" : ", ")
                        .append('`')
                        .append(tool)
                        .append("`: ")
                        .append(c));
        return b.toString();
    }

    private static String cellName(LoadGenerator.Scenario s) {
        return s.sessions()
                + (s.sessions() == 1 ? " session, " : " sessions, ")
                + s.answer().label();
    }
}
