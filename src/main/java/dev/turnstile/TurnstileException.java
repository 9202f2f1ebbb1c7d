package dev.turnstile;

import dev.turnstile.jsonrpc.JsonRpcError;
import dev.turnstile.jsonrpc.JsonRpcErrors;

/**
 * The root of every exception Turnstile throws. Messages never contain session or turn ids. Each
 * exception knows the JSON-RPC error the servlet filter answers a call with when the exception ends
 * it ({@link #jsonRpcError(int)}).
 */
public class TurnstileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what went wrong, without session or turn ids
     */
    public TurnstileException(String message) {
        super(message);
    }

    /**
     * An exception with a message and a cause.
     *
     * @param message what went wrong, without session or turn ids
     * @param cause   the underlying failure; may be null
     */
    public TurnstileException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * For exceptions that describe input rather than a place in the code: no stack trace.
     *
     * @param message            what went wrong, without session or turn ids
     * @param cause              the underlying failure; may be null
     * @param enableSuppression  whether suppressed exceptions can be added
     * @param writableStackTrace whether the stack trace is filled in
     */
    protected TurnstileException(
            String message, Throwable cause, boolean enableSuppression, boolean writableStackTrace) {
        super(message, cause, enableSuppression, writableStackTrace);
    }

    /**
     * The JSON-RPC error a call that ends with this exception is answered with: by default -32603
     * with {@code data.reason} {@code backend_unavailable} and a message that names nothing of the
     * failure (the guard could not do its work). Subclasses that describe the request or a busy
     * session answer with their own code and reason.
     *
     * @param busyCode the configured code of the busy error ({@code busy-code}); only
     *                 {@link BusyException} uses it
     * @return the error object to answer the call with
     */
    public JsonRpcError jsonRpcError(int busyCode) {
        return JsonRpcError.of(
                JsonRpcErrors.INTERNAL_ERROR, "concurrency guard unavailable", JsonRpcErrors.BACKEND_UNAVAILABLE);
    }
}
