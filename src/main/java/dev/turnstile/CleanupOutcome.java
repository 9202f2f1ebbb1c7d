package dev.turnstile;

/** How a background clean-up ended (see {@link TurnstileListener#cleanedUp}). */
public enum CleanupOutcome {
    /** Something was left in the store (a place, a waiting mark) and is gone now. */
    REMOVED,
    /** The store held nothing of the call any more: nothing to do. */
    NOTHING_LEFT,
    /**
     * Given up: a release whose place can no longer exist (its lease ran out), a clean-up still
     * failing when the engine closed, or one dropped because too many were pending. What was
     * left expires with its lease.
     */
    GAVE_UP
}
