package dev.turnstile;

import java.util.OptionalLong;

/**
 * A place held by one guarded call. Only this permit's random owner token can renew or release
 * the place. {@link #close()} releases it; it never throws and is idempotent.
 */
public interface Permit extends AutoCloseable {

    Mode mode();

    /**
     * The fencing token of a write place: a number that only grows per session, also across idle
     * periods. Empty for read places. Tools can reject writes that carry a smaller token than one
     * they have already seen.
     */
    OptionalLong fence();

    /** A short hash of the session id, safe to log; never the id itself. */
    String sessionHash();

    /**
     * True once the place was found lost: its lease ran out (renewal failed or the holder stalled)
     * or the store lost its data. Mutual exclusion is no longer guaranteed for this call.
     */
    boolean leaseLost();

    /** Releases the place. Safe to call more than once and from any thread; never throws. */
    @Override
    void close();
}
