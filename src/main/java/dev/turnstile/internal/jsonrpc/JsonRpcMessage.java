package dev.turnstile.internal.jsonrpc;

import java.util.Map;

/**
 * What the sniffer saw in one JSON-RPC message object, read from that object's own top-level
 * members only.
 *
 * @param method   the decoded {@code method}, or null when absent
 * @param rawId    the {@code id} value exactly as it appeared in the body ({@code "abc"}, {@code 42},
 *                 {@code null}), ready to be echoed; null when the message has no {@code id} member
 * @param toolName the decoded {@code params.name} when {@code params} is an object whose own
 *                 {@code name} member is a string; otherwise null
 * @param response whether the message has a {@code result} or {@code error} member
 * @param invalidParams for a {@code tools/call}, why its params cannot be classified (params
 *                 missing or not an object, {@code params.name} missing or not a non-empty string,
 *                 {@code params.arguments} or {@code params._meta} present but not an object;
 *                 JSON {@code null} counts as the wrong type), quoting nothing from the body; null
 *                 when they can, and for every other method
 * @param protocolVersion the decoded {@code params._meta["io.modelcontextprotocol/protocolVersion"]},
 *                 which only MCP 2026-07-28 and later requests carry; null when absent
 * @param uri      the decoded {@code params.uri} when it is a string (the routing name of
 *                 {@code resources/read}); otherwise null
 * @param taskId   the decoded {@code params.taskId} when it is a string (the routing name of
 *                 {@code tasks/get}, {@code tasks/update}, {@code tasks/cancel}); otherwise null
 * @param cursor   the decoded {@code params.cursor} when it is a string (the page a list request asks
 *                 for); otherwise null
 * @param meta     the string values found in {@code params._meta} at the pointers the sniffer was
 *                 asked for, by pointer text; unmodifiable
 */
public record JsonRpcMessage(
        String method,
        String rawId,
        String toolName,
        boolean response,
        String invalidParams,
        String protocolVersion,
        String uri,
        String taskId,
        String cursor,
        Map<String, String> meta) {

    public JsonRpcMessage {
        meta = Map.copyOf(meta);
    }

    /** A message without routing names and {@code _meta} values. */
    public JsonRpcMessage(String method, String rawId, String toolName, boolean response, String invalidParams) {
        this(method, rawId, toolName, response, invalidParams, null, null, null, null, Map.of());
    }

    /** A request that expects no answer: it has a method and no {@code id} member. */
    public boolean isNotification() {
        return method != null && rawId == null;
    }

    /** A request that expects an answer: it has a method and an {@code id} ({@code null} counts). */
    public boolean isRequest() {
        return method != null && rawId != null;
    }

    /** A client's answer to a server request: {@code result} or {@code error}, and no method. */
    public boolean isResponse() {
        return response && method == null;
    }
}
