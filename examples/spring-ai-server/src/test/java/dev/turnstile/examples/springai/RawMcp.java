package dev.turnstile.examples.springai;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.TypeRef;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** MCP over plain HTTP with HTTP Basic, for what the SDK client hides: the raw session id. */
final class RawMcp {

    private static final String PROTOCOL = "2025-06-18";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    final URI endpoint;
    final String sessionId;

    private RawMcp(URI endpoint, String sessionId) {
        this.endpoint = endpoint;
        this.sessionId = sessionId;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Initializes a session as the user of {@code authorization}. */
    static RawMcp open(URI endpoint, String authorization) throws IOException, InterruptedException {
        HttpResponse<String> init = send(endpoint, null, authorization, "{\"jsonrpc\":\"2.0\",\"id\":1,"
                + "\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + PROTOCOL + "\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
        String sid = init.headers().firstValue("Mcp-Session-Id").orElseThrow(
                () -> new IllegalStateException("no session id: " + init.statusCode() + " " + init.body()));
        send(endpoint, sid, authorization, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return new RawMcp(endpoint, sid);
    }

    /** A POST in this session as the user of {@code authorization} (null: none). */
    HttpResponse<String> post(String authorization, String body) throws IOException, InterruptedException {
        return send(endpoint, sessionId, authorization, body);
    }

    /** The structuredContent of a tools/call in this session, as the user of {@code authorization}. */
    @SuppressWarnings("unchecked")
    Map<String, Object> callTool(String authorization, String tool) throws IOException, InterruptedException {
        HttpResponse<String> response = post(authorization, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"" + tool + "\",\"arguments\":{\"hold_ms\":1}}}");
        for (String line : response.body().split("\r?\n")) {
            if (line.startsWith("data:") && line.contains("\"id\":7")) {
                Map<String, Object> message = McpJsonDefaults.getMapper().readValue(line.substring(5).trim(),
                        new TypeRef<Map<String, Object>>() {});
                return (Map<String, Object>) ((Map<String, Object>) message.get("result")).get("structuredContent");
            }
        }
        throw new IllegalStateException("no answer: " + response.statusCode() + " " + response.body());
    }

    private static HttpResponse<String> send(URI endpoint, String sessionId, String authorization, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", PROTOCOL);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
