package dev.turnstile.engine;

import java.time.Duration;
import java.util.Collection;

/**
 * Where places live. Each transition is atomic and, for a remote store, one round trip.
 * Implementations: {@link RedisLockStore} (standalone or Cluster) and {@link InProcessLockStore}.
 * Every method except {@link #watch} may throw a {@link dev.turnstile.BackendUnavailableException}
 * when the store cannot be reached; its {@code mayHaveApplied()} tells whether the command may
 * still have been carried out (sent, but no answer).
 */
public interface LockStore extends AutoCloseable {

    /**
     * Tries to take the session's turn and the place together. A denied writer with a non-zero
     * {@code waitingMark} is recorded as waiting for that long, so newer readers of its turn queue
     * behind it. A token that was {@linkplain #abandon abandoned} gets {@link Grant.Abandoned}.
     */
    Grant tryAcquire(Place place, Duration lease, Duration waitingMark);

    /** Releases the place. True when it was held; false when it was not (nothing changed). */
    boolean release(Place place);

    /**
     * Extends the leases of places held by this process, and says per place what happened. A place
     * that is neither renewed nor lost has no known outcome (its node could not be reached).
     */
    Renewal renew(Collection<Place> places, Duration lease);

    /** Removes a waiting writer's mark after it gave up, and wakes the readers it held back. */
    void withdraw(Place place);

    /**
     * Cleans up after a caller that gave up on an acquire or a withdraw whose answer never came:
     * removes the token's place and waiting mark, and refuses a later acquire of the token for
     * {@code tombstone} (a delayed command may still arrive). True when something was removed.
     */
    boolean abandon(Place place, Duration tombstone);

    /**
     * Starts watching a session for releases, waiting up to {@code maxWait} until wake-ups are
     * delivered. Called on the contended path only; never throws for an unreachable store (the
     * waiter then relies on its re-check).
     */
    Watch watch(String sessionHash, Duration maxWait);

    /** A short description for logs, without credentials. */
    String describe();

    /** Closes connections and stops (and joins) every thread the store started. */
    @Override
    void close();
}
