package dev.turnstile.examples.mcpserver;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** MCP over plain HTTP, for what the SDK client hides: the raw session id and the raw response body. */
final class RawMcp {

    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();
    private static final String PROTOCOL = "2025-06-18";

    final URI endpoint;
    final String sessionId;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RawMcp(URI endpoint, String sessionId) {
        this.endpoint = endpoint;
        this.sessionId = sessionId;
    }

    static RawMcp open(URI endpoint) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> init = http.send(
                post(
                        endpoint,
                        null,
                        null,
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                                + PROTOCOL
                                + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}"),
                HttpResponse.BodyHandlers.ofString());
        String sid = init.headers()
                .firstValue("Mcp-Session-Id")
                .orElseThrow(
                        () -> new IllegalStateException("no session id: " + init.statusCode() + " " + init.body()));
        RawMcp raw = new RawMcp(endpoint, sid);
        raw.send(null, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return raw;
    }

    HttpResponse<String> send(String turn, String body) throws IOException, InterruptedException {
        return send(turn, body, Map.of());
    }

    /** A POST in this session with {@code extra} headers. */
    HttpResponse<String> send(String turn, String body, Map<String, String> extra)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(post(endpoint, sessionId, turn, body), (n, v) -> true);
        extra.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A tools/call request; {@code metaJson} (the params' {@code _meta}) may be null. */
    static String toolCall(int id, String tool, String argsJson, String metaJson) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + argsJson + (metaJson == null ? "" : ",\"_meta\":" + metaJson) + "}}";
    }

    /** This session's headers for {@link RawHttp} (turn may be null). */
    Map<String, String> headers(String turn) {
        Map<String, String> headers =
                new java.util.HashMap<>(Map.of("Mcp-Session-Id", sessionId, "MCP-Protocol-Version", PROTOCOL));
        if (turn != null) {
            headers.put(Clients.TURN_HEADER, turn);
        }
        return headers;
    }

    /** A tools/call (hold_ms 0) over a plain socket, with {@code extra} headers (Host may be one). */
    RawHttp.Reply rawCall(String turn, Map<String, String> extra, int id, String tool) throws IOException {
        Map<String, String> headers = headers(turn);
        headers.putAll(extra);
        return RawHttp.exchange(endpoint, headers, toolCall(id, tool, "{\"hold_ms\":0}", null));
    }

    /** The JSON-RPC message a tools/call was answered with (from the SSE stream or plain JSON), as text. */
    String callTool(String turn, int id, String tool, String argsJson) throws IOException, InterruptedException {
        return callTool(turn, id, tool, argsJson, Map.of());
    }

    /** The same, with {@code extra} request headers. */
    String callTool(String turn, int id, String tool, String argsJson, Map<String, String> extra)
            throws IOException, InterruptedException {
        HttpResponse<String> response = send(turn, toolCall(id, tool, argsJson, null), extra);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(response.statusCode() + " " + response.body());
        }
        String body = response.body();
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            return body;
        }
        for (String line : body.split("\r?\n")) {
            if (line.startsWith("data:") && line.contains("\"id\":" + id)) {
                return line.substring(5).trim();
            }
        }
        throw new IllegalStateException("no answer to request " + id + " in: " + body);
    }

    static Map<String, Object> parse(String json) throws IOException {
        return JSON.readValue(json, new TypeRef<Map<String, Object>>() {});
    }

    private static HttpRequest post(URI endpoint, String sessionId, String turn, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", PROTOCOL);
        }
        if (turn != null) {
            b.header(Clients.TURN_HEADER, turn);
        }
        return b.build();
    }
}
