package dev.turnstile.internal.jsonrpc;

import dev.turnstile.jsonrpc.JsonRpcErrors;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A strict RFC 8259 cursor over one body. Nesting is tracked on an explicit bit stack, never on
 * the Java stack, and limited to {@code maxDepth} open containers. Nothing is allocated except
 * the strings a caller asks for. One instance per body; not thread-safe.
 *
 * <p>Callers move through the structure with {@link #beginObject()}, {@link #memberName()},
 * {@link #nextMember()}, {@link #beginArray()}, {@link #nextElement()}, and read or skip values
 * at the cursor. Whitespace before a value is already skipped when a value method is called.
 */
final class JsonScanner {

    private final byte[] buf;
    private final int start;
    private final int end;
    private final int maxDepth;
    private final JsonTokens tokens;
    private int pos;
    private int depth;
    private long[] objects = new long[1]; // bit d set: the container at depth d is an object

    JsonScanner(byte[] buf, int length, int maxDepth) {
        this(buf, 0, length, maxDepth);
    }

    /** A cursor over {@code buf[offset, offset + length)}; offsets in messages count from the array's start. */
    JsonScanner(byte[] buf, int offset, int length, int maxDepth) {
        this.buf = buf;
        this.start = offset;
        this.end = offset + length;
        this.pos = offset;
        this.maxDepth = maxDepth;
        this.tokens = new JsonTokens(buf, end);
    }

    int position() {
        return pos;
    }

    boolean atEnd() {
        return pos >= end;
    }

    /** The byte at the cursor as 0..255, or -1 at the end. */
    int peek() {
        return pos < end ? buf[pos] & 0xFF : -1;
    }

    /** The body text from {@code from} to the cursor, as it appeared. */
    String text(int from) {
        return new String(buf, from, pos - from, StandardCharsets.UTF_8);
    }

    /** True when the body starts with the UTF-8 byte order mark EF BB BF. */
    boolean startsWithByteOrderMark() {
        return end - start >= 3
                && (buf[start] & 0xFF) == 0xEF
                && (buf[start + 1] & 0xFF) == 0xBB
                && (buf[start + 2] & 0xFF) == 0xBF;
    }

    void skipWhitespace() {
        while (pos < end) {
            byte b = buf[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }

    /** Fails unless only whitespace is left. */
    void expectEnd() {
        skipWhitespace();
        if (pos < end) {
            throw syntax("unexpected data after the top-level value");
        }
    }

    /** At '{': opens the object; false when it is empty (and already closed). */
    boolean beginObject() {
        push(true);
        pos++;
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return false;
        }
        return true;
    }

    /** At '[': opens the array; false when it is empty (and already closed). */
    boolean beginArray() {
        push(false);
        pos++;
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return false;
        }
        return true;
    }

    /** Reads {@code "name" :} and leaves the cursor on the member's value. */
    MemberName memberName() {
        skipWhitespace();
        expectStringStart();
        int close = tokens.scan(pos + 1);
        MemberName name =
                close >= 0 ? MemberName.of(buf, pos + 1, close) : MemberName.of(tokens.decode(pos + 1, ~close));
        pos = (close >= 0 ? close : ~close) + 1;
        skipColon();
        return name;
    }

    /** Reads {@code "name" :}, decoded, and leaves the cursor on the member's value. */
    String memberText() {
        skipWhitespace();
        String name = readString();
        skipColon();
        return name;
    }

    /** After a member's value: true at ',' (another member follows), false at '}' (object closed). */
    boolean nextMember() {
        return next('}');
    }

    /** After an element: true at ',' (another element follows, cursor on it), false at ']' (closed). */
    boolean nextElement() {
        boolean more = next(']');
        skipWhitespace();
        return more;
    }

    /** At '"': reads and decodes the string. */
    String readString() {
        expectStringStart();
        int close = tokens.scan(pos + 1);
        String value = close >= 0
                ? new String(buf, pos + 1, close - pos - 1, StandardCharsets.UTF_8)
                : tokens.decode(pos + 1, ~close);
        pos = (close >= 0 ? close : ~close) + 1;
        return value;
    }

    /** Validates and steps over the value at the cursor, however deep, without recursion. */
    void skipValue() {
        int base = depth;
        boolean needValue = true;
        while (true) {
            if (needValue && openContainerAtCursor()) {
                continue; // the cursor is on the container's first value
            }
            if (depth == base) {
                return;
            }
            boolean inObject = isObject(depth - 1);
            needValue = next(inObject ? '}' : ']');
            if (needValue) {
                if (inObject) {
                    skipName();
                } else {
                    skipWhitespace();
                }
            }
        }
    }

    /** Opens a non-empty container (true), or steps over a scalar or an empty container (false). */
    private boolean openContainerAtCursor() {
        int c = peek();
        if (c == '{') {
            if (beginObject()) {
                skipName();
                return true;
            }
        } else if (c == '[') {
            return beginArray();
        } else {
            skipScalar(c);
        }
        return false;
    }

    private void skipScalar(int c) {
        switch (c) {
            case '"' -> pos = tokens.skipString(pos);
            case 't' -> pos = tokens.literal(pos, "true");
            case 'f' -> pos = tokens.literal(pos, "false");
            case 'n' -> pos = tokens.literal(pos, "null");
            case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> pos = tokens.number(pos);
            default -> throw c < 0 ? syntax("unexpected end of input") : syntax("unexpected byte");
        }
    }

    private void skipName() {
        skipWhitespace();
        expectStringStart();
        pos = tokens.skipString(pos);
        skipColon();
    }

    private void skipColon() {
        skipWhitespace();
        if (peek() != ':') {
            throw syntax("expected ':'");
        }
        pos++;
        skipWhitespace();
    }

    private void expectStringStart() {
        if (peek() != '"') {
            throw peek() < 0 ? syntax("unexpected end of input") : syntax("expected a string");
        }
    }

    /** Consumes ',' (true) or the closer of the innermost container (false, container closed). */
    private boolean next(char closer) {
        skipWhitespace();
        int c = peek();
        if (c == ',') {
            pos++;
            return true;
        }
        if (c == closer) {
            pos++;
            depth--;
            return false;
        }
        throw c < 0 ? syntax("unexpected end of input") : syntax("expected ',' or '" + closer + "'");
    }

    private void push(boolean object) {
        if (depth >= maxDepth) {
            throw new JsonRpcException(
                    JsonRpcErrors.PARSE_ERROR,
                    JsonRpcErrors.TOO_DEEP,
                    "invalid JSON: nested deeper than " + maxDepth + " levels at offset " + pos);
        }
        int word = depth >>> 6;
        if (word == objects.length) {
            objects = Arrays.copyOf(objects, word * 2);
        }
        long bit = 1L << depth; // shifts use the low six bits of depth
        objects[word] = object ? objects[word] | bit : objects[word] & ~bit;
        depth++;
    }

    private boolean isObject(int level) {
        return (objects[level >>> 6] & 1L << level) != 0;
    }

    private JsonRpcException syntax(String what) {
        return JsonTokens.parseError(null, what, pos);
    }
}
