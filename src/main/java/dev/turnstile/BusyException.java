package dev.turnstile;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/** The call could not get its place before its deadline; it never ran. */
public final class BusyException extends TurnstileException {
    private static final long serialVersionUID = 1L;

    private final BusyReason reason;
    private final Duration retryAfter;
    private final int queuePosition;

    public BusyException(BusyReason reason, Duration retryAfter) {
        this(reason, retryAfter, -1);
    }

    /**
     * @param queuePosition turns waiting ahead of the caller's when it gave up (0 = it was next), for
     *                      {@link BusyReason#SESSION_BUSY}; -1 when unknown or not applicable
     */
    public BusyException(BusyReason reason, Duration retryAfter, int queuePosition) {
        super("the " + (reason == BusyReason.SESSION_BUSY ? "session" : "turn")
                + " is busy; retry after " + retryAfter.toMillis() + " ms");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        this.queuePosition = reason == BusyReason.SESSION_BUSY ? Math.max(-1, queuePosition) : -1;
    }

    public BusyReason reason() {
        return reason;
    }

    /** A hint: how long the caller should wait before it tries again. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /**
     * For {@link BusyReason#SESSION_BUSY}: the number of turns that were waiting ahead of the
     * caller's when it gave up (0 = its turn was next). Empty for {@code TURN_BUSY} or when unknown.
     */
    public OptionalInt queuePosition() {
        return queuePosition < 0 ? OptionalInt.empty() : OptionalInt.of(queuePosition);
    }
}
