package dev.turnstile.servlet;

import dev.turnstile.jsonrpc.JsonRpcErrors;
import dev.turnstile.jsonrpc.JsonRpcException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;

/**
 * Reads one member of the W3C {@code baggage} header (every such header of the request, as one
 * comma-separated list): {@code key=value;properties}, whitespace around key and value ignored, the
 * value percent-decoded (kept as sent when it is not valid percent-encoding).
 */
final class Baggage {

    private static final String HEADER = "baggage";

    private Baggage() {}

    /**
     * The member's value (empty when sent empty), or null when absent.
     *
     * @throws JsonRpcException a member that appears twice ({@code ambiguous_request})
     */
    static String member(HttpServletRequest request, String name) {
        String found = null;
        for (String header : Collections.list(request.getHeaders(HEADER))) {
            for (String member : header.split(",")) {
                int eq = member.indexOf('=');
                if (eq < 0 || !member.substring(0, eq).strip().equals(name)) {
                    continue;
                }
                if (found != null) {
                    throw new JsonRpcException(JsonRpcErrors.INVALID_REQUEST, JsonRpcErrors.AMBIGUOUS_REQUEST,
                            "more than one baggage member " + name);
                }
                int semicolon = member.indexOf(';', eq);
                found = decode(member.substring(eq + 1, semicolon < 0 ? member.length() : semicolon).strip());
            }
        }
        return found;
    }

    private static String decode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }
}
