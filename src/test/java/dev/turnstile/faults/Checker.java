package dev.turnstile.faults;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Checks the merged histories of one phase against its facts. Definitions (also in
 * faults/README.md):
 * <ul>
 * <li>A <b>forbidden overlap</b> is a pair of sections of one session that overlap in time and
 * may not: different turns, or a write and anything of its turn. Recorded sections lie inside the
 * real holding times (enter after acquire returned, exit before close), so every one is real.
 * <li>An overlap is <b>excused</b> when a place really could be gone: the earlier section was
 * granted by a Redis that then lost its data (entered before the new server could grant, in a
 * slot the loss affected) and the later one entered after that; or the earlier section belongs
 * to a process whose network was cut for longer than the lease, entered before the cut, and the
 * later one entered during the cut. Every other overlap is forbidden.
 * <li>An excused overlap is <b>caught</b> when the tool's storage rejects one of its writes (a
 * write commits at its exit and is rejected when a write of its session has already presented a
 * higher fence, at its enter) or when one of the two sections reported a lost lease (at exit,
 * after close, or when asked again at the drain).
 * <li>A lease is <b>really lost</b> when the release answered that the place was no longer held
 * (released with wasHeld=false), when the section is the earlier one of an overlap, or when its
 * process's network was cut and the section was still open a lease (+50 ms) after the cut began.
 * </ul>
 */
final class Checker {

    private static final long CUT_MARGIN_NANOS = 50_000_000L;
    private static final int HANDOFF_LOOKBACK = 500;

    private final PhaseHistory history;
    private final PhaseFacts facts;
    private final LoadSettings load;
    private final PhaseReport report;
    private final Set<Section> rejected = new HashSet<>();
    private final Set<Section> lost = new HashSet<>();

    private Checker(PhaseHistory history, PhaseFacts facts, LoadSettings load) {
        this.history = history;
        this.facts = facts;
        this.load = load;
        this.report = new PhaseReport(facts);
    }

    static PhaseReport check(PhaseHistory history, PhaseFacts facts, LoadSettings load) {
        Checker c = new Checker(history == null ? new PhaseHistory(facts.index) : history, facts, load);
        c.run();
        return c.report;
    }

    private void run() {
        finishSections();
        counts();
        Map<Integer, List<Section>> bySession =
                history.sections.stream().collect(Collectors.groupingBy(s -> s.session));
        bySession.values().forEach(this::regressions);
        bySession.values().forEach(this::fencing);
        bySession.values().forEach(this::overlaps);
        leases();
        lossNotes(bySession);
        Recovery.measure(bySession, facts, load, report);
        bySession.values().forEach(this::handoffs);
        musts();
    }

    /** Sections of a killed process without an exit end at the kill. */
    private void finishSections() {
        for (Section s : history.sections) {
            if (s.exit >= 0) {
                continue;
            }
            PhaseFacts.Kill kill = facts.killOf(s.process);
            if (kill != null) {
                s.exit = Math.max(s.enter, kill.at());
                s.killed = true;
            } else {
                report.unfinishedSections++;
                s.exit = facts.drainedAt;
            }
        }
    }

    private void counts() {
        report.ops = history.sections.size();
        report.busy = history.busy;
        report.acquireBackendFailures = history.failures("backend");
        report.acquireOtherFailures = history.failures("other");
        report.events.putAll(history.events);
    }

    /** Writes of one session whose fence is not above every fence of an earlier-entered write. */
    private void regressions(List<Section> sections) {
        long highest = Long.MIN_VALUE;
        for (Section w : writes(sections)) {
            if (w.fence <= highest) {
                report.fenceRegressions++;
                report.example("fence regression", w.describe(facts.startedAt) + " after fence " + highest);
            }
            highest = Math.max(highest, w.fence);
        }
    }

    /**
     * The tool's storage: a write presents its fence at enter and commits at exit (a killed one
     * never commits); a commit below the highest fence presented so far is rejected.
     */
    private void fencing(List<Section> sections) {
        List<Section> writes = writes(sections);
        List<long[]> events = new ArrayList<>(); // time, kind (0 present, 1 commit), index
        for (int i = 0; i < writes.size(); i++) {
            events.add(new long[] {writes.get(i).enter, 0, i});
            if (!writes.get(i).killed) {
                events.add(new long[] {writes.get(i).exit, 1, i});
            }
        }
        events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        long presented = Long.MIN_VALUE;
        for (long[] e : events) {
            Section w = writes.get((int) e[2]);
            if (e[1] == 0) {
                presented = Math.max(presented, w.fence);
            } else if (w.fence < presented && rejected.add(w)) {
                report.staleWritesRejected++;
            }
        }
    }

    private static List<Section> writes(List<Section> sections) {
        return sections.stream()
                .filter(Section::write)
                .sorted(Comparator.comparingLong(s -> s.enter))
                .collect(Collectors.toList());
    }

    private void overlaps(List<Section> sections) {
        List<Section> list = new ArrayList<>(sections);
        list.sort(Comparator.comparingLong(s -> s.enter));
        for (int i = 0; i < list.size(); i++) {
            Section a = list.get(i);
            for (int j = i + 1; j < list.size() && list.get(j).enter < a.exit; j++) {
                Section b = list.get(j);
                if (a.overlaps(b) && !a.compatible(b)) {
                    overlap(a, b);
                }
            }
        }
    }

    private void overlap(Section a, Section b) {
        if (!a.killed) {
            lost.add(a);
        }
        String text = a.describe(facts.startedAt) + " / " + b.describe(facts.startedAt);
        if (!excused(a, b)) {
            report.forbiddenOverlaps++;
            report.example("forbidden overlap", text);
            return;
        }
        report.excusedOverlaps++;
        boolean caught = rejected.contains(a) || rejected.contains(b) || a.reportedLost() || b.reportedLost();
        if (!caught) {
            report.uncaughtOverlaps++;
            report.example("uncaught overlap", text);
        }
    }

