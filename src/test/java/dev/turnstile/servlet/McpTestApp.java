package dev.turnstile.servlet;

import dev.turnstile.Mode;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
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

    private McpSyncServer server;

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
        String schema = "{\"type\":\"object\",\"properties\":{\"hold_ms\":{\"type\":\"integer\"},\"gate\":{\"type\":\"string\"}}}";
        var spec = McpServer.sync(transport).serverInfo("turnstile-test", "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build());
        for (String name : new String[] {"get_item", "list_items", "write_item", "delete_item"}) {
            Mode mode = name.startsWith("get_") || name.startsWith("list_") ? Mode.READ : Mode.WRITE;
            spec.toolCall(McpSchema.Tool.builder().name(name).description(name).inputSchema(json, schema).build(),
                    (exchange, call) -> run(exchange, call, mode, name));
        }
        spec.toolCall(McpSchema.Tool.builder().name("confirm_write").description("asks the client").inputSchema(json, schema).build(),
                (exchange, call) -> {
                    McpSchema.ElicitResult answer = exchange.createElicitation(McpSchema.ElicitFormRequest.builder(
                            "Confirm?", Map.of("type", "object", "properties", Map.of("ok", Map.of("type", "boolean"))))
                            .build());
                    return McpSchema.CallToolResult.builder().addTextContent("answer:" + answer.action()).build();
                });
        server = spec.build();
        ServletRegistration.Dynamic mcp = event.getServletContext().addServlet("mcp", transport);
        mcp.setAsyncSupported(true);
        mcp.addMapping("/mcp", "/mcp/*");
    }

    private static McpSchema.CallToolResult run(McpSyncServerExchange exchange, McpSchema.CallToolRequest call,
                                                Mode mode, String name) {
        Map<String, Object> args = call.arguments() == null ? Map.of() : call.arguments();
        Object turn = exchange.transportContext().get("turn");
        Object hold = args.get("hold_ms");
        ToolProbe.dispatched.add(turn + ":" + exchange.transportContext().get("dispatcher"));
        try {
            ToolProbe.run(exchange.sessionId(), turn == null ? null : turn.toString(), mode,
                    (String) args.get("gate"), hold instanceof Number n ? n.longValue() : 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return McpSchema.CallToolResult.builder().addTextContent("interrupted").isError(true).build();
        }
        return McpSchema.CallToolResult.builder()
                .addTextContent(name + " mode=" + exchange.transportContext().get("mode")).build();
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (server != null) {
            server.closeGracefully();
        }
    }
}
