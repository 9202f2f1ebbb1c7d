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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * One official MCP Java SDK client (one MCP session) whose requests are spread over gateway replicas: the
 * session opens through {@code home} (initialize, and the GET event stream), each tool call and each
 * {@code tools/list} the test sends goes through the replica chosen for it, and the client's answers to
 * server requests (elicitation results) go through {@code answersVia}. The request customizer rewrites the
 * request URI; the SDK does not know. The turn of a call is sent as {@code X-Mcp-Turn-Id}; both travel from
 * the calling thread as the transport context. After a {@code notifications/tools/list_changed} the SDK
 * fetches the tool list by itself (with no such context): that request goes to {@code refreshVia} when one
 * is given, else through {@code home}.
 */
final class RoutedClient implements AutoCloseable {

    static final String TURN_HEADER = "X-Mcp-Turn-Id";
    private static final ThreadLocal<Map<String, Object>> CALL = new ThreadLocal<>();

    /**
     * Where a request went: {@code "GET"}, {@code "POST call"}, {@code "POST list"} (a tools/list the test
     * sent, or the SDK's own without {@code refreshVia}), {@code "POST refresh"} (the SDK's own, to
     * {@code refreshVia}), {@code "POST answer"}, {@code "POST other"}.
     */
    record Sent(String kind, URI to) {}

    final McpSyncClient sdk;
    private final List<Sent> sent;
    private final Map<Object, CountDownLatch> progress;

    private RoutedClient(McpSyncClient sdk, List<Sent> sent, Map<Object, CountDownLatch> progress) {
        this.sdk = sdk;
        this.sent = sent;
        this.progress = progress;
    }

    static RoutedClient connect(URI home, URI answersVia) {
        return connect(home, answersVia, null, tools -> {});
    }

    /**
     * A client whose own {@code tools/list} requests (after a list_changed) go to {@code refreshVia} (null:
     * through {@code home}), and which hands the lists they return to {@code toolsChanged}.
     */
    static RoutedClient connect(URI home, URI answersVia, URI refreshVia, Consumer<List<McpSchema.Tool>> toolsChanged) {
        List<Sent> sent = new CopyOnWriteArrayList<>();
        Map<Object, CountDownLatch> progress = new ConcurrentHashMap<>();
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
                        } else if (body != null && body.contains("\"tools/list\"")) {
                            target = via != null ? (URI) via : refreshVia != null ? refreshVia : home;
                            kind = via == null && refreshVia != null ? "POST refresh" : "POST list";
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
                .transportContextProvider(
                        () -> CALL.get() == null ? McpTransportContext.EMPTY : McpTransportContext.create(CALL.get()))
                .capabilities(
                        McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> new McpSchema.ElicitResult(
                        McpSchema.ElicitResult.Action.ACCEPT, Map.of("confirm", true, "reason", "through the gateway")))
                .toolsChangeConsumer(toolsChanged)
                .progressConsumer(note -> {
                    CountDownLatch first = progress.get(note.progressToken());
                    if (first != null) {
                        first.countDown();
                    }
                })
                .build();
        sdk.initialize();
        return new RoutedClient(sdk, sent, progress);
    }

    /** Calls {@code tool} with {@code hold_ms} through replica {@code via}, in {@code turn}; the structuredContent. */
    Map<String, Object> call(URI via, String turn, String tool, long holdMs) {
        return call(via, turn, tool, Map.of("hold_ms", holdMs), null);
    }

    /**
     * Calls {@code tool} with {@code arguments} through replica {@code via}, in {@code turn}, with a progress
     * token when {@code progressToken} is not null (see {@link #firstProgress}); the structuredContent.
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> call(URI via, String turn, String tool, Map<String, Object> arguments, Object progressToken) {
        CALL.set(context(via, turn));
        try {
            McpSchema.CallToolRequest.Builder request =
                    McpSchema.CallToolRequest.builder(tool).arguments(arguments);
            if (progressToken != null) {
                request.progressToken(progressToken);
            }
            McpSchema.CallToolResult result = sdk.callTool(request.build());
            if (Boolean.TRUE.equals(result.isError())) {
                throw new AssertionError(tool + " in turn " + turn + " via " + via + " failed: " + result.content());
            }
            return (Map<String, Object>) result.structuredContent();
        } finally {
            CALL.remove();
        }
    }

    /** Asks for the tool list (every page) through replica {@code via}. */
    McpSchema.ListToolsResult listTools(URI via) {
        CALL.set(context(via, null));
        try {
            return sdk.listTools();
        } finally {
            CALL.remove();
        }
    }

    /**
     * Counted down at the first progress notification of the call with {@code token}: the tool runs upstream
     * (the example server's tools send one when their hold begins). Ask before making the call.
     */
    CountDownLatch firstProgress(Object token) {
        return progress.computeIfAbsent(token, t -> new CountDownLatch(1));
    }

    private static Map<String, Object> context(URI via, String turn) {
        Map<String, Object> context = new HashMap<>();
        context.put("via", via);
        if (turn != null) {
            context.put("turn", turn);
        }
        return context;
    }

    /** Requests of kind {@code kind} sent to {@code to}. */
    long sent(String kind, URI to) {
        return sent.stream()
                .filter(s -> s.kind().equals(kind) && s.to().equals(to))
                .count();
    }

    private static boolean isResponse(String body) {
        return body != null && body.contains("\"result\"") && !body.contains("\"method\"");
    }

    @Override
    public void close() {
        sdk.closeGracefully();
    }
}
