package dev.turnstile.examples.gateway;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One official MCP Java SDK client (one MCP session) whose requests are spread over gateway replicas: the
 * session opens through {@code home} (initialize, and the GET event stream), each tool call goes through
 * the replica chosen for it, and the client's answers to server requests (elicitation results) go through
 * {@code answersVia}. The request customizer rewrites the request URI; the SDK does not know. The turn of a
 * call is sent as {@code X-Mcp-Turn-Id}; both travel from the calling thread as the transport context.
 */
final class RoutedClient implements AutoCloseable {

    static final String TURN_HEADER = "X-Mcp-Turn-Id";
    private static final ThreadLocal<Map<String, Object>> CALL = new ThreadLocal<>();

    /** Where a request went: {@code "GET"}, {@code "POST call"}, {@code "POST answer"}, {@code "POST other"}. */
    record Sent(String kind, URI to) {}

    final McpSyncClient sdk;
    private final List<Sent> sent;

    private RoutedClient(McpSyncClient sdk, List<Sent> sent) {
        this.sdk = sdk;
        this.sent = sent;
    }

    static RoutedClient connect(URI home, URI answersVia) {
        List<Sent> sent = new CopyOnWriteArrayList<>();
        var transport = HttpClientStreamableHttpTransport.builder(home.getScheme() + "://" + home.getAuthority())
                .endpoint(home.getPath())
                .addHttpRequestCustomizer((builder, method, uri, body, context) -> {
                    Object turn = context == null ? null : context.get("turn");
                    Object via = context == null ? null : context.get("via");
                    if (turn != null) {
                        builder.header(TURN_HEADER, turn.toString());
                    }
                    URI target = home;
                    String kind = method;
                    if ("POST".equals(method)) {
                        if (isResponse(body)) {
                            target = answersVia;
                            kind = "POST answer";
                        } else if (via != null && body != null && body.contains("\"tools/call\"")) {
                            target = (URI) via;
                            kind = "POST call";
                        } else {
                            kind = "POST other";
                        }
                    }
                    if (!target.equals(home)) {
                        builder.uri(target);
                    }
                    sent.add(new Sent(kind, target));
                })
                .build();
        McpSyncClient sdk = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(90))
                .transportContextProvider(() -> CALL.get() == null
                        ? McpTransportContext.EMPTY
                        : McpTransportContext.create(CALL.get()))
                .capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                        Map.of("confirm", true, "reason", "through the gateway")))
                .build();
        sdk.initialize();
        return new RoutedClient(sdk, sent);
    }

    /** Calls {@code tool} with {@code hold_ms} through replica {@code via}, in {@code turn}; the structuredContent. */
    @SuppressWarnings("unchecked")
    Map<String, Object> call(URI via, String turn, String tool, long holdMs) {
        Map<String, Object> context = new HashMap<>();
        context.put("via", via);
        if (turn != null) {
            context.put("turn", turn);
        }
        CALL.set(context);
        try {
            McpSchema.CallToolResult result = sdk.callTool(
                    McpSchema.CallToolRequest.builder(tool).arguments(Map.of("hold_ms", holdMs)).build());
            if (Boolean.TRUE.equals(result.isError())) {
                throw new AssertionError(tool + " in turn " + turn + " via " + via + " failed: " + result.content());
            }
            return (Map<String, Object>) result.structuredContent();
        } finally {
            CALL.remove();
        }
    }

    /** Requests of kind {@code kind} sent to {@code to}. */
    long sent(String kind, URI to) {
        return sent.stream().filter(s -> s.kind().equals(kind) && s.to().equals(to)).count();
    }

    private static boolean isResponse(String body) {
        return body != null && body.contains("\"result\"") && !body.contains("\"method\"");
    }

    @Override
    public void close() {
        sdk.closeGracefully();
    }
}
