package dev.turnstile.jsonrpc;

/** Every JSON-RPC error code, {@code error.data} key and reason string Turnstile writes. */
public final class JsonRpcErrors {

    /** The body is not valid JSON: bad syntax, invalid UTF-8, or nested too deep. */
    public static final int PARSE_ERROR = -32700;
    /** Valid JSON that is not an acceptable JSON-RPC request. */
    public static final int INVALID_REQUEST = -32600;
    /** A {@code tools/call} whose params cannot be classified (reason {@link #INVALID_PARAMS_REASON}). */
    public static final int INVALID_PARAMS = -32602;
    /** The lock backend failed (fail-closed). */
    public static final int INTERNAL_ERROR = -32603;
    /** MCP 2026-07-28: a routing header that does not match the body (answered with HTTP 400). */
    public static final int HEADER_MISMATCH = -32020;
    /** The default busy code; configurable because MCP 2025-x uses it for "resource not found". */
    public static final int DEFAULT_BUSY = -32002;

    /** The {@code error.data} member that carries one of the reasons below. */
    public static final String DATA_REASON = "reason";
    /** The {@code error.data} member that carries the retry hint of a busy error. */
    public static final String DATA_RETRY_AFTER_MS = "retryAfterMs";
    /**
     * The {@code error.data} member of a {@code session_busy} error that counts the turns waiting
     * ahead of the caller's (0 = it was next).
     */
    public static final String DATA_QUEUE_POSITION = "queuePosition";

    /** Busy: another turn holds the session, or is owed it under rule 4. */
    public static final String SESSION_BUSY = "session_busy";
    /** Busy: the read/write rule of the caller's own turn kept the call out. */
    public static final String TURN_BUSY = "turn_busy";
    /** The lock store could not be reached (with {@link #INTERNAL_ERROR}). */
    public static final String BACKEND_UNAVAILABLE = "backend_unavailable";
    /** The body is larger than {@code max-body-size} (with {@link #INVALID_REQUEST}). */
    public static final String BODY_TOO_LARGE = "body_too_large";
    /**
     * The request can be read more than one way: a duplicate {@code method}, {@code id},
     * {@code params} or key, two session-id headers, or guarded requests of one batch in different
     * conversations (with {@link #INVALID_REQUEST}).
     */
    public static final String AMBIGUOUS_REQUEST = "ambiguous_request";
    /** The turn id is empty, longer than 128 characters, not visible ASCII, or given twice (with {@link #INVALID_REQUEST}). */
    public static final String INVALID_TURN_ID = "invalid_turn_id";
    /** The body is nested deeper than {@code max-json-depth} (with {@link #PARSE_ERROR}). */
    public static final String TOO_DEEP = "too_deep";
    /** The body is not UTF-8, or declares another charset (with {@link #PARSE_ERROR}). */
    public static final String INVALID_UTF8 = "invalid_utf8";
    /** A guarded call that carries no conversation key, with {@code unkeyed=reject}. */
    public static final String UNKEYED = "unkeyed";
    /** The reason of {@link #HEADER_MISMATCH}. */
    public static final String HEADER_MISMATCH_REASON = "header_mismatch";
    /**
     * The reason of a busy-code answer to a request the container timed out while its call waited
     * for its place (only when something caps the asynchronous timeout below the acquire timeout).
     */
    public static final String WAIT_TIMEOUT = "wait_timeout";
    /** The reason of {@link #INVALID_PARAMS}; named apart from the code, which has the same name. */
    public static final String INVALID_PARAMS_REASON = "invalid_params";

    private JsonRpcErrors() {}
}
