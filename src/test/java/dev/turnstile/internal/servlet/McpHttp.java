package dev.turnstile.internal.servlet;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A raw Streamable HTTP client: what an MCP client sends, without an SDK in between. */
final class McpHttp {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicInteger IDS = new AtomicInteger(1000);

    final URI endpoint;
    final String sessionId;

    private McpHttp(URI endpoint, String sessionId) {
        this.endpoint = endpoint;
        this.sessionId = sessionId;
    }

    /** Opens a session: initialize, then notifications/initialized. */
    static McpHttp open(URL base) throws IOException, InterruptedException {
        URI endpoint = URI.create(base.toExternalForm().replaceAll("/$", "") + "/mcp");
        HttpResponse<String> init = send(endpoint, null, null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                 "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        String session = init.headers()
                .firstValue("Mcp-Session-Id")
                .orElseThrow(() -> new AssertionError("no session id: " + init.statusCode() + " " + init.body()));
        McpHttp client = new McpHttp(endpoint, session);
        client.post(null, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return client;
    }

    static int nextId() {
        return IDS.incrementAndGet();
    }

    /** A tools/call request body. */
    static String toolCall(int id, String tool, Map<String, Object> args) {
        StringBuilder a = new StringBuilder("{");
        args.forEach((k, v) -> a.append(a.length() > 1 ? "," : "")
                .append('"')
                .append(k)
                .append("\":")
                .append(v instanceof String ? "\"" + v + "\"" : String.valueOf(v)));
        a.append('}');
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + a + "}}";
    }

    HttpResponse<String> post(String turn, String body) throws IOException, InterruptedException {
        return send(endpoint, sessionId, turn, body);
    }

    static HttpResponse<String> send(URI endpoint, String session, String turn, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2025-06-18")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        if (turn != null) {
            b.header("X-Mcp-Turn-Id", turn);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON-RPC message of a response: the body itself, or the first SSE data line. */
    static String message(HttpResponse<String> response) {
        String body = response.body();
        if (body.startsWith("{") || body.startsWith("[")) {
            return body;
        }
        for (String line : body.split("\n")) {
            if (line.startsWith("data:")) {
                return line.substring(5).trim();
            }
        }
        return body;
    }
}
