package dev.turnstile.internal.servlet;

import dev.turnstile.TurnstileException;
import dev.turnstile.jsonrpc.JsonRpcError;
import dev.turnstile.jsonrpc.JsonRpcErrors;

/**
 * The container timed a request out while its call waited for its place: only when something
 * caps the asynchronous timeout below the one the filter sets (the acquire timeout plus a margin).
 * The call never ran; it is answered with the busy code.
 */
final class WaitTimedOutException extends TurnstileException {
    private static final long serialVersionUID = 1L;

    WaitTimedOutException() {
        super("the request timed out while it waited for its place", null, false, false);
    }

    /** The busy code with {@code data.reason} {@code wait_timeout}. */
    @Override
    public JsonRpcError jsonRpcError(int busyCode) {
        return JsonRpcError.of(busyCode, getMessage(), JsonRpcErrors.WAIT_TIMEOUT);
    }
}
