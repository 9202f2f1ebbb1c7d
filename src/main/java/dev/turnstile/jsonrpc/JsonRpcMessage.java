package dev.turnstile.jsonrpc;

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
 */
public record JsonRpcMessage(String method, String rawId, String toolName, boolean response,
                             String invalidParams) {

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
