package dev.turnstile.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The results as markdown: settings, two tables per phase, the MUST failures, notes. */
final class ResultsTable {

    private final StringBuilder md = new StringBuilder();

    static String render(RunOptions o, String header, List<PhaseReport> reports, String abort) {
        ResultsTable t = new ResultsTable();
        t.head(o, header, reports, abort);
        t.safety(reports);
        t.recovery(reports);
        t.failures(reports);
        t.notes(reports);
        return t.md.toString();
    }

    private void head(RunOptions o, String header, List<PhaseReport> reports, String abort) {
        long failed = reports.stream().filter(r -> !r.passed()).count();
        long ops = reports.stream().mapToLong(r -> r.ops).sum();
        line("# Fault run" + (o.smoke() ? " (smoke)" : ""));
        line("");
        line(header);
        line("");
        line("Engine and load: " + o.load().describe() + ".");
        line("");
        String verdict = abort != null
                ? "**ABORTED**: " + abort
                : failed == 0
                        ? "**PASS**: every MUST check held"
                        : "**FAIL**: MUST checks failed in " + failed + " of " + reports.size() + " phases";
        line(verdict + ". " + ops + " guarded operations in all. Definitions: faults/README.md.");
    }

    private void safety(List<PhaseReport> reports) {
        line("");
        line("## Safety");
        line("");
        line("| phase | fault | ops | busy | acquire errors | listener backend errors | forbidden overlaps"
                + " | overlaps after a lost place (uncaught) | fence regressions | stale writes rejected"
                + " | lost leases: really lost / reported (at exit) / unreported | MUST |");
        line("|---|---|--:|--:|--:|---|--:|--:|--:|--:|---|---|");
        for (PhaseReport r : reports) {
            line("| " + r.facts.plan.name() + " | " + r.facts.plan.fault() + " | " + r.ops + " | " + r.busy + " | "
                    + r.acquireBackendFailures
                    + (r.acquireOtherFailures > 0 ? " (+" + r.acquireOtherFailures + " other)" : "")
                    + " | " + backendErrors(r.events) + " | " + r.forbiddenOverlaps + " | " + r.excusedOverlaps + " ("
                    + r.uncaughtOverlaps + ") | " + r.fenceRegressions + " | " + r.staleWritesRejected + " | "
                    + r.reallyLost + " / " + r.reportedLost + " (" + r.reportedLostAtExit + ") / " + r.unreportedLost
                    + " | " + (r.passed() ? "pass" : "**FAIL**") + " |");
        }
    }

    private void recovery(List<PhaseReport> reports) {
        line("");
        line("## Recovery and cleanup");
        line("");
        line(
                "| phase | fault end | next turn after the fault end: median / max (sessions not served) | hand-off p50 / p99:"
                        + " before the fault → after its end (slowest session's p50 after) | keys at drain: lock / fence and tombstones | lock keys gone after the drain"
                        + " | keys without TTL |");
        line("|---|---|---|---|---|---|--:|");
        for (PhaseReport r : reports) {
            PhaseFacts f = r.facts;
            line("| " + f.plan.name() + " | " + f.plan.faultEnd() + " | " + recoveries(r) + " | " + handoffs(r) + " | "
                    + (f.atDrain == null ? "-" : f.atDrain.lockKeys() + " / " + f.atDrain.longRetentionKeys()) + " | "
                    + (f.lockKeysGoneAfter >= 0 ? ms(f.lockKeysGoneAfter) + " ms" : "**not within a lease**") + " | "
                    + noTtl(f) + " |");
        }
    }

    private void failures(List<PhaseReport> reports) {
        line("");
        line("## MUST failures");
        line("");
        boolean any = false;
        for (PhaseReport r : reports) {
            for (String m : r.mustFailures) {
                any = true;
                line("- **" + r.facts.plan.name() + "**: " + m);
            }
            if (!r.mustFailures.isEmpty()) {
                r.examples.forEach(e -> line("  - " + e));
            }
        }
        if (!any) {
            line("None.");
        }
    }

    private void notes(List<PhaseReport> reports) {
        line("");
        line("## What happened in each phase");
        line("");
        line("Times in examples are milliseconds from the phase's start.");
        line("");
        for (PhaseReport r : reports) {
            List<String> parts = new ArrayList<>(r.facts.notes);
            parts.addAll(r.notes);
            if (r.facts.atDrain != null && r.facts.atDrain.fenceTtlMaxMillis() >= 0) {
                parts.add("fence counters' TTL " + r.facts.atDrain.fenceTtlMinMillis() / 1000 + "-"
                        + r.facts.atDrain.fenceTtlMaxMillis() / 1000 + " s at the drain");
            }
            if (r.facts.atDrain != null && r.facts.atDrain.byKind().getOrDefault("gone", 0) > 0) {
                parts.add("tombstones of abandoned acquires at the drain: "
                        + r.facts.atDrain.byKind().get("gone"));
            }
            if (r.facts.atDrain != null && r.facts.atDrain.lockKeys() > 0) {
                parts.add("lock keys at the drain: " + r.facts.atDrain.lockKinds());
            }
            r.events.forEach((k, n) -> {
                if (!k.startsWith("backendError")) {
                    parts.add("listener " + k + ": " + n);
                }
            });
            line("- **" + r.facts.plan.name() + "** (" + r.facts.plan.backend().label + "): "
                    + (parts.isEmpty() ? "-" : String.join("; ", parts)));
        }
    }

    private static String backendErrors(Map<String, Integer> events) {
        List<String> parts = new ArrayList<>();
        events.forEach((k, n) -> {
            if (k.startsWith("backendError ")) {
                parts.add(k.substring("backendError ".length()) + " " + n);
            }
        });
        return parts.isEmpty() ? "0" : String.join(", ", parts);
    }

    private static String recoveries(PhaseReport r) {
        if (r.facts.faultEnd < 0) {
            return "-";
        }
        List<Long> v = new ArrayList<>(r.recoveries);
        v.sort(null);
        String served = v.isEmpty() ? "none served" : ms(v.get(v.size() / 2)) + " / " + ms(v.get(v.size() - 1)) + " ms";
        return served
                + (r.sessionsNotServed > 0
                        ? " (" + r.sessionsNotServed + " not served for " + ms(r.notServedFor) + " ms)"
                        : "");
    }

    private static String handoffs(PhaseReport r) {
        if (r.handoffs.isEmpty()) {
            return "-";
        }
        return percentiles(r.handoffsBefore) + " → " + percentiles(r.handoffs)
                + String.format(" ms (%.1f)", r.worstSessionHandoff / 1e6);
    }

    private static String percentiles(List<Long> values) {
        if (values.isEmpty()) {
            return "-";
        }
        List<Long> v = new ArrayList<>(values);
        v.sort(null);
        long p99 = v.get(Math.min(v.size() - 1, (int) Math.ceil(v.size() * 0.99) - 1));
        return String.format("%.1f / %.1f", v.get(v.size() / 2) / 1e6, p99 / 1e6);
    }

    private static String noTtl(PhaseFacts f) {
        if (f.atDrain == null || f.last == null) {
            return "-";
        }
        int n = Math.max(f.atDrain.withoutTtl().size(), f.last.withoutTtl().size());
        return n == 0 ? "0" : "**" + n + "**";
    }

    private static long ms(long nanos) {
        return Math.round(nanos / 1e6);
    }

    private void line(String s) {
        md.append(s).append('\n');
    }
}
