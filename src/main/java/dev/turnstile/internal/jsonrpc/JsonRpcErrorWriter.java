package dev.turnstile.internal.jsonrpc;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes JSON-RPC 2.0 error responses as UTF-8:
 * {@code {"jsonrpc":"2.0","id":<id>,"error":{"code":<code>,"message":"...","data":{...}}}}.
 * {@code data} is left out when null or empty; its values may be strings, numbers, booleans or
 * null, written in the map's iteration order.
 */
public final class JsonRpcErrorWriter {

    private JsonRpcErrorWriter() {}

    /**
     * One error response.
     *
     * @param rawId the request's id as it appeared in the body ({@link JsonRpcMessage#rawId()}), or
     *              null for {@code "id":null}; anything but a JSON string, number or null is refused
     */
    public static byte[] error(String rawId, int code, String message, Map<String, Object> data) {
        StringBuilder out = new StringBuilder(128);
        appendError(out, rawId, code, message, data);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A batch response: one error per id, in order, for a batch that is answered per request.
     * Without ids it is a single error with {@code "id":null}, as JSON-RPC answers a batch it
     * cannot split, because a batch response is never an empty array.
     */
    public static byte[] batchError(List<String> rawIds, int code, String message, Map<String, Object> data) {
        if (rawIds.isEmpty()) {
            return error(null, code, message, data);
        }
        StringBuilder out = new StringBuilder(128 * rawIds.size());
        out.append('[');
        for (int i = 0; i < rawIds.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            appendError(out, rawIds.get(i), code, message, data);
        }
        out.append(']');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void appendError(
            StringBuilder out, String rawId, int code, String message, Map<String, Object> data) {
        Objects.requireNonNull(message, "message");
        out.append("{\"jsonrpc\":\"2.0\",\"id\":").append(checkedId(rawId));
        out.append(",\"error\":{\"code\":").append(code).append(",\"message\":");
        appendString(out, message);
        if (data != null && !data.isEmpty()) {
            out.append(",\"data\":{");
            boolean first = true;
            for (Map.Entry<String, Object> entry : data.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendString(out, Objects.requireNonNull(entry.getKey(), "data key"));
                out.append(':');
                appendValue(out, entry.getKey(), entry.getValue());
            }
            out.append('}');
        }
        out.append("}}");
    }

    private static String checkedId(String rawId) {
        if (rawId == null) {
            return "null";
        }
        int first = rawId.isEmpty() ? -1 : rawId.charAt(0);
        boolean scalar = first == '"' || first == '-' || first >= '0' && first <= '9' || first == 'n';
        if (!scalar || !isOneScalar(rawId)) {
            throw new IllegalArgumentException("rawId must be the raw JSON text of a string, a number or null");
        }
        return rawId;
    }

    private static void appendValue(StringBuilder out, String key, Object value) {
        if (value == null || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof String text) {
            appendString(out, text);
        } else if (value instanceof Number number) {
            String text = number.toString();
            if (text.isEmpty() || text.charAt(0) != '-' && !Character.isDigit(text.charAt(0)) || !isOneScalar(text)) {
                throw new IllegalArgumentException("data '" + key + "' is not a finite JSON number");
            }
            out.append(text);
        } else {
            throw new IllegalArgumentException("data '" + key + "' must be a String, Number or Boolean, was "
                    + value.getClass().getName());
        }
    }

    /** Quotes and escapes per RFC 8259; an unpaired surrogate becomes U+FFFD so the output stays UTF-8. */
    static void appendString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> i = appendPlain(out, text, i, c);
            }
        }
        out.append('"');
    }

    private static int appendPlain(StringBuilder out, String text, int i, char c) {
        if (c < 0x20) {
            out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
        } else if (Character.isHighSurrogate(c)
                && i + 1 < text.length()
                && Character.isLowSurrogate(text.charAt(i + 1))) {
            out.append(c).append(text.charAt(i + 1));
            return i + 1;
        } else if (Character.isSurrogate(c)) {
            out.append('\uFFFD');
        } else {
            out.append(c);
        }
        return i;
    }

    private static boolean isOneScalar(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        JsonScanner scanner = new JsonScanner(bytes, bytes.length, 1);
        try {
            scanner.skipValue();
            return scanner.atEnd();
        } catch (JsonRpcException notJson) {
            return false;
        }
    }
}
