package dev.turnstile.internal.servlet;

import dev.turnstile.Mode;
import dev.turnstile.servlet.TurnstileAttributes;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import java.util.HashMap;
import java.util.Map;

/**
 * A real MCP server (official Java SDK, streamable HTTP servlet) for the filter's tests, started by
 * the test WAR's web.xml. Tools: {@code get_item}, {@code list_items} (reads by prefix),
 * {@code write_item}, {@code delete_item} (writes), {@code confirm_write} (a write that elicits).
 * Arguments: {@code hold_ms}, {@code gate} (see {@link ToolProbe}).
 */
public class McpTestApp implements ServletContextListener {

    private volatile McpSyncServer server;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        McpJsonMapper json = McpJsonDefaults.getMapper();
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(json)
                .mcpEndpoint("/mcp")
                .contextExtractor(request -> {
                    Map<String, Object> values = new HashMap<>();
                    String turn = request.getHeader("X-Mcp-Turn-Id");
                    if (turn != null) {
                        values.put("turn", turn);
                    }
                    values.put("dispatcher", request.getDispatcherType().name());
                    Object mode = request.getAttribute(TurnstileAttributes.MODE);
                    if (mode != null) {
                        values.put("mode", mode);
                    }
                    return McpTransportContext.create(values);
                })
                .build();
        String schema =
                "{\"type\":\"object\",\"properties\":{\"hold_ms\":{\"type\":\"integer\"},\"gate\":{\"type\":\"string\"}}}";
        var spec = McpServer.sync(transport)
                .serverInfo("turnstile-test", "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build());
        for (String name : new String[] {"get_item", "list_items", "write_item", "delete_item"}) {
            Mode mode = name.startsWith("get_") || name.startsWith("list_") ? Mode.READ : Mode.WRITE;
            spec.toolCall(
                    McpSchema.Tool.builder()
                            .name(name)
                            .description(name)
                            .inputSchema(json, schema)
                            .build(),
                    (exchange, call) -> run(exchange, call, mode, name));
        }
        spec.toolCall(
                McpSchema.Tool.builder()
                        .name("confirm_write")
                        .description("asks the client")
                        .inputSchema(json, schema)
                        .build(),
                (exchange, call) -> {
                    McpSchema.ElicitResult answer = exchange.createElicitation(McpSchema.ElicitFormRequest.builder(
                                    "Confirm?",
                                    Map.of("type", "object", "properties", Map.of("ok", Map.of("type", "boolean"))))
                            .build());
                    return McpSchema.CallToolResult.builder()
                            .addTextContent("answer:" + answer.action())
                            .build();
                });
        spec.toolCall(
                fetchItem(json, schema, true).tool(),
                fetchItem(json, schema, true).callHandler());
        String hintSchema = "{\"type\":\"object\",\"properties\":{\"read_only\":{\"type\":\"boolean\"}}}";
        spec.toolCall(
                McpSchema.Tool.builder()
                        .name("set_fetch_hint")
                        .description("re-registers fetch_item")
                        .inputSchema(json, hintSchema)
                        .build(),
                (exchange, call) -> {
                    boolean readOnly = Boolean.TRUE.equals(call.arguments().get("read_only"));
                    server.removeTool("fetch_item");
                    server.addTool(fetchItem(json, schema, readOnly));
                    server.notifyToolsListChanged();
                    return McpSchema.CallToolResult.builder()
                            .addTextContent("readOnlyHint=" + readOnly)
                            .build();
                });
        server = spec.build();
        ServletRegistration.Dynamic mcp = event.getServletContext().addServlet("mcp", transport);
        mcp.setAsyncSupported(true);
        mcp.addMapping("/mcp", "/mcp/*");
    }

    /**
     * {@code fetch_item}: no read prefix, no rule; its class is what Turnstile learned from its
     * {@code readOnlyHint} (it records the mode the filter decided).
     */
    private static McpServerFeatures.SyncToolSpecification fetchItem(
            McpJsonMapper json, String schema, boolean readOnly) {
        McpSchema.Tool tool = McpSchema.Tool.builder()
                .name("fetch_item")
                .description("fetch_item")
                .inputSchema(json, schema)
                .annotations(new McpSchema.ToolAnnotations(null, readOnly, null, null, null, null))
                .build();
        return new McpServerFeatures.SyncToolSpecification(
                tool, (exchange, call) -> run(exchange, call, null, "fetch_item"));
    }

    private static McpSchema.CallToolResult run(
            McpSyncServerExchange exchange, McpSchema.CallToolRequest call, Mode mode, String name) {
        Map<String, Object> args = call.arguments() == null ? Map.of() : call.arguments();
        Object turn = exchange.transportContext().get("turn");
        Object hold = args.get("hold_ms");
        ToolProbe.dispatched.add(turn + ":" + exchange.transportContext().get("dispatcher"));
        try {
            Object decided = exchange.transportContext().get("mode");
            Mode recorded = mode != null ? mode : "read".equals(decided) ? Mode.READ : Mode.WRITE;
            ToolProbe.run(
                    exchange.sessionId(),
                    turn == null ? null : turn.toString(),
                    recorded,
                    (String) args.get("gate"),
                    hold instanceof Number n ? n.longValue() : 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return McpSchema.CallToolResult.builder()
                    .addTextContent("interrupted")
                    .isError(true)
                    .build();
        }
        return McpSchema.CallToolResult.builder()
                .addTextContent(name + " mode=" + exchange.transportContext().get("mode"))
                .build();
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (server != null) {
            server.closeGracefully();
        }
    }
}
