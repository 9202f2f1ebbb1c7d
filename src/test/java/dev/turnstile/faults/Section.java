package dev.turnstile.faults;

import dev.turnstile.Mode;

/**
 * One guarded section as the histories show it: entered after {@code acquire} returned, left
 * before {@code close()}. Filled from the {@code E}, {@code X}, {@code C} and {@code LATE} records
 * of one call; a section of a killed process that has no exit record ends at the kill.
 */
final class Section {

    final String process;
    final String id;
    final int session;
    final String turn;
    final Mode mode;
    final boolean hold;
    /** Start of the turn's slice on the shared clock; -1 for holds (turns of their own). */
    final long sliceStart;
    /** When {@code acquire} was called. */
    final long start;

    final long enter;
    /** The fencing token of a write, -1 for a read. */
    final long fence;

    final String sessionHash;

    long exit = -1;
    boolean killed;
    boolean lostAtExit;
    boolean lostAfterClose;
    boolean lostLate;
    boolean lostEvent;
    /** The released event heard on the closing thread: true, false, or null when none came. */
    Boolean wasHeld;

    boolean releaseError;

    Section(
            String process,
            String id,
            int session,
            String turn,
            Mode mode,
            boolean hold,
            long sliceStart,
            long start,
            long enter,
            long fence,
            String sessionHash) {
        this.process = process;
        this.id = id;
        this.session = session;
        this.turn = turn;
        this.mode = mode;
        this.hold = hold;
        this.sliceStart = sliceStart;
        this.start = start;
        this.enter = enter;
        this.fence = fence;
        this.sessionHash = sessionHash;
    }

    boolean write() {
        return mode == Mode.WRITE;
    }

    /** Whether the permit said its lease was lost: at exit, after close, or when asked at the drain. */
    boolean reportedLost() {
        return lostAtExit || lostAfterClose || lostLate || lostEvent;
    }

    boolean overlaps(Section o) {
        return enter < o.exit && o.enter < exit;
    }

    /** May these two run at the same time? Only reads of one (shared) turn may. */
    boolean compatible(Section o) {
        return turn.equals(o.turn) && mode == Mode.READ && o.mode == Mode.READ;
    }

    boolean openAt(long t) {
        return enter <= t && t <= exit;
    }

    String describe(long origin) {
        return String.format(
                "%s %s session-%d %s %s [%.1f, %.1f] ms%s%s",
                process,
                id,
                session,
                turn,
                mode.name().toLowerCase(),
                (enter - origin) / 1e6,
                (exit - origin) / 1e6,
                fence >= 0 ? " fence " + fence : "",
                killed ? " (killed)" : "");
    }
}
