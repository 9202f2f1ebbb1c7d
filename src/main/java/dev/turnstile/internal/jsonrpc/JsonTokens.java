package dev.turnstile.internal.jsonrpc;

import dev.turnstile.jsonrpc.JsonRpcErrors;
import java.nio.charset.StandardCharsets;

/**
 * The scalar tokens of one body, strictly: strings (UTF-8, escapes, no raw control characters, no
 * lone surrogate escapes), numbers and literals. Each method takes the index where the token
 * starts and returns the index after it; what follows a token is the caller's business.
 */
final class JsonTokens {

    private final byte[] buf;
    private final int end;

    JsonTokens(byte[] buf, int end) {
        this.buf = buf;
        this.end = end;
    }

    static JsonRpcException parseError(String reason, String what, int offset) {
        return new JsonRpcException(
                JsonRpcErrors.PARSE_ERROR, reason, "invalid JSON: " + what + " at offset " + offset);
    }

    /**
     * Validates the contents that start at {@code from} (just after the opening quote). Returns the
     * index of the closing quote, or its complement ({@code ~index}, negative) when the contents
     * hold escape sequences and must be decoded.
     */
    int scan(int from) {
        boolean escaped = false;
        int i = from;
        while (i < end) {
            int b = buf[i] & 0xFF;
            if (b == '"') {
                return escaped ? ~i : i;
            }
            if (b == '\\') {
                escaped = true;
                i = escape(i);
            } else if (b < 0x20) {
                throw parseError(null, "unescaped control character in a string", i);
            } else if (b < 0x80) {
                i++;
            } else {
                int length = Utf8.sequenceLength(buf, i, end);
                if (length < 0) {
                    throw parseError(JsonRpcErrors.INVALID_UTF8, "invalid UTF-8", i);
                }
                i += length;
            }
        }
        throw parseError(null, "unterminated string", i);
    }

    /** At '"': validates the whole string; returns the index after its closing quote. */
    int skipString(int at) {
        int close = scan(at + 1);
        return (close >= 0 ? close : ~close) + 1;
    }

    /** At 't', 'f' or 'n': the literal must be exactly {@code word}. */
    int literal(int at, String word) {
        for (int i = 0; i < word.length(); i++) {
            if (at + i >= end) {
                throw parseError(null, "unexpected end of input", end);
            }
            if (buf[at + i] != word.charAt(i)) {
                throw parseError(null, "unexpected byte", at + i);
            }
        }
        return at + word.length();
    }

    /** At '-' or a digit: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
    int number(int at) {
        int i = at < end && buf[at] == '-' ? at + 1 : at;
        i = i < end && buf[i] == '0' ? i + 1 : digits(i);
        if (i < end && buf[i] == '.') {
            i = digits(i + 1);
        }
        if (i < end && (buf[i] == 'e' || buf[i] == 'E')) {
            i++;
            i = i < end && (buf[i] == '+' || buf[i] == '-') ? i + 1 : i;
            i = digits(i);
        }
        return i;
    }

    /** One or more digits from {@code at}; returns the index after them. */
    private int digits(int at) {
        int i = at;
        while (i < end && buf[i] >= '0' && buf[i] <= '9') {
            i++;
        }
        if (i == at) {
            throw i < end ? parseError(null, "expected a digit", i) : parseError(null, "unexpected end of input", i);
        }
        return i;
    }

    /** Decodes contents already validated by {@link #scan}, from {@code from} to the closing quote. */
    String decode(int from, int to) {
        byte[] out = new byte[to - from]; // decoding never makes the text longer
        int n = 0;
        int i = from;
        while (i < to) {
            byte b = buf[i];
            if (b != '\\') {
                out[n++] = b;
                i++;
                continue;
            }
            int kind = buf[i + 1];
            if (kind == 'u') {
                int codePoint = hex4(i + 2);
                i += 6;
                if (Character.isHighSurrogate((char) codePoint)) {
                    codePoint = Character.toCodePoint((char) codePoint, (char) hex4(i + 2));
                    i += 6;
                }
                n = Utf8.encode(codePoint, out, n);
            } else {
                out[n++] = (byte) unescape(kind);
                i += 2;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /** Validates the escape sequence at {@code at} (a backslash); returns the index after it. */
    private int escape(int at) {
        if (at + 1 >= end) {
            throw parseError(null, "unterminated string", at);
        }
        int kind = buf[at + 1];
        if (kind != 'u') {
            if (unescape(kind) < 0) {
                throw parseError(null, "invalid escape sequence", at);
            }
            return at + 2;
        }
        int unit = hex4(at + 2);
        if (Character.isLowSurrogate((char) unit)) {
            throw parseError(null, "lone surrogate escape", at);
        }
        if (!Character.isHighSurrogate((char) unit)) {
            return at + 6;
        }
        int low = at + 6 + 2 <= end && buf[at + 6] == '\\' && buf[at + 7] == 'u' ? hex4(at + 8) : -1;
        if (low < 0 || !Character.isLowSurrogate((char) low)) {
            throw parseError(null, "lone surrogate escape", at);
        }
        return at + 12;
    }

    /** The character a one-letter escape stands for, or -1 when the letter is not an escape. */
    private static int unescape(int kind) {
        return switch (kind) {
            case '"', '\\', '/' -> kind;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> -1;
        };
    }

    private int hex4(int at) {
        if (at + 4 > end) {
            throw parseError(null, "unterminated escape sequence", at);
        }
        int value = 0;
        for (int i = at; i < at + 4; i++) {
            int digit = Character.digit(buf[i], 16);
            if (digit < 0) {
                throw parseError(null, "invalid \\u escape", at);
            }
            value = value << 4 | digit;
        }
        return value;
    }
}
