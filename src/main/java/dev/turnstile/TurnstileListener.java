package dev.turnstile;

import java.time.Duration;

/**
 * Observes the engine. Every method has a no-op default. Listeners are called on the request or
 * watchdog thread; an exception they throw is logged and ignored, so it can never block a release.
 * No method receives a raw session or turn id: {@code sessionHash} is a truncated SHA-256.
 */
public interface TurnstileListener {

    /**
     * A place was granted after {@code waited} (zero when it was free at once).
     *
     * @param sessionHash the hash of the session id ({@link Turnstile#sessionHash(String)})
     * @param mode        the mode of the place
     * @param waited      how long the call waited for it
     */
    default void acquired(String sessionHash, Mode mode, Duration waited) {}

    /**
     * A call had to wait at least once before its outcome; reported once per call, when it first waits.
     *
     * @param sessionHash the hash of the session id ({@link Turnstile#sessionHash(String)})
     * @param mode        the mode of the call
     * @param reason      what kept it out at its first attempt
     */
    default void waited(String sessionHash, Mode mode, BusyReason reason) {}

    /**
     * An acquire ended without a place because the store failed, after {@code waited} (also reported
     * as {@link #backendError} with operation {@code "acquire"}).
     *
     * @param sessionHash the hash of the session id ({@link Turnstile#sessionHash(String)})
     * @param mode        the mode of the call
     * @param waited      how long the call had waited when the store failed
     */
    default void acquireFailed(String sessionHash, Mode mode, Duration waited) {}

    /**
     * A call gave up at its deadline; it never ran.
     *
     * @param sessionHash the hash of the session id ({@link Turnstile#sessionHash(String)})
     * @param mode        the mode of the call
     * @param reason      what kept it out at its last attempt
     * @param waited      how long it waited
     */
    default void busy(String sessionHash, Mode mode, BusyReason reason, Duration waited) {}

    /**
     * A place was released after {@code held}. {@code wasHeld} is false when the place was no
     * longer in the store (its lease had run out, or the store lost its data): nothing changed.
     *
     * @param sessionHash the hash of the session id ({@link Turnstile#sessionHash(String)})
     * @param mode        the mode of the place
     * @param held        how long the place was held, from its grant to its release
     * @param wasHeld     whether the store still held the place
     */
    default void released(String sessionHash, Mode mode, Duration held, boolean wasHeld) {}

    /**
     * A place still in use was found lost (see {@link Permit#leaseLost()}).
     *
     * @param sessionHash the hash of the session id ({@link Turnstile#sessionHash(String)})
     * @param mode        the mode of the place
     */
    default void leaseLost(String sessionHash, Mode mode) {}

    /**
     * A background clean-up ended. {@code operation} is what it cleaned up after: {@code "acquire"}
     * (an acquire whose answer did not come: the place it may have been granted), {@code "withdraw"}
     * (a waiting writer's mark after it gave up) or {@code "release"} (a release that failed and was
     * retried; a successful retry is also reported as {@link #released}).
     *
     * @param sessionHash the hash of the session id ({@link Turnstile#sessionHash(String)})
     * @param mode        the mode of the call cleaned up after
     * @param operation   {@code "acquire"}, {@code "withdraw"} or {@code "release"}
     * @param outcome     how the clean-up ended
     */
    default void cleanedUp(String sessionHash, Mode mode, String operation, CleanupOutcome outcome) {}

    /**
     * The store failed during {@code operation} ("acquire", "release", "renew", "withdraw",
     * "cleanup").
     *
     * @param operation the store operation that failed
     * @param error     the failure, usually a {@link BackendUnavailableException} with the client
     *                  library's exception as its cause
     */
    default void backendError(String operation, Throwable error) {}

    /**
     * A call of {@code mode} went on without a place because the store was unreachable and
     * fail-open is on for that mode (reported by the servlet filter and {@code @Guarded}, through
     * {@link Turnstile#reportFailOpen}).
     *
     * @param mode the mode of the call that went on unguarded
     */
    default void failedOpen(Mode mode) {}

    /**
     * The Turnstile this listener was given to was built. A listener that reports its gauges
     * ({@link Turnstile#heldPlaces()}, {@link Turnstile#waitingCalls()}) keeps it.
     *
     * @param turnstile the Turnstile that was built; called before {@link TurnstileBuilder#build()} returns it
     */
    default void started(Turnstile turnstile) {}
}
