package dev.turnstile.cdi;

import dev.turnstile.BusyException;
import dev.turnstile.BusyReason;
import dev.turnstile.TurnstileException;
import dev.turnstile.jsonrpc.JsonRpcError;
import java.time.Duration;

/**
 * A {@code @Guarded} call could not get its place before its deadline and did not run. Carries the
 * retry hint and the JSON-RPC error the servlet filter would have answered with.
 */
public final class GuardedBusyException extends TurnstileException {
    private static final long serialVersionUID = 1L;

    private final BusyReason reason;
    private final Duration retryAfter;
    private final transient JsonRpcError error;

    public GuardedBusyException(BusyException cause, JsonRpcError error) {
        super(cause.getMessage(), cause);
        this.reason = cause.reason();
        this.retryAfter = cause.retryAfter();
        this.error = error;
    }

    public BusyReason reason() {
        return reason;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** The busy error: the configured code, {@code data.reason} and {@code data.retryAfterMs}. */
    public JsonRpcError jsonRpcError() {
        return error;
    }
}
