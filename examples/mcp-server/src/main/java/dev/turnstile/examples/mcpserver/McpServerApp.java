package dev.turnstile.examples.mcpserver;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Builds the MCP server with the official MCP Java SDK and registers its streamable HTTP servlet
 * at {@code /mcp}, behind the Turnstile filter that web.xml maps to {@code /mcp/*}. Declared as a
 * listener in web.xml: the SDK's servlet is an instance made by a builder, so it cannot be declared
 * in web.xml itself.
 */
public class McpServerApp implements ServletContextListener {

    private McpSyncServer server;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        String instance = System.getenv("INSTANCE_ID");
        if (instance == null || instance.isBlank()) {
            instance = UUID.randomUUID().toString().substring(0, 8);
        }
        McpJsonMapper json = McpJsonDefaults.getMapper();
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(json)
                .mcpEndpoint("/mcp")
                // runs on the request thread, inside the filter: copies what Turnstile set on the request
                .contextExtractor(request ->
                        McpTransportContext.create(RequestInfo.of(request).asMap()))
                .build();
        Tools tools = new Tools(json, instance);
        server = McpServer.sync(transport)
                .serverInfo("turnstile-example", "0.1.0")
                .capabilities(McpSchema.ServerCapabilities.builder()
                        .tools(true)
                        .resources(true, false) // subscribe: yes; list changes: never
                        .prompts(false)
                        .completions()
                        .logging()
                        .build())
                // tool handlers run on the request thread: @Guarded finds the request the filter bound there
                .immediateExecution(true)
                .requestTimeout(Duration.ofSeconds(60)) // how long confirm_refund waits for the client's answer
                .tools(allTools(tools))
                // what the MCP conformance suite's server scenarios call, beside the example's own tools
                .resources(ConformanceResources.resources())
                .resourceTemplates(ConformanceResources.templates())
                .prompts(ConformancePrompts.prompts())
                .completions(ConformancePrompts.completions())
                .build();
        tools.attach(server); // set_invoice_hint registers fetch_invoice again with it
        ServletRegistration.Dynamic mcp = event.getServletContext().addServlet("mcp", transport);
        mcp.setAsyncSupported(true);
        mcp.addMapping("/mcp", "/mcp/*");
        event.getServletContext()
                .log("MCP server instance " + instance + " at "
                        + event.getServletContext().getContextPath() + "/mcp");
    }

    /** The example's tools, then those of the MCP conformance suite. */
    private static List<SyncToolSpecification> allTools(Tools tools) {
        List<SyncToolSpecification> all = new ArrayList<>(tools.specifications());
        all.addAll(ConformanceTools.specifications());
        all.addAll(ConformanceAsks.specifications());
        return all;
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (server != null) {
            server.closeGracefully();
        }
    }
}
