package dev.turnstile.engine;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/**
 * Where places live. Each transition is atomic and, for a remote store, one round trip.
 * Implementations: {@link RedisLockStore} (standalone or Cluster) and {@link InProcessLockStore}.
 * Every method except {@link #release} and {@link #withdraw} may throw a
 * {@link dev.turnstile.BackendUnavailableException} when the store cannot be reached.
 */
public interface LockStore extends AutoCloseable {

    /**
     * Tries to take the session's turn and the place together. A denied writer with a non-zero
     * {@code waitingMark} is recorded as waiting for that long, so newer readers of its turn queue
     * behind it.
     */
    Grant tryAcquire(Place place, Duration lease, Duration waitingMark);

    /** Releases the place. True when it was held; false when it was not (nothing changed). */
    boolean release(Place place);

    /**
     * Extends the leases of places held by this process. Returns the tokens of the places that
     * were no longer held (lost); they are not brought back.
     */
    Set<String> renew(Collection<Place> places, Duration lease);

    /** Removes a waiting writer's mark after it gave up, and wakes the readers it held back. */
    void withdraw(Place place);

    /**
     * Starts watching a session for releases. Called on the contended path only; the returned
     * watch is signalled when a place of the session is freed.
     */
    Watch watch(String sessionHash);

    /** A short description for logs, without credentials. */
    String describe();

    @Override
    void close();
}
