package dev.turnstile.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * What the orchestrator did and saw in one phase, on the shared clock: the faults, their end,
 * the processes it killed, the windows in which Redis lost data, the network cuts, the drain and
 * the keys left afterwards. The checker reads the histories against these facts.
 */
final class PhaseFacts {

    /** A worker process killed with SIGKILL at {@code at} (just before the signal). */
    record Kill(String process, long at) {}

    /**
     * Redis lost data: places granted before {@code grantedBefore} may be gone, and places granted
     * from then on are granted by the new server. {@code slots} are the Cluster slots affected,
     * null for every session.
     */
    record Loss(long from, long grantedBefore, Set<Integer> slots, String what) {}

    /** The network of {@code process} was cut from {@code from} to {@code to}. */
    record Cut(String process, long from, long to) {}

    final int index;
    final PhasePlan plan;
    final String keyPrefix;
    final List<Kill> kills = Collections.synchronizedList(new ArrayList<>());
    final List<Loss> losses = Collections.synchronizedList(new ArrayList<>());
    final List<Cut> cuts = Collections.synchronizedList(new ArrayList<>());
    final List<String> notes = Collections.synchronizedList(new ArrayList<>());
    long startedAt;
    long faultAt = -1;
    long faultEnd = -1;
    /** The latest planned end of a hold placed across a fault (holds that only a kill ends aside). */
    long holdsUntil = -1;

    long drainedAt;
    KeyCensus atDrain;
    KeyCensus last;
    /** Nanoseconds from the drain until no lock key was left; -1 when some were still there. */
    long lockKeysGoneAfter = -1;

    PhaseFacts(int index, PhasePlan plan, String keyPrefix) {
        this.index = index;
        this.plan = plan;
        this.keyPrefix = keyPrefix;
    }

    /** Marks the start of the (first) fault. */
    synchronized void faultStarts(long at) {
        if (faultAt < 0) {
            faultAt = at;
        }
    }

    /** Marks the end of a fault; with several faults the last end counts. */
    synchronized void faultEnds(long at) {
        faultEnd = Math.max(faultEnd, at);
    }

    synchronized void holdEnds(long at) {
        holdsUntil = Math.max(holdsUntil, at);
    }

    boolean dataLoss() {
        return !losses.isEmpty();
    }

    Kill killOf(String process) {
        return kills.stream()
                .filter(k -> k.process().equals(process))
                .findFirst()
                .orElse(null);
    }

    void note(String text) {
        notes.add(text);
    }
}
