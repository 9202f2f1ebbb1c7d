package dev.turnstile.internal.servlet;

import dev.turnstile.internal.jsonrpc.JsonRpcException;
import dev.turnstile.jsonrpc.JsonPointer;
import dev.turnstile.jsonrpc.JsonRpcErrors;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads one member of W3C baggage: of every {@code baggage} header of the request, and of
 * {@code params._meta.baggage}, where MCP requests carry trace context (SEP-414), all as one
 * comma-separated list of {@code key=value;properties}; whitespace around key and value ignored, the
 * value percent-decoded as UTF-8 (kept as sent when it is not valid percent-encoded UTF-8, so that
 * different values never decode alike).
 */
final class Baggage {

    /** Where MCP requests carry baggage in their body. */
    static final JsonPointer META_POINTER = JsonPointer.member("baggage");

    private static final String HEADER = "baggage";

    private Baggage() {}

    /**
     * The member's value (empty when sent empty), or null when absent.
     *
     * @param metaBaggage the {@code params._meta.baggage} string, or null
     * @throws JsonRpcException a member sent twice with different values ({@code ambiguous_request})
     */
    static String member(HttpServletRequest request, String metaBaggage, String name) {
        List<String> lists = new ArrayList<>(Collections.list(request.getHeaders(HEADER)));
        if (metaBaggage != null) {
            lists.add(metaBaggage);
        }
        String found = null;
        for (String list : lists) {
            for (String member : list.split(",")) {
                int eq = member.indexOf('=');
                if (eq < 0 || !member.substring(0, eq).strip().equals(name)) {
                    continue;
                }
                int semicolon = member.indexOf(';', eq);
                String value = decode(member.substring(eq + 1, semicolon < 0 ? member.length() : semicolon)
                        .strip());
                if (found != null && !found.equals(value)) {
                    throw new JsonRpcException(
                            JsonRpcErrors.INVALID_REQUEST,
                            JsonRpcErrors.AMBIGUOUS_REQUEST,
                            "more than one baggage member " + name);
                }
                found = value;
            }
        }
        return found;
    }

    private static String decode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                int high = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
                int low = i + 2 < value.length() ? Character.digit(value.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    return value;
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return value; // not percent-encoded: a header is ISO-8859-1 here, so keep it as sent
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return value;
        }
    }
}
