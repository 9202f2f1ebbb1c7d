package dev.turnstile;

import java.time.Duration;

/**
 * Observes the engine. Every method has a no-op default. Listeners are called on the request or
 * watchdog thread; an exception they throw is logged and ignored, so it can never block a release.
 * No method receives a raw session or turn id: {@code sessionHash} is a truncated SHA-256.
 */
public interface TurnstileListener {

    /** A place was granted after {@code waited} (zero when it was free at once). */
    default void acquired(String sessionHash, Mode mode, Duration waited) {}

    /** A call had to wait at least once before its outcome. */
    default void waited(String sessionHash, Mode mode, BusyReason reason) {}

    /**
     * An acquire ended without a place because the store failed, after {@code waited} (also reported
     * as {@link #backendError} with operation {@code "acquire"}).
     */
    default void acquireFailed(String sessionHash, Mode mode, Duration waited) {}

    /** A call gave up at its deadline. */
    default void busy(String sessionHash, Mode mode, BusyReason reason, Duration waited) {}

    /**
     * A place was released after {@code held}. {@code wasHeld} is false when the place was no
     * longer in the store (its lease had run out, or the store lost its data): nothing changed.
     */
    default void released(String sessionHash, Mode mode, Duration held, boolean wasHeld) {}

    /** A place still in use was found lost (see {@link Permit#leaseLost()}). */
    default void leaseLost(String sessionHash, Mode mode) {}

    /**
     * A background clean-up ended. {@code operation} is what it cleaned up after: {@code "acquire"}
     * (an acquire whose answer did not come: the place it may have been granted), {@code "withdraw"}
     * (a waiting writer's mark after it gave up) or {@code "release"} (a release that failed and was
     * retried; a successful retry is also reported as {@link #released}).
     */
    default void cleanedUp(String sessionHash, Mode mode, String operation, CleanupOutcome outcome) {}

    /**
     * The store failed during {@code operation} ("acquire", "release", "renew", "withdraw",
     * "cleanup").
     */
    default void backendError(String operation, Throwable error) {}

    /**
     * A call of {@code mode} went on without a place because the store was unreachable and
     * fail-open is on for that mode (reported by the servlet filter and {@code @Guarded}, through
     * {@link Turnstile#reportFailOpen}).
     */
    default void failedOpen(Mode mode) {}

    /**
     * The Turnstile this listener was given to was built. A listener that reports its gauges
     * ({@link Turnstile#heldPlaces()}, {@link Turnstile#waitingCalls()}) keeps it.
     */
    default void started(Turnstile turnstile) {}
}
