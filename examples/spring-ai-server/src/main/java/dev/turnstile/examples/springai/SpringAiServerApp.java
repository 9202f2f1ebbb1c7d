package dev.turnstile.examples.springai;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import java.util.List;
import java.util.UUID;
import org.springframework.ai.mcp.server.common.autoconfigure.properties.McpServerStreamableHttpProperties;
import org.springframework.ai.mcp.server.webmvc.transport.WebMvcStreamableServerTransportProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * A Spring AI MCP server (Streamable HTTP on Spring WebMVC) with the tools of the plain example
 * server. Turnstile needs no code here: its jar and {@code turnstile.*} in
 * {@code application.properties} are enough, its auto-configuration registers the filter. The one
 * bean below that concerns Turnstile only lets the tools report what it decided.
 */
@SpringBootApplication
public class SpringAiServerApp {

    public static void main(String[] args) {
        SpringApplication.run(SpringAiServerApp.class, args);
    }

    /**
     * Spring AI's transport, as its auto-configuration builds it, plus a context extractor: it runs
     * on the request thread, behind Turnstile's filter, and copies what Turnstile set on the request
     * (mode, fence, turn) into the tools' transport context.
     */
    @Bean
    @ConditionalOnProperty(name = "spring.ai.mcp.server.protocol", havingValue = "STREAMABLE", matchIfMissing = true)
    WebMvcStreamableServerTransportProvider mcpTransport(
            McpServerStreamableHttpProperties properties) {
        return WebMvcStreamableServerTransportProvider.builder()
                .jsonMapper(McpJsonDefaults.getMapper())
                .mcpEndpoint(properties.getMcpEndpoint())
                .keepAliveInterval(properties.getKeepAliveInterval())
                .disallowDelete(properties.isDisallowDelete())
                .contextExtractor(request -> McpTransportContext.create(
                        RequestInfo.of(request.servletRequest()).asMap()))
                .build();
    }

    /** The example's tools; Spring AI's server registers every {@code List<SyncToolSpecification>} bean. */
    @Bean
    List<SyncToolSpecification> exampleTools(@Value("${INSTANCE_ID:}") String instance,
                                             ObjectProvider<McpSyncServer> server) {
        String id = instance.isBlank() ? UUID.randomUUID().toString().substring(0, 8) : instance;
        return new Tools(McpJsonDefaults.getMapper(), id, server::getObject).specifications();
    }
}
