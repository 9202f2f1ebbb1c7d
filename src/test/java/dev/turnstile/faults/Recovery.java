package dev.turnstile.faults;

import java.util.List;
import java.util.Map;

/**
 * Time from the fault's end until each session served a new turn. Turns are slices of the shared
 * clock, so "a new turn" is the first slice of the session that begins at or after the point the
 * session was free to move on: the fault's end, or the end of a hold the run placed on that
 * session across the fault when that ended later (a killed holder does not count: its place
 * expiring is the fault's cost). The time is measured from the start of that slice to the first
 * enter of a section of it or of any later slice.
 */
final class Recovery {

    private Recovery() {}

    static void measure(
            Map<Integer, List<Section>> bySession, PhaseFacts facts, LoadSettings load, PhaseReport report) {
        if (facts.faultEnd < 0) {
            return;
        }
        for (List<Section> sections : bySession.values()) {
            session(sections, facts, load.turnSlice().toNanos(), report);
        }
    }

    private static void session(List<Section> sections, PhaseFacts facts, long slice, PhaseReport report) {
        Section ref = sections.stream().filter(s -> !s.hold).findFirst().orElse(null);
        if (ref == null) {
            return;
        }
        long ready = facts.faultEnd;
        for (Section s : sections) {
            if (s.hold && !s.killed && s.openAt(facts.faultEnd)) {
                ready = Math.max(ready, s.exit);
            }
        }
        long first = ref.sliceStart - Math.floorDiv(ref.sliceStart - ready, slice) * slice; // first slice >= ready
        long served = sections.stream()
                .filter(s -> !s.hold && s.sliceStart >= first)
                .mapToLong(s -> s.enter)
                .min()
                .orElse(-1);
        if (served < 0) {
            report.sessionsNotServed++;
            report.notServedFor = Math.max(report.notServedFor, facts.drainedAt - first);
        } else {
            report.recoveries.add(served - first);
        }
    }
}
