package dev.turnstile.spi;

import dev.turnstile.ToolClasses;
import dev.turnstile.internal.engine.InProcessLockStore;
import dev.turnstile.internal.engine.RedisLockStore;
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
     * Tries to take the session's turn and the place together. A denied call with a non-zero
     * {@code waitingMark} is recorded as waiting for that long: calls of its turn that come later
     * and conflict with it (a write with anything, a read with a write) queue behind it, and its turn
     * queues for the session (first come, first served). Once
     * another turn has waited longer than {@code turnGrace} (negative: never), new calls of the turn
     * holding the session are denied too. A token that already holds its place is granted again; a
     * token that was {@linkplain #abandon abandoned} gets {@link Grant.Abandoned}. Inside a turn,
     * waiting calls go in the order they came: {@code arrival} is the caller's, as its last denial
     * returned it ({@link Grant.Denied#arrival()}; "" when it has not waited).
     *
     * @param place       the call's place
     * @param lease       how long a granted place lives without renewal
     * @param waitingMark how long a denied call's mark lives; zero records no mark
     * @param turnGrace   how long another turn may wait before the holding turn's new calls are denied;
     *                    negative: never
     * @param arrival     the caller's arrival, as its last denial returned it; "" when it has not waited
     * @return {@link Grant.Granted}, {@link Grant.Denied} or {@link Grant.Abandoned}
     */
    Grant tryAcquire(Place place, Duration lease, Duration waitingMark, Duration turnGrace, String arrival);

    /**
     * A first attempt without rule 4 (turn grace off).
     *
     * @param place       the call's place
     * @param lease       how long a granted place lives without renewal
     * @param waitingMark how long a denied call's mark lives; zero records no mark
     * @return {@link Grant.Granted}, {@link Grant.Denied} or {@link Grant.Abandoned}
     */
    default Grant tryAcquire(Place place, Duration lease, Duration waitingMark) {
        return tryAcquire(place, lease, waitingMark, Duration.ofMillis(-1), "");
    }

    /**
     * Releases the place and wakes the session's waiters.
     *
     * @param place the held place
     * @return true when it was held; false when it was not (nothing changed)
     */
    boolean release(Place place);

    /**
     * Extends the leases of places held by this process, and says per place what happened. A place
     * that is neither renewed nor lost has no known outcome (its node could not be reached).
     *
     * @param places the held places to renew
     * @param lease  the new lease of each, from now
     * @return the tokens renewed and the tokens lost
     */
    Renewal renew(Collection<Place> places, Duration lease);

    /**
     * Removes a waiting call's mark after it gave up, and wakes the calls it held back; {@code
     * arrival} as in {@link #tryAcquire} ("" when unknown: every mark of the token goes).
     *
     * @param place   the place the call waited for
     * @param arrival the call's arrival, or "" for every mark of its token
     */
    void withdraw(Place place, String arrival);

    /**
     * Cleans up after a caller that gave up on an acquire or a withdraw whose answer never came:
     * removes the token's place and waiting mark, and refuses a later acquire of the token for
     * {@code tombstone} (a delayed command may still arrive).
     *
     * @param place     the place the caller gave up on
     * @param tombstone how long a later acquire of the token is refused
     * @return true when something was removed
     */
    boolean abandon(Place place, Duration tombstone);

    /**
     * Registers a waiter of {@code place}'s session for wake-ups; {@code onWake} runs (quickly, on
     * the thread that delivers the wake-up) when it should look again. Never blocks, never throws
     * for an unreachable store: {@link Watch#subscribed()} then does not complete, and the waiter
     * relies on its re-check. Called on the contended path only.
     *
     * @param place  the waiting call's place (its session is watched)
     * @param onWake what to run when the waiter should look again
     * @return the registration; close it when the waiter is done
     */
    Watch watch(Place place, Runnable onWake);

    /**
     * One cheap round trip that proves the store can be reached (for a readiness check); the
     * default, for a store in this process, does nothing.
     *
     * @throws dev.turnstile.BackendUnavailableException the store could not be reached
     */
    default void ping() {}

    /**
     * The tool classes this store learns and shares.
     *
     * @return the learned tool classes; {@link ToolClasses#NONE} when it learns nothing
     */
    default ToolClasses toolClasses() {
        return ToolClasses.NONE;
    }

    /**
     * A short description for logs, without credentials.
     *
     * @return for example the kind of store and its address
     */
    String describe();

    /** Closes connections and stops (and joins) every thread the store started. */
    @Override
    void close();
}
