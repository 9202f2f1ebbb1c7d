package dev.turnstile.internal.jsonrpc;

import dev.turnstile.jsonrpc.JsonPointer;
import dev.turnstile.jsonrpc.JsonRpcErrors;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
 * {@link JsonRpcErrors#AMBIGUOUS_REQUEST}) duplicate {@code method}, {@code id}, {@code params},
 * {@code params.name}, {@code params.uri}, {@code params.taskId}, {@code params.cursor} or {@code params._meta} members, a
 * duplicate member on the way to a {@code _meta} value it reads, or a message with both a method and
 * a result or error; and a protocol version in {@code params._meta} that is not a string.
 */
public final class JsonRpcSniffer {

    /** The default nesting limit, the same as Jackson's. */
    public static final int DEFAULT_MAX_DEPTH = 1000;

    /** Where MCP 2026-07-28 requests carry their protocol version: {@code params._meta} member. */
    public static final JsonPointer PROTOCOL_VERSION = JsonPointer.member("io.modelcontextprotocol/protocolVersion");

    private final int maxDepth;
    private final MetaPaths metaPaths;

    /** @param maxDepth the most containers that may be open at once, at least 1 */
    public JsonRpcSniffer(int maxDepth) {
        this(maxDepth, List.of());
    }

    /**
     * @param maxDepth     the most containers that may be open at once, at least 1
     * @param metaPointers the members of {@code params._meta} whose string values each message
     *                     reports ({@link JsonRpcMessage#meta()}); a duplicate member on the way to
     *                     one of them is ambiguous
     */
    public JsonRpcSniffer(int maxDepth, Collection<JsonPointer> metaPointers) {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be at least 1, was " + maxDepth);
        }
        this.maxDepth = maxDepth;
        List<JsonPointer> all = new ArrayList<>(metaPointers);
        all.add(PROTOCOL_VERSION);
        this.metaPaths = new MetaPaths(all);
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
        return new RequestReader(new JsonScanner(body, length, maxDepth), metaPaths).read();
    }
}
