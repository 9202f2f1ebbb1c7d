package dev.turnstile.internal.jsonrpc;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Canonical forms of JSON-RPC ids, so that a request's id and the id of the response that answers it
 * compare equal when they denote the same value, however each side spelled it ({@code "a"} and
 * {@code "\u0061"}, {@code 1} and {@code 1.0} and {@code 10e-1}).
 */
public final class JsonRpcIds {

    /** The canonical form of the id {@code null}. */
    public static final String NULL = "null";
    /** Numbers {@code d × 10^x} whose {@code x} is beyond this are written {@code <d>e<x>}. */
    static final int MAX_PLAIN_EXPONENT = 100;
    /** Exponents with more digits than this are not normalised (see {@link #canonicalId(String)}). */
    static final int MAX_EXPONENT_DIGITS = 18;

    private JsonRpcIds() {}

    /**
     * The canonical form of an id given as raw JSON text, as {@link JsonRpcMessage#rawId()} holds it.
     * A string becomes {@code "s:"} + its decoded value; {@code null} becomes {@link #NULL}; a number
     * becomes {@code "n:"} + its value written as
     * {@code new BigDecimal(text).stripTrailingZeros().toPlainString()} would ({@code 4.20e1} and
     * {@code 42} give {@code n:42}, {@code -0.0} gives {@code n:0}), except that a value
     * {@code d × 10^x}, with {@code d} an integer without trailing zeros, whose {@code x} is beyond
     * &plusmn;{@value #MAX_PLAIN_EXPONENT} is written {@code d} + {@code e} + {@code x} ({@code 1e200}
     * and {@code 10e199} give {@code n:1e200}, {@code 1.5e-200} gives {@code n:15e-201}). A number whose exponent is
     * written with more than {@value #MAX_EXPONENT_DIGITS} digits (leading zeros aside) becomes
     * {@code "r:"} + its text, equal only to the same text. Equal forms always denote equal values.
     * The work is linear in the length of the text.
     *
     * @param rawIdJson the id as it appeared in a body; whitespace around it is allowed
     * @return the canonical form
     * @throws IllegalArgumentException when the text is not one JSON string, number or {@code null}
     */
    public static String canonicalId(String rawIdJson) {
        Objects.requireNonNull(rawIdJson, "rawIdJson");
        byte[] bytes = rawIdJson.getBytes(StandardCharsets.UTF_8);
        JsonScanner scanner = new JsonScanner(bytes, bytes.length, 1);
        try {
            scanner.skipWhitespace();
            String canonical = canonical(scanner);
            scanner.expectEnd();
            return canonical;
        } catch (JsonRpcException e) {
            throw new IllegalArgumentException("not a JSON-RPC id: " + e.getMessage());
        }
    }

    private static String canonical(JsonScanner scanner) {
        int first = scanner.peek();
        if (first == '"') {
            return "s:" + scanner.readString();
        }
        int start = scanner.position();
        if (first == 'n') {
            scanner.skipValue();
            return NULL;
        }
        if (first != '-' && (first < '0' || first > '9')) {
            throw new IllegalArgumentException("not a JSON-RPC id: not a string, a number or null");
        }
        scanner.skipValue();
        String text = scanner.text(start);
        String number = canonicalNumber(text);
        return number != null ? "n:" + number : "r:" + text;
    }

    /**
     * The canonical text of a valid JSON number, or null when its exponent has more than
     * {@value #MAX_EXPONENT_DIGITS} digits.
     */
    static String canonicalNumber(String text) {
        boolean negative = text.charAt(0) == '-';
        int e = Math.max(text.indexOf('e'), text.indexOf('E'));
        String mantissa = text.substring(negative ? 1 : 0, e < 0 ? text.length() : e);
        int dot = mantissa.indexOf('.');
        String digits = dot < 0 ? mantissa : mantissa.substring(0, dot) + mantissa.substring(dot + 1);
        int from = 0;
        while (from < digits.length() && digits.charAt(from) == '0') {
            from++;
        }
        if (from == digits.length()) {
            return "0";
        }
        int to = digits.length();
        while (digits.charAt(to - 1) == '0') {
            to--;
        }
        Long written = e < 0 ? Long.valueOf(0) : exponent(text.substring(e + 1));
        if (written == null) {
            return null;
        }
        long fractionDigits = dot < 0 ? 0 : mantissa.length() - dot - 1;
        long exponent = written - fractionDigits + (digits.length() - to);
        return (negative ? "-" : "") + write(digits.substring(from, to), exponent);
    }

    /** A written exponent ({@code [+-]?[0-9]+}), or null when it has too many digits. */
    private static Long exponent(String text) {
        int from = text.startsWith("+") || text.startsWith("-") ? 1 : 0;
        while (from < text.length() - 1 && text.charAt(from) == '0') {
            from++;
        }
        if (text.length() - from > MAX_EXPONENT_DIGITS) {
            return null;
        }
        long magnitude = Long.parseLong(text.substring(from));
        return text.startsWith("-") ? -magnitude : magnitude;
    }

    /** {@code significant × 10^exponent}, where {@code significant} has no leading or trailing zero. */
    private static String write(String significant, long exponent) {
        if (Math.abs(exponent) > MAX_PLAIN_EXPONENT) {
            return significant + "e" + exponent;
        }
        if (exponent >= 0) {
            return significant + "0".repeat((int) exponent);
        }
        int point = significant.length() + (int) exponent;
        return point > 0
                ? significant.substring(0, point) + "." + significant.substring(point)
                : "0." + "0".repeat(-point) + significant;
    }
}
