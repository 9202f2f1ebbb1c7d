package dev.turnstile.internal.servlet;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Official MCP Java SDK clients for the tests. */
final class SdkClients {

    /** Tool arguments may carry {@code "turn"}: the client then sends it as the turn header. */
    private static final Pattern TURN_ARG = Pattern.compile("\"turn\"\\s*:\\s*\"([^\"]+)\"");

    private SdkClients() {}

    static McpSyncClient connect(URL base) {
        String origin = base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
        var transport = HttpClientStreamableHttpTransport.builder(origin)
                .endpoint(base.getPath().replaceAll("/$", "") + "/mcp")
                .httpRequestCustomizer((builder, method, uri, body, context) -> {
                    if (body != null) {
                        Matcher m = TURN_ARG.matcher(body);
                        if (m.find()) {
                            builder.header("X-Mcp-Turn-Id", m.group(1));
                        }
                    }
                })
                .build();
        McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(60))
                .capabilities(
                        McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(
                        request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("ok", true)))
                .build();
        client.initialize();
        return client;
    }

    static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }
}
