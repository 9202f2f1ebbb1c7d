package dev.turnstile;

import dev.turnstile.jsonrpc.JsonRpcError;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The call could not get its place before its deadline; it never ran. Open for one purpose: an
 * integration that rethrows the busy error with more context ({@code GuardedBusyException}) stays a
 * {@code BusyException}, so one {@code catch} handles both. Its accessors are final.
 */
public class BusyException extends TurnstileException {
    private static final long serialVersionUID = 1L;

    /** Why the call could not get its place. */
    private final BusyReason reason;
    /** The retry hint. */
    private final Duration retryAfter;
    /** Turns waiting ahead of the caller's, or -1. */
    private final int queuePosition;

    /**
     * A busy error without a queue position.
     *
     * @param reason     why the call could not get its place
     * @param retryAfter how long the caller should wait before it tries again
     */
    public BusyException(BusyReason reason, Duration retryAfter) {
        this(reason, retryAfter, -1);
    }

    /**
     * A busy error.
     *
     * @param reason        why the call could not get its place
     * @param retryAfter    how long the caller should wait before it tries again
     * @param queuePosition turns waiting ahead of the caller's when it gave up (0 = it was next), for
     *                      {@link BusyReason#SESSION_BUSY}; -1 when unknown or not applicable
     */
    public BusyException(BusyReason reason, Duration retryAfter, int queuePosition) {
        this(reason, retryAfter, queuePosition, null);
    }

    /**
     * The same busy error (reason, hint, position and message), with {@code busy} as its cause.
     *
     * @param busy the busy error to repeat
     */
    protected BusyException(BusyException busy) {
        this(busy.reason, busy.retryAfter, busy.queuePosition, busy);
    }

    private BusyException(BusyReason reason, Duration retryAfter, int queuePosition, Throwable cause) {
        super(
                "the " + (Objects.requireNonNull(reason, "reason") == BusyReason.SESSION_BUSY ? "session" : "turn")
                        + " is busy; retry after "
                        + Objects.requireNonNull(retryAfter, "retryAfter").toMillis() + " ms",
                cause);
        this.reason = reason;
        this.retryAfter = retryAfter;
        this.queuePosition = reason == BusyReason.SESSION_BUSY ? Math.max(-1, queuePosition) : -1;
    }

    /**
     * Why the call could not get its place.
     *
     * @return the reason, also written to {@code error.data.reason}
     */
    public final BusyReason reason() {
        return reason;
    }

    /**
     * A hint: how long the caller should wait before it tries again.
     *
     * @return the hint, also written to {@code error.data.retryAfterMs}
     */
    public final Duration retryAfter() {
        return retryAfter;
    }

    /**
     * For {@link BusyReason#SESSION_BUSY}: the number of turns that were waiting ahead of the
     * caller's when it gave up (0 = its turn was next). Empty for {@code TURN_BUSY} or when unknown.
     *
     * @return the queue position, or empty
     */
    public final OptionalInt queuePosition() {
        return queuePosition < 0 ? OptionalInt.empty() : OptionalInt.of(queuePosition);
    }

    /** The busy error: {@code busyCode}, {@code data.reason}, {@code data.retryAfterMs} (and {@code queuePosition}). */
    @Override
    public final JsonRpcError jsonRpcError(int busyCode) {
        return JsonRpcError.busy(this, busyCode);
    }
}
