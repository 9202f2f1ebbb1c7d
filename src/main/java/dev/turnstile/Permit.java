package dev.turnstile;

import java.util.OptionalLong;

/**
 * A place held by one guarded call. Only this permit's random owner token can renew or release
 * the place. {@link #close()} releases it; it never throws and is idempotent.
 */
public interface Permit extends AutoCloseable {

    /**
     * The mode of the place.
     *
     * @return the mode the place was acquired with
     */
    Mode mode();

    /**
     * The fencing token of a write place: a number that only grows per session, also across idle
     * periods. Empty for read places. Tools can reject writes that carry a smaller token than one
     * they have already seen.
     *
     * @return the fencing token of a write place; empty for a read place
     */
    OptionalLong fence();

    /**
     * A short hash of the session id, safe to log; never the id itself.
     *
     * @return the hash of the session id, as in the lock keys
     */
    String sessionHash();

    /**
     * True from the moment the place may be gone: when its lease may have run out (counted from
     * when the acquire or the last confirmed renewal was sent, minus a safety margin of 1 % of the
     * lease, at least 5 ms), or when the store was found not to hold it. It never turns false
     * again. Computed by the permit itself, not by a background thread: read it just before a
     * step that needs the place (for example committing a write). Mutual exclusion is no longer
     * guaranteed for this call once it is true.
     *
     * @return true once the place may be gone
     */
    boolean leaseLost();

    /**
     * Whether the place is still held.
     *
     * @return true while the place is held: not released, and its lease not lost
     */
    boolean held();

    /** Releases the place. Safe to call more than once and from any thread; never throws. */
    @Override
    void close();
}