    private boolean excused(Section a, Section b) {
        for (PhaseFacts.Loss l : facts.losses) {
            boolean slot =
                    l.slots() == null || l.slots().contains(JedisClusterCRC16.getSlot("{" + a.sessionHash + "}"));
            if (slot && a.enter < l.grantedBefore() && b.enter >= l.grantedBefore()) {
                return true;
            }
        }
        for (PhaseFacts.Cut c : facts.cuts) {
            if (a.process.equals(c.process())
                    && c.to() - c.from() > load.lease().toNanos()
                    && a.enter < c.from()
                    && b.enter > c.from()) {
                return true;
            }
        }
        return false;
    }

    private void leases() {
        for (Section s : history.sections) {
            if (Boolean.FALSE.equals(s.wasHeld) || cutPastLease(s)) {
                lost.add(s);
            }
            if (s.reportedLost()) {
                report.reportedLost++;
            }
            if (s.lostAtExit) {
                report.reportedLostAtExit++;
            }
        }
        report.reallyLost = lost.size();
        for (Section s : lost) {
            if (!s.reportedLost()) {
                report.unreportedLost++;
                report.example(
                        "unreported lost lease",
                        s.describe(facts.startedAt) + (s.releaseError ? " (its release failed)" : ""));
            }
        }
    }

    /** Which sessions a partial loss (a Cluster failover) concerned. */
    private void lossNotes(Map<Integer, List<Section>> bySession) {
        for (PhaseFacts.Loss l : facts.losses) {
            if (l.slots() == null) {
                continue;
            }
            List<String> hit = new ArrayList<>();
            bySession.forEach((session, sections) -> {
                if (l.slots().contains(JedisClusterCRC16.getSlot("{" + sections.get(0).sessionHash + "}"))) {
                    hit.add("session-" + session);
                }
            });
            report.notes.add(l.what() + " concerned " + (hit.isEmpty() ? "no session" : String.join(", ", hit)));
        }
    }

    /** Open a lease after its process's network was cut, while still cut: its place has expired. */
    private boolean cutPastLease(Section s) {
        if (s.killed) {
            return false;
        }
        for (PhaseFacts.Cut c : facts.cuts) {
            long t = c.from() + load.lease().toNanos() + CUT_MARGIN_NANOS;
            if (s.process.equals(c.process()) && t < c.to() && s.openAt(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Hand-off: a section that was already waiting when the last section it could not run beside
     * left; the time from that exit to its enter. Collected for sections entering before the
     * fault and for those entering after its end.
     */
    private void handoffs(List<Section> sections) {
        List<Section> byExit = new ArrayList<>(sections);
        byExit.sort(Comparator.comparingLong(s -> s.exit));
        long[] exits = byExit.stream().mapToLong(s -> s.exit).toArray();
        List<Long> after = new ArrayList<>();
        for (Section x : sections) {
            boolean before = facts.faultAt < 0 || x.enter < facts.faultAt;
            if (!before && x.enter < facts.faultEnd) {
                continue;
            }
            long h = handoff(x, byExit, exits);
            if (h >= 0) {
                (before ? report.handoffsBefore : after).add(h);
            }
        }
        report.handoffs.addAll(after);
        if (!after.isEmpty()) {
            after.sort(null);
            report.worstSessionHandoff = Math.max(report.worstSessionHandoff, after.get(after.size() / 2));
        }
    }

    private static long handoff(Section x, List<Section> byExit, long[] exits) {
        int k = upperBound(exits, x.enter) - 1;
        for (int steps = 0; k >= 0 && steps < HANDOFF_LOOKBACK; k--, steps++) {
            Section y = byExit.get(k);
            if (y != x && !y.compatible(x)) {
                return x.start < y.exit ? x.enter - y.exit : -1;
            }
        }
        return -1;
    }

    private static int upperBound(long[] a, long key) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void musts() {
        List<String> m = report.mustFailures;
        if (report.unfinishedSections > 0) {
            m.add(report.unfinishedSections + " sections of live processes have no exit (history incomplete)");
        }
        if (report.forbiddenOverlaps > 0) {
            m.add(report.forbiddenOverlaps + " forbidden overlaps");
        }
        if (report.uncaughtOverlaps > 0) {
            m.add(report.uncaughtOverlaps
                    + " overlaps after a lost place caught neither by a fence nor by a lost-lease report");
        }
        if (report.unreportedLost > 0) {
            m.add(report.unreportedLost + " really lost leases not reported");
        }
        if (report.fenceRegressions > 0 && !facts.dataLoss()) {
            m.add(report.fenceRegressions + " fence regressions while Redis kept its data");
        }
        keys(m);
    }

    private void keys(List<String> m) {
        Set<String> noTtl = new HashSet<>();
        if (facts.atDrain != null) {
            noTtl.addAll(facts.atDrain.withoutTtl());
        }
        if (facts.last != null) {
            noTtl.addAll(facts.last.withoutTtl());
        }
        if (!noTtl.isEmpty()) {
            m.add(noTtl.size() + " keys without a TTL: "
                    + noTtl.stream().sorted().limit(3).collect(Collectors.toList()));
        }
        if (facts.last == null) {
            m.add("keys were not counted");
        } else if (facts.lockKeysGoneAfter < 0) {
            m.add(facts.last.lockKeys() + " lock keys still there a lease after the drain (" + facts.last.lockKinds()
                    + ")");
        }
    }
}
