package dev.turnstile.internal.servlet;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * Test WARs that register the filter exactly as a user would, in web.xml. Their classes come from
 * the test class path (the embedded container's parent class loader), so tests and tools share
 * {@link ToolProbe}.
 */
final class TestWars {

    private TestWars() {}

    /** The MCP test server ({@link McpTestApp}) at /mcp behind the filter with these init-params. */
    static WebArchive mcpServer(String name, Map<String, String> initParams) {
        return mcpServer(name, initParams, "");
    }

    /** The MCP test server with more web.xml (declared before the Turnstile filter: filters run first). */
    static WebArchive mcpServer(String name, Map<String, String> initParams, String before) {
        return war(
                name,
                "<listener><listener-class>" + McpTestApp.class.getName() + "</listener-class></listener>\n" + before,
                initParams,
                "");
    }

    /** web.xml for {@link TestUserFilter} in front of everything. */
    static String testUsers() {
        return """
                  <filter><filter-name>users</filter-name><filter-class>%s</filter-class>
                    <async-supported>true</async-supported></filter>
                  <filter-mapping><filter-name>users</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                """.formatted(TestUserFilter.class.getName());
    }

    /** A recording servlet ({@link RecordingServlet}) at /mcp behind the filter. */
    static WebArchive recorder(String name, Map<String, String> initParams) {
        return war(name, "", initParams, servlet(RecordingServlet.class, "/mcp/*"));
    }

    /** A {@link ConversationProbeServlet} at /mcp behind the filter. */
    static WebArchive conversationProbe(String name, Map<String, String> initParams) {
        return war(name, "", initParams, servlet(ConversationProbeServlet.class, "/mcp/*"));
    }

    /** A {@link ToolsListServlet} at /mcp/a/mcp … /mcp/d/mcp (four endpoints) behind the filter. */
    static WebArchive toolsList(String name, Map<String, String> initParams) {
        return war(
                name,
                "",
                initParams,
                servlet(ToolsListServlet.class, "/mcp/a/mcp", "/mcp/b/mcp", "/mcp/c/mcp", "/mcp/d/mcp"));
    }

    /** A {@link BatchToolsListServlet} at /mcp/* behind the filter. */
    static WebArchive batchToolsList(String name, Map<String, String> initParams) {
        return war(name, "", initParams, servlet(BatchToolsListServlet.class, "/mcp/*"));
    }

    /** web.xml for one async-supported servlet mapped to these URL patterns. */
    private static String servlet(Class<?> servlet, String... patterns) {
        StringBuilder mapping = new StringBuilder();
        for (String pattern : patterns) {
            mapping.append("<url-pattern>").append(pattern).append("</url-pattern>");
        }
        return """
                  <servlet>
                    <servlet-name>app</servlet-name>
                    <servlet-class>%s</servlet-class>
                    <async-supported>true</async-supported>
                  </servlet>
                  <servlet-mapping><servlet-name>app</servlet-name>%s</servlet-mapping>
                """.formatted(servlet.getName(), mapping);
    }

    /** Init-params for a test: the test Redis (when configured) and a key prefix of its own. */
    static Map<String, String> params(String keyPrefix, String... more) {
        Map<String, String> params = new LinkedHashMap<>();
        String redis = System.getProperty("turnstile.test.redis", "");
        if (!redis.isBlank()) {
            params.put("turnstile.redis-url", redis);
        }
        params.put("turnstile.key-prefix", keyPrefix);
        for (int i = 0; i + 1 < more.length; i += 2) {
            params.put(more[i], more[i + 1]);
        }
        return params;
    }

    private static WebArchive war(String name, String listeners, Map<String, String> initParams, String servlets) {
        StringBuilder params = new StringBuilder();
        initParams.forEach((k, v) -> params.append("    <init-param><param-name>")
                .append(k)
                .append("</param-name><param-value>")
                .append(v)
                .append("</param-value></init-param>\n"));
        String webXml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                %s
                  <filter>
                    <filter-name>turnstile</filter-name>
                    <filter-class>dev.turnstile.servlet.TurnstileFilter</filter-class>
                    <async-supported>true</async-supported>
                %s  </filter>
                  <filter-mapping>
                    <filter-name>turnstile</filter-name>
                    <url-pattern>/mcp/*</url-pattern>
                    <dispatcher>REQUEST</dispatcher>
                    <dispatcher>ASYNC</dispatcher>
                  </filter-mapping>
                %s
                </web-app>
                """.formatted(listeners, params, servlets);
        return ShrinkWrap.create(WebArchive.class, name + ".war").setWebXML(new StringAsset(webXml));
    }
}
