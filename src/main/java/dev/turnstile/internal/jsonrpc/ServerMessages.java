package dev.turnstile.internal.jsonrpc;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Cheap questions about what a server sends, asked of a JSON or SSE event body as it passes by. */
public final class ServerMessages {

    /** The notification by which a server says its tool list changed. */
    public static final String TOOLS_LIST_CHANGED = "notifications/tools/list_changed";

    private static final byte[] TOOLS_LIST_CHANGED_BYTES = TOOLS_LIST_CHANGED.getBytes(StandardCharsets.US_ASCII);

    private ServerMessages() {}

    /**
     * Whether {@code data}, one JSON-RPC message or a batch of them, holds a notification (a message
     * with no {@code id} member) whose {@code method} is {@value #TOOLS_LIST_CHANGED}. Only top-level
     * members of each message count; when {@code method} repeats, any match counts. Data that is not
     * valid JSON (strictly, nested at most {@link JsonRpcSniffer#DEFAULT_MAX_DEPTH} levels) gives
     * false. Data that holds neither the method name nor a {@code \\u} or {@code \/} escape, by which
     * it could be spelled otherwise, is answered without parsing.
     *
     * @param data the body of a JSON response, or the data of one SSE event
     * @return whether the server says its tool list changed
     */
    public static boolean mentionsToolsListChanged(byte[] data) {
        Objects.requireNonNull(data, "data");
        if (!mayMention(data)) {
            return false;
        }
        try {
            return new NotificationFinder(
                            new JsonScanner(data, data.length, JsonRpcSniffer.DEFAULT_MAX_DEPTH), TOOLS_LIST_CHANGED)
                    .find();
        } catch (JsonRpcException e) {
            return false;
        }
    }

    /** The name in plain text, or an escape that could spell one of its characters. */
    private static boolean mayMention(byte[] data) {
        return indexOf(data, TOOLS_LIST_CHANGED_BYTES) >= 0 || hasEscape(data);
    }

    private static boolean hasEscape(byte[] data) {
        for (int i = 0; i + 1 < data.length; i++) {
            if (data[i] == '\\') {
                if (data[i + 1] == 'u' || data[i + 1] == '/') {
                    return true;
                }
                i++; // the escaped character is not an escape itself
            }
        }
        return false;
    }

    private static int indexOf(byte[] data, byte[] needle) {
        int last = data.length - needle.length;
        outer:
        for (int i = 0; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
