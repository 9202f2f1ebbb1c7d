package dev.turnstile.spi;

import dev.turnstile.BusyReason;
import java.time.Duration;

/** The answer of one acquire attempt. */
public sealed interface Grant {

    /**
     * The place is held.
     *
     * @param fence the write place's fencing token; 0 for a read place
     */
    record Granted(long fence) implements Grant {}

    /**
     * Not granted now. {@code earliestLeaseEnd} is the time until the earliest lease held in the
     * session runs out (zero when the session holds none): a waiter needs no wake-up to retry then.
     * When the session is free but owed to another turn, it is the time until that turn's newest
     * waiting mark ends instead. {@code queuePosition} counts the turns waiting ahead of the
     * caller's ({@code SESSION_BUSY}; -1 otherwise); {@code nextTurn} is the hash of the turn first
     * in line and {@code holdingTurn} that of the turn holding the session ("" when none). {@code
     * arrival} is what the caller sends with its next attempt to keep its place among the waiting
     * calls of its turn ("" when it does not wait, or when the store keeps the order itself).
     *
     * @param reason           whether another turn holds the session or the caller's own turn keeps it out
     * @param earliestLeaseEnd when to retry without a wake-up
     * @param queuePosition    the turns waiting ahead of the caller's, or -1
     * @param nextTurn         the hash of the turn first in line, or ""
     * @param holdingTurn      the hash of the turn holding the session, or ""
     * @param arrival          the caller's place among its turn's waiting calls, or ""
     */
    record Denied(
            BusyReason reason,
            Duration earliestLeaseEnd,
            int queuePosition,
            String nextTurn,
            String holdingTurn,
            String arrival)
            implements Grant {

        /**
         * A denial without queue position, turns or arrival (for a store that keeps no line).
         *
         * @param reason           whether another turn holds the session or the caller's own turn keeps it out
         * @param earliestLeaseEnd when to retry without a wake-up
         */
        public Denied(BusyReason reason, Duration earliestLeaseEnd) {
            this(reason, earliestLeaseEnd, -1, "", "", "");
        }
    }

    /** The token was abandoned by its caller (see {@link LockStore#abandon}): nothing was taken. */
    record Abandoned() implements Grant {}
}
