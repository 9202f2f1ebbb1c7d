package dev.turnstile.examples.springai;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Clients of the MCP Java SDK that Spring AI brings (2.0.0). The turn of a call is set per calling
 * thread: the client hands it to the transport as its transport context, and the request customizer
 * sends it as the {@code X-Mcp-Turn-Id} header.
 */
final class Clients {

    static final String TURN_HEADER = "X-Mcp-Turn-Id";
    private static final ThreadLocal<String> TURN = new ThreadLocal<>();

    private Clients() {}

    /** A client that answers elicitations with an accept. */
    static McpSyncClient connect(URI endpoint) {
        return connect(endpoint, Clients::accept, progress -> { });
    }

    /** A client that sends {@code headers} (for example {@code Authorization}) with every request. */
    static McpSyncClient connect(URI endpoint, Map<String, String> headers) {
        return connect(endpoint, Clients::accept, progress -> { }, headers);
    }

    /** A client; with {@code elicitation} null it does not declare the elicitation capability. */
    static McpSyncClient connect(URI endpoint, Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> elicitation,
                                 Consumer<McpSchema.ProgressNotification> progress) {
        return connect(endpoint, elicitation, progress, Map.of());
    }

    private static McpSyncClient connect(URI endpoint,
                                         Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> elicitation,
                                         Consumer<McpSchema.ProgressNotification> progress, Map<String, String> headers) {
        var transport = HttpClientStreamableHttpTransport.builder(endpoint.getScheme() + "://" + endpoint.getAuthority())
                .endpoint(endpoint.getPath())
                .httpRequestCustomizer((builder, method, uri, body, context) -> {
                    headers.forEach(builder::header);
                    Object turn = context == null ? null : context.get("turn");
                    if (turn != null) {
                        builder.header(TURN_HEADER, turn.toString());
                    }
                })
                .build();
        var spec = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(90))
                .progressConsumer(progress)
                .transportContextProvider(() -> TURN.get() == null
                        ? McpTransportContext.EMPTY
                        : McpTransportContext.create(Map.of("turn", TURN.get())));
        if (elicitation != null) {
            spec.capabilities(McpSchema.ClientCapabilities.builder().elicitation().build()).elicitation(elicitation);
        }
        McpSyncClient client = spec.build();
        client.initialize();
        return client;
    }

    private static McpSchema.ElicitResult accept(McpSchema.ElicitFormRequest request) {
        return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                Map.of("confirm", true, "reason", "customer asked"));
    }

    /** Calls {@code tool} with {@code hold_ms}, in {@code turn} (null: no turn header). */
    static McpSchema.CallToolResult call(McpSyncClient client, String tool, String turn, long holdMs) {
        return call(client, tool, turn, Map.of("hold_ms", holdMs), null);
    }

    /** Calls {@code tool} with {@code args}; a non-null {@code progressToken} asks for progress notifications. */
    static McpSchema.CallToolResult call(McpSyncClient client, String tool, String turn, Map<String, Object> args,
                                         Object progressToken) {
        TURN.set(turn);
        try {
            var request = McpSchema.CallToolRequest.builder().name(tool).arguments(args);
            if (progressToken != null) {
                request.progressToken(progressToken);
            }
            return client.callTool(request.build());
        } finally {
            TURN.remove();
        }
    }
}
