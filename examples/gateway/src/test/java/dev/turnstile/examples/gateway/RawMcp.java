package dev.turnstile.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** MCP over plain HTTP (java.net.http), for what the SDK client hides: session ids, headers, raw bodies. */
final class RawMcp {

    static final String LEGACY = "2025-06-18";
    static final String MCP_2026 = "2026-07-28";

    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

    private RawMcp() {}

    /** Opens a session through {@code endpoint} (initialize and notifications/initialized); its id. */
    static String open(HttpClient http, URI endpoint) throws IOException, InterruptedException {
        HttpResponse<String> init = post(http, endpoint, null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                 "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        String session = init.headers()
                .firstValue("Mcp-Session-Id")
                .orElseThrow(() -> new AssertionError("no Mcp-Session-Id through the gateway: " + init.statusCode()));
        assertEquals(
                202,
                post(http, endpoint, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                        .statusCode());
        return session;
    }

    static String toolCall(int id, String tool, long holdMs) {
        return toolCall(id, tool, holdMs, null);
    }

    /** A tools/call; with a progress token the example's tools stream progress while they hold. */
    static String toolCall(int id, String tool, long holdMs, String progressToken) {
        String meta = progressToken == null ? "" : ",\"_meta\":{\"progressToken\":\"" + progressToken + "\"}";
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{\"hold_ms\":" + holdMs + "}" + meta + "}}";
    }

    /** The headers of a request in a session, as {@link RawHttp} sends them. */
    static Map<String, String> headers(String session, String turn, String protocolVersion) {
        return Map.of(
                "Mcp-Session-Id", session, RoutedClient.TURN_HEADER, turn, "MCP-Protocol-Version", protocolVersion);
    }

    /** A field of the tool's structuredContent, from the raw (JSON or SSE) response body. */
    static String field(String body, String name) {
        Matcher m = Pattern.compile("\"structuredContent\":\\{.*?\"" + name + "\":\"?([^\",}]+)")
                .matcher(body);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + body);
        }
        return m.group(1);
    }

    /** The structuredContent of the answer to request {@code id}, from the raw (JSON or SSE) body. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> structured(String body, int id) throws IOException {
        for (String line : body.split("\r?\n")) {
            String json = line.startsWith("data:") ? line.substring(5).trim() : line.trim();
            if (json.startsWith("{") && json.contains("\"id\":" + id)) {
                Map<String, Object> message = JSON.readValue(json, new TypeRef<Map<String, Object>>() {});
                Object result = message.get("result");
                if (!(result instanceof Map<?, ?> r) || !(r.get("structuredContent") instanceof Map<?, ?> s)) {
                    throw new AssertionError("request " + id + " was not answered with a tool result: " + json);
                }
                return (Map<String, Object>) s;
            }
        }
        throw new AssertionError("no answer to request " + id + " in: " + body);
    }

    /** The calls the upstream ran in the session, from a {@code list_calls} answer. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> calls(Map<String, Object> listCalls) {
        return (List<Map<String, Object>>) listCalls.get("calls");
    }

    static HttpRequest request(URI endpoint, String session, String turn, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", LEGACY)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session);
        }
        if (turn != null) {
            request.header(RoutedClient.TURN_HEADER, turn);
        }
        return request.build();
    }

    static HttpResponse<String> post(HttpClient http, URI endpoint, String session, String body)
            throws IOException, InterruptedException {
        return http.send(request(endpoint, session, null, body), HttpResponse.BodyHandlers.ofString());
    }
}
