package dev.turnstile.bench;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bytes the {@link EchoServlet} answers with: a JSON-RPC response is {@link #HEAD}, the request's
 * raw id, then a tail that holds the result and closes the object.
 */
final class EchoAnswers {

    static final byte[] HEAD = ascii("{\"jsonrpc\":\"2.0\",\"id\":");

    /**
     * The tail of the answer to {@code tools/list}: {@code fetch_invoice} is read-only by its
     * annotation alone (no read prefix), {@code update_item} is annotated as not read-only, and
     * {@code get_item} carries no annotation (a read by its prefix).
     */
    static final byte[] TOOLS = ascii(",\"result\":{\"tools\":["
            + tool(LearningPhase.LEARNED_READ, ",\"annotations\":{\"readOnlyHint\":true}")
            + ","
            + tool(LoadGenerator.WRITE_TOOL, ",\"annotations\":{\"readOnlyHint\":false,\"destructiveHint\":false}")
            + "," + tool(LoadGenerator.READ_TOOL, "") + "]}}");

    private static final Map<Integer, byte[]> TAILS = new ConcurrentHashMap<>();

    private EchoAnswers() {}

    /** The tail of a {@code tools/call} answer whose text has {@code textBytes} bytes (0: {@code "ok"}). */
    static byte[] tail(int textBytes) {
        return TAILS.computeIfAbsent(
                textBytes,
                n -> ascii(",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"" + (n == 0 ? "ok" : "x".repeat(n))
                        + "\"}],\"isError\":false}}"));
    }

    /** A whole answer as text (for an SSE event's data line). */
    static String message(byte[] id, byte[] tail) {
        byte[] all = new byte[HEAD.length + id.length + tail.length];
        System.arraycopy(HEAD, 0, all, 0, HEAD.length);
        System.arraycopy(id, 0, all, HEAD.length, id.length);
        System.arraycopy(tail, 0, all, HEAD.length + id.length, tail.length);
        return new String(all, StandardCharsets.UTF_8);
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static String tool(String name, String annotations) {
        return "{\"name\":\"" + name + "\",\"description\":\"bench tool\",\"inputSchema\":{\"type\":\"object\"}"
                + annotations + "}";
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
