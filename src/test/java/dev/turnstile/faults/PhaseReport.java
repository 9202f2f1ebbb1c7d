package dev.turnstile.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The checker's findings for one phase. */
final class PhaseReport {

    final PhaseFacts facts;
    int ops;
    int busy;
    int acquireBackendFailures;
    int acquireOtherFailures;
    /** Listener events: backendError by operation, leaseLost, released with wasHeld=false. */
    Map<String, Integer> events = new TreeMap<>();

    int forbiddenOverlaps;
    int excusedOverlaps;
    int uncaughtOverlaps;
    int fenceRegressions;
    int staleWritesRejected;
    int reportedLost;
    int reportedLostAtExit;
    int reallyLost;
    int unreportedLost;
    int unfinishedSections;
    /** Per session, nanoseconds until it served a new turn after the fault; null when it did not. */
    List<Long> recoveries = new ArrayList<>();

    int sessionsNotServed;
    long notServedFor;
    /** Hand-offs after the fault's end, and before the fault began. */
    List<Long> handoffs = new ArrayList<>();

    List<Long> handoffsBefore = new ArrayList<>();
    /** The median hand-off of the session whose median is the longest. */
    long worstSessionHandoff = -1;

    final List<String> mustFailures = new ArrayList<>();
    final List<String> examples = new ArrayList<>();
    /** What the checker found worth saying beside the figures. */
    final List<String> notes = new ArrayList<>();

    PhaseReport(PhaseFacts facts) {
        this.facts = facts;
    }

    boolean passed() {
        return mustFailures.isEmpty();
    }

    void example(String kind, String text) {
        long same = examples.stream().filter(e -> e.startsWith(kind + ":")).count();
        if (same < 3) {
            examples.add(kind + ": " + text);
        }
    }

    int events(String key) {
        return events.getOrDefault(key, 0);
    }
}
