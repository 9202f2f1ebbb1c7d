package dev.turnstile.internal.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.turnstile.jsonrpc.JsonRpcErrors;
import java.nio.charset.StandardCharsets;

/** Shared helpers: JSON written with single quotes for readability, and the default sniffer. */
final class SniffAssertions {

    static final JsonRpcSniffer SNIFFER = new JsonRpcSniffer(JsonRpcSniffer.DEFAULT_MAX_DEPTH);

    private SniffAssertions() {}

    /** The JSON text with every single quote turned into a double quote. */
    static String j(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static SniffResult sniff(String json) {
        return sniff(utf8(json));
    }

    static SniffResult sniff(byte[] body) {
        return SNIFFER.sniff(body, body.length);
    }

    static JsonRpcMessage single(String json) {
        SniffResult result = sniff(json);
        assertEquals(false, result.batch(), "batch");
        assertEquals(1, result.messages().size(), "messages");
        return result.messages().get(0);
    }

    static JsonRpcException rejected(byte[] body) {
        return assertThrows(JsonRpcException.class, () -> sniff(body));
    }

    static JsonRpcException rejected(String json) {
        return rejected(utf8(json));
    }

    static void assertParseError(byte[] body) {
        JsonRpcException e = rejected(body);
        assertEquals(JsonRpcErrors.PARSE_ERROR, e.code(), () -> "code, message: " + e.getMessage());
    }

    static void assertParseError(String json) {
        assertParseError(utf8(json));
    }

    static void assertInvalidRequest(String json, String reason) {
        JsonRpcException e = rejected(json);
        assertEquals(JsonRpcErrors.INVALID_REQUEST, e.code(), () -> "code, message: " + e.getMessage());
        assertEquals(reason, e.reason(), "reason");
    }

    /** A valid tools/call request whose params.arguments.v is the given JSON value. */
    static String callWithArgument(String value) {
        return j("{'jsonrpc':'2.0','id':1,'method':'tools/call','params':{'name':'t','arguments':{'v':") + value
                + "}}}";
    }
}
