package dev.turnstile.internal.servlet;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A POST as a client of any MCP era sends it, built header by header: MCP 2026-07-28 requests (no
 * session, routing headers, the protocol version in {@code params._meta}) and sessionless legacy ones.
 */
final class RawPost {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicInteger IDS = new AtomicInteger(5000);
    static final String V2026 = "2026-07-28";

    private final URI endpoint;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String body;
    final int id = IDS.incrementAndGet();

    private RawPost(URL base) {
        this.endpoint = URI.create(base.toExternalForm().replaceAll("/$", "") + "/mcp");
    }

    /**
     * A 2026-07-28 {@code tools/call} with its routing headers; {@code meta} is the rest of
     * {@code params._meta} as JSON members (may be empty).
     */
    static RawPost call2026(URL base, String tool, String meta) {
        return new RawPost(base)
                .header("Mcp-Method", "tools/call")
                .header("Mcp-Name", tool)
                .header("MCP-Protocol-Version", V2026)
                .body(
                        "tools/call",
                        "\"name\":\"" + tool + "\",\"arguments\":{}",
                        "\"io.modelcontextprotocol/protocolVersion\":\"" + V2026 + "\""
                                + (meta.isEmpty() ? "" : "," + meta));
    }

    /** A 2026-07-28 request of another method, with its {@code Mcp-Method} header. */
    static RawPost request2026(URL base, String method, String meta) {
        return new RawPost(base)
                .header("Mcp-Method", method)
                .header("MCP-Protocol-Version", V2026)
                .body(
                        method,
                        "",
                        "\"io.modelcontextprotocol/protocolVersion\":\"" + V2026 + "\""
                                + (meta.isEmpty() ? "" : "," + meta));
    }

    /** A legacy-era {@code tools/call} without a session id. */
    static RawPost legacyCall(URL base, String tool, String meta) {
        return new RawPost(base).body("tools/call", "\"name\":\"" + tool + "\",\"arguments\":{}", meta);
    }

    RawPost header(String name, String value) {
        if (value == null) {
            headers.remove(name);
        } else {
            headers.put(name, value);
        }
        return this;
    }

    RawPost turn(String turn) {
        return header("X-Mcp-Turn-Id", turn);
    }

    RawPost gate(String gate) {
        return header("X-Test-Gate", gate);
    }

    /** Replaces the body as it is. */
    RawPost rawBody(String json) {
        this.body = json;
        return this;
    }

    private RawPost body(String method, String params, String meta) {
        String p = params + (meta.isEmpty() ? "" : (params.isEmpty() ? "" : ",") + "\"_meta\":{" + meta + "}");
        this.body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":{" + p + "}}";
        return this;
    }

    HttpResponse<String> send() throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
