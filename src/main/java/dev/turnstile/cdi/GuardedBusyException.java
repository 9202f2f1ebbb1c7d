package dev.turnstile.cdi;

import dev.turnstile.BusyException;
import dev.turnstile.jsonrpc.JsonRpcError;

/**
 * A {@code @Guarded} call could not get its place before its deadline and did not run. A
 * {@link BusyException} (one {@code catch} handles both) that also carries the JSON-RPC error the
 * servlet filter would have answered with, with the configured busy code.
 */
public final class GuardedBusyException extends BusyException {
    private static final long serialVersionUID = 1L;

    private final transient JsonRpcError error;

    /**
     * Repeats a busy error for a {@code @Guarded} call.
     *
     * @param cause the engine's busy error: its reason, hint, queue position and message are kept
     * @param error the JSON-RPC error to answer the call with
     */
    public GuardedBusyException(BusyException cause, JsonRpcError error) {
        super(cause);
        this.error = error;
    }

    /**
     * The busy error the servlet filter would have answered with.
     *
     * @return the error with the configured code, {@code data.reason} and {@code data.retryAfterMs}
     */
    public JsonRpcError jsonRpcError() {
        return error;
    }
}
