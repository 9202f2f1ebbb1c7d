package dev.turnstile;

import java.time.Duration;
import java.util.Objects;

/** The call could not get its place before its deadline; it never ran. */
public final class BusyException extends TurnstileException {
    private static final long serialVersionUID = 1L;

    private final BusyReason reason;
    private final Duration retryAfter;

    public BusyException(BusyReason reason, Duration retryAfter) {
        super("the " + (reason == BusyReason.SESSION_BUSY ? "session" : "turn")
                + " is busy; retry after " + retryAfter.toMillis() + " ms");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public BusyReason reason() {
        return reason;
    }

    /** A hint: how long the caller should wait before it tries again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
