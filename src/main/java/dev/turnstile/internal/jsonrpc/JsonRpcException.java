package dev.turnstile.internal.jsonrpc;

import dev.turnstile.TurnstileException;
import dev.turnstile.jsonrpc.JsonRpcError;
import dev.turnstile.jsonrpc.JsonRpcErrors;

/**
 * A body that cannot be forwarded, with the JSON-RPC error to answer it with. The message says
 * what is wrong and where (a byte offset), never what the body contains. No stack trace is
 * recorded: the exception describes the input, not a place in the code, and hostile input must
 * stay cheap to reject.
 */
public final class JsonRpcException extends TurnstileException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String reason;
    private final String rawId;

    /**
     * @param code   the JSON-RPC error code, for example {@link JsonRpcErrors#PARSE_ERROR}
     * @param reason the {@code error.data.reason} value, or null when the code says it all
     * @param message a message that quotes nothing from the body
     */
    public JsonRpcException(int code, String reason, String message) {
        this(code, reason, message, null);
    }

    private JsonRpcException(int code, String reason, String message, String rawId) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
        this.rawId = rawId;
    }

    /** The same error, to be answered with the request's own id ({@link JsonRpcMessage#rawId()} form). */
    public JsonRpcException withRawId(String requestRawId) {
        return new JsonRpcException(code, reason, getMessage(), requestRawId);
    }

    /** The JSON-RPC error code to answer with. */
    public int code() {
        return code;
    }

    /**
     * The raw JSON id to answer with: the id of a single message that is valid JSON and has exactly
     * one valid {@code id} member; null otherwise (answer with {@code "id":null}).
     */
    public String rawId() {
        return rawId;
    }

    /** The {@code error.data.reason} value, for example {@link JsonRpcErrors#TOO_DEEP}; may be null. */
    public String reason() {
        return reason;
    }

    /** This exception's own code, message and reason. */
    @Override
    public JsonRpcError jsonRpcError(int busyCode) {
        return JsonRpcError.of(code, getMessage(), reason);
    }
}
