package dev.turnstile.examples.mcpserver;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Official MCP Java SDK clients. The turn of a call is set per calling thread
 * ({@link #call(McpSyncClient, String, String, long)}): the client hands it to the transport as its
 * transport context, and the request customizer sends it as the {@code X-Mcp-Turn-Id} header.
 */
final class Clients {

    static final String TURN_HEADER = "X-Mcp-Turn-Id";
    private static final ThreadLocal<String> TURN = new ThreadLocal<>();

    private Clients() {}

    static McpSyncClient connect(URI endpoint) {
        return connect(endpoint, Clients::accept, null);
    }

    /** A client; with {@code elicitation} null it does not declare the elicitation capability. */
    static McpSyncClient connect(
            URI endpoint, Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> elicitation) {
        return connect(endpoint, elicitation, null);
    }

    /**
     * A client that answers elicitations with an accept and hands {@code toolsChanged} the tool list it
     * fetches itself (the SDK does) after each {@code notifications/tools/list_changed} on its event stream.
     */
    static McpSyncClient connectWatchingTools(URI endpoint, Consumer<List<McpSchema.Tool>> toolsChanged) {
        return connect(endpoint, Clients::accept, toolsChanged);
    }

    private static McpSchema.ElicitResult accept(McpSchema.ElicitFormRequest request) {
        return new McpSchema.ElicitResult(
                McpSchema.ElicitResult.Action.ACCEPT, Map.of("confirm", true, "reason", "customer asked"));
    }

    private static McpSyncClient connect(
            URI endpoint,
            Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> elicitation,
            Consumer<List<McpSchema.Tool>> toolsChanged) {
        var transport = HttpClientStreamableHttpTransport.builder(
                        endpoint.getScheme() + "://" + endpoint.getAuthority())
                .endpoint(endpoint.getPath())
                .addHttpRequestCustomizer((builder, method, uri, body, context) -> {
                    Object turn = context == null ? null : context.get("turn");
                    if (turn != null) {
                        builder.header(TURN_HEADER, turn.toString());
                    }
                })
                .build();
        var spec = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(90))
                .transportContextProvider(() -> TURN.get() == null
                        ? McpTransportContext.EMPTY
                        : McpTransportContext.create(Map.of("turn", TURN.get())));
        if (elicitation != null) {
            spec.capabilities(
                            McpSchema.ClientCapabilities.builder().elicitation().build())
                    .elicitation(elicitation);
        }
        if (toolsChanged != null) {
            spec.toolsChangeConsumer(toolsChanged);
        }
        McpSyncClient client = spec.build();
        client.initialize();
        return client;
    }

    /** Calls {@code tool} with {@code hold_ms}, in {@code turn} (null: no turn header). */
    static McpSchema.CallToolResult call(McpSyncClient client, String tool, String turn, long holdMs) {
        return call(client, tool, turn, Map.of("hold_ms", holdMs));
    }

    static McpSchema.CallToolResult call(McpSyncClient client, String tool, String turn, Map<String, Object> args) {
        TURN.set(turn);
        try {
            return client.callTool(
                    McpSchema.CallToolRequest.builder(tool).arguments(args).build());
        } finally {
            TURN.remove();
        }
    }
}
