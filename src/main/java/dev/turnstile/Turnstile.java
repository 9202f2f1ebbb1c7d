package dev.turnstile;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The guard: hands out places in sessions by the three scheduling rules. Different sessions never
 * wait for each other; one turn per session at a time; inside a turn, reads together and a write
 * alone, with writers preferred over newly arriving readers.
 *
 * <pre>{@code
 * Turnstile turnstile = Turnstile.builder().redisUrl("redis://localhost:6379").build();
 * try (Permit permit = turnstile.acquire(sessionId, turnId, Mode.WRITE)) {
 *     // run the tool call
 * }
 * }</pre>
 */
public interface Turnstile extends AutoCloseable {

    /**
     * Takes a place, waiting up to the configured acquire timeout.
     *
     * @param sessionId the MCP session id (hashed before use; never stored or logged in clear)
     * @param turnId    the turn id, or null for a call that is a turn of its own
     * @param mode      {@link Mode#READ} or {@link Mode#WRITE}
     * @return the held place; close it when the call is done
     * @throws BusyException                the deadline passed first
     * @throws BackendUnavailableException  the store could not be reached, or this Turnstile is closed
     * @throws InvalidTurnIdException       the turn id is empty, too long or not visible ASCII
     * @throws AcquireInterruptedException  the waiting thread was interrupted
     * @throws IllegalArgumentException     the session id is empty
     * @throws NullPointerException         the session id or the mode is null
     */
    Permit acquire(String sessionId, String turnId, Mode mode);

    /**
     * Takes a place, waiting up to {@code timeout} (one deadline for the whole acquisition).
     *
     * @param sessionId the MCP session id (hashed before use; never stored or logged in clear)
     * @param turnId    the turn id, or null for a call that is a turn of its own
     * @param mode      {@link Mode#READ} or {@link Mode#WRITE}
     * @param timeout   how long the call may wait; zero makes one attempt and does not wait
     * @return the held place; close it when the call is done
     * @throws BusyException                the deadline passed first
     * @throws BackendUnavailableException  the store could not be reached, or this Turnstile is closed
     * @throws InvalidTurnIdException       the turn id is empty, too long or not visible ASCII
     * @throws AcquireInterruptedException  the waiting thread was interrupted
     * @throws IllegalArgumentException     the session id is empty or the timeout negative
     * @throws NullPointerException         the session id, the mode or the timeout is null
     */
    Permit acquire(String sessionId, String turnId, Mode mode, Duration timeout);

    /**
     * Takes a place without holding a thread while it waits, up to the configured acquire timeout.
     * The first attempt runs on the caller's thread (an uncontended call completes at once);
     * after that, wake-ups of the session drive the attempts, on a few threads of the engine. The
     * stage completes with the permit, or with {@link BusyException},
     * {@link BackendUnavailableException} or {@link InvalidTurnIdException}. Cancelling it
     * ({@code toCompletableFuture().cancel(...)}) withdraws the call; a place granted while it was
     * being cancelled is released at once.
     *
     * @param sessionId the MCP session id (hashed before use; never stored or logged in clear)
     * @param turnId    the turn id, or null for a call that is a turn of its own
     * @param mode      {@link Mode#READ} or {@link Mode#WRITE}
     * @return a stage that completes with the held place, or exceptionally
     * @throws IllegalArgumentException the session id is empty
     * @throws NullPointerException     the session id or the mode is null
     */
    CompletionStage<Permit> acquireAsync(String sessionId, String turnId, Mode mode);

    /**
     * {@link #acquireAsync(String, String, Mode)} with its own timeout.
     *
     * @param sessionId the MCP session id (hashed before use; never stored or logged in clear)
     * @param turnId    the turn id, or null for a call that is a turn of its own
     * @param mode      {@link Mode#READ} or {@link Mode#WRITE}
     * @param timeout   how long the call may wait; zero makes one attempt and does not wait
     * @return a stage that completes with the held place, or exceptionally
     * @throws IllegalArgumentException the session id is empty or the timeout negative
     * @throws NullPointerException     the session id, the mode or the timeout is null
     */
    CompletionStage<Permit> acquireAsync(String sessionId, String turnId, Mode mode, Duration timeout);

    /**
     * The settings this Turnstile was built with.
     *
     * @return the immutable configuration
     */
    TurnstileConfig config();

    /**
     * What this Turnstile's store learned about tools from their servers.
     *
     * @return the learned tool classes; {@link ToolClasses#NONE} when it learns nothing
     */
    default ToolClasses toolClasses() {
        return ToolClasses.NONE;
    }

    /**
     * Checks that the store can be reached: one cheap round trip (a Redis {@code PING} through the
     * connection pool, to every node of a Cluster). The in-process store is always up. For a
     * readiness check; it takes no place and changes nothing.
     *
     * @throws BackendUnavailableException the store could not be reached
     */
    default void ping() {}

    /**
     * Places held right now by calls of this Turnstile (granted, not yet released).
     *
     * @return the number of held places of this instance (not of other instances on the same store)
     */
    default int heldPlaces() {
        return 0;
    }

    /**
     * Calls waiting for a place right now, on a thread of their own or asynchronously.
     *
     * @return the number of waiting calls of this instance
     */
    default int waitingCalls() {
        return 0;
    }

    /**
     * Tells the listener that a call of {@code mode} went on without a place because the store was
     * unreachable (fail-open). The servlet filter and {@code @Guarded} call it; code that fails open
     * around {@link #acquire} itself may too.
     *
     * @param mode the mode of the call that went on unguarded
     */
    default void reportFailOpen(Mode mode) {}

    /**
     * Runs pending clean-ups and retried releases for a bounded time (5 s), then stops the watchdog,
     * joins every thread the engine started and closes the store. Places still held by calls in
     * flight are not released; they expire within their lease. Acquires after it fail.
     */
    @Override
    void close();

    /**
     * A builder with the defaults of {@link TurnstileConfig}; {@link TurnstileBuilder#build()} starts the engine.
     *
     * @return a new builder
     */
    static TurnstileBuilder builder() {
        return new TurnstileBuilder();
    }

    /**
     * The hash that stands for an MCP session id in Redis keys, logs and listener events when the
     * session id is what keys the call (the default; with {@code bind-principal} or other key sources the
     * key is built from more than the id): a truncated SHA-256, 22 base64url characters. Session ids
     * are credentials; show this instead.
     *
     * @param sessionId an MCP session id (or any conversation key)
     * @return the session's hash, never the id itself
     */
    static String sessionHash(String sessionId) {
        return dev.turnstile.internal.engine.Hashing.sessionHash(sessionId);
    }
}
