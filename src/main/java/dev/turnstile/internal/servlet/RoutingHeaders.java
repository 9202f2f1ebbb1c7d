package dev.turnstile.internal.servlet;

import dev.turnstile.internal.jsonrpc.JsonRpcMessage;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The routing headers of an MCP 2026-07-28 request, checked against its body before anything else:
 * {@code Mcp-Method} always; {@code Mcp-Name} for the methods that route by a name ({@code params.name},
 * {@code params.uri} or {@code params.taskId}); {@code MCP-Protocol-Version}, when sent, against the
 * body's protocol version. A value of the form {@code =?base64?...?=} is decoded (UTF-8) first.
 * {@code Mcp-Param-*} headers are not checked. The body stays the source of truth: a header never
 * replaces it, it can only make the filter refuse the request.
 */
final class RoutingHeaders {

    static final String METHOD = "Mcp-Method";
    static final String NAME = "Mcp-Name";
    static final String VERSION = "MCP-Protocol-Version";

    private RoutingHeaders() {}

    /** @throws HeaderMismatchException a header missing, repeated, undecodable or unlike the body */
    static void verify(HttpServletRequest request, JsonRpcMessage m) {
        String method = header(request, METHOD);
        if (method == null) {
            throw new HeaderMismatchException("header mismatch: the " + METHOD + " header is missing");
        }
        if (!method.equals(m.method())) {
            throw new HeaderMismatchException("header mismatch: " + METHOD + " does not match the body's method");
        }
        String name = header(request, NAME);
        if (requiresName(m.method()) && !Objects.equals(routingName(m), name)) {
            throw new HeaderMismatchException(
                    "header mismatch: " + NAME + (name == null ? " is missing" : " does not match the body"));
        }
        String version = header(request, VERSION);
        if (!Objects.equals(version, m.protocolVersion())) {
            throw new HeaderMismatchException("header mismatch: " + VERSION
                    + (version == null ? " is missing" : " does not match the protocol version in params._meta"));
        }
    }

    /** What {@code Mcp-Name} must carry for this method, or null when the method routes by no name. */
    static String routingName(JsonRpcMessage m) {
        String method = Objects.requireNonNullElse(m.method(), "");
        return switch (method) {
            case "tools/call", "prompts/get" -> m.toolName();
            case "resources/read" -> m.uri();
            case "tasks/get", "tasks/update", "tasks/cancel" -> m.taskId();
            default -> null;
        };
    }

    private static boolean requiresName(String method) {
        return switch (Objects.requireNonNullElse(method, "")) {
            case "tools/call", "prompts/get", "resources/read", "tasks/get", "tasks/update", "tasks/cancel" -> true;
            default -> false;
        };
    }

    /** The header's one value, decoded; null when absent. */
    private static String header(HttpServletRequest request, String name) {
        List<String> values = Collections.list(request.getHeaders(name));
        if (values.size() > 1) {
            throw new HeaderMismatchException("header mismatch: more than one " + name + " header");
        }
        return values.isEmpty() ? null : decode(name, values.get(0).strip());
    }

    private static String decode(String name, String value) {
        if (!value.startsWith("=?base64?") || !value.endsWith("?=") || value.length() < 11) {
            return value;
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(value.substring(9, value.length() - 2));
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw new HeaderMismatchException("header mismatch: " + name + " is not valid =?base64?...?= UTF-8");
        }
    }
}
