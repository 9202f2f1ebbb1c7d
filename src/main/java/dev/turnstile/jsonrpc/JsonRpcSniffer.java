package dev.turnstile.jsonrpc;

import java.util.Objects;

/**
 * Reads what the guard needs from a JSON-RPC body: per message its method, raw id, tool name,
 * whether it is a response, and for a {@code tools/call} why its params cannot be classified
 * ({@link JsonRpcMessage#invalidParams()}: reported here, answered by the caller). The whole body
 * is parsed once, strictly (RFC 8259, strict UTF-8), without recursion, so that no body the MCP
 * server would read differently can slip through unguarded. Immutable and thread-safe.
 *
 * <p>Rejected with {@link JsonRpcErrors#PARSE_ERROR}: anything that is not exactly one JSON
 * value in UTF-8, including a leading byte order mark, comments, trailing commas, lone surrogate
 * escapes and nesting deeper than {@code maxDepth} (reason {@link JsonRpcErrors#TOO_DEEP}).
 * Rejected with {@link JsonRpcErrors#INVALID_REQUEST}: valid JSON that is not one message object
 * or a non-empty array of them, a message that is neither a request nor a response, a method
 * that is not a string, an id that is not a string, a number or null, and (reason
 * {@link JsonRpcErrors#AMBIGUOUS_REQUEST}) duplicate {@code method}, {@code id}, {@code params}
 * or {@code params.name} members, or a message with both a method and a result or error.
 */
public final class JsonRpcSniffer {

    /** The default nesting limit, the same as Jackson's. */
    public static final int DEFAULT_MAX_DEPTH = 1000;

    private final int maxDepth;

    /** @param maxDepth the most containers that may be open at once, at least 1 */
    public JsonRpcSniffer(int maxDepth) {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be at least 1, was " + maxDepth);
        }
        this.maxDepth = maxDepth;
    }

    public int maxDepth() {
        return maxDepth;
    }

    /**
     * Parses {@code body[0, length)}.
     *
     * @return the messages, in body order
     * @throws JsonRpcException when the body must not be forwarded, with the error to answer
     */
    public SniffResult sniff(byte[] body, int length) {
        Objects.requireNonNull(body, "body");
        Objects.checkFromIndexSize(0, length, body.length);
        return new RequestReader(new JsonScanner(body, length, maxDepth)).read();
    }
}
