package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.turnstile.internal.engine.RedisTestServers;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The filter registered in code, and the body replayed to a server that reads it as a stream, as
 * a reader, or without blocking through a ReadListener.
 */
@ExtendWith(ArquillianExtension.class)
class FilterProgrammaticIT {

    static final String PREFIX = "prog" + Long.toHexString(System.nanoTime());

    @Deployment(testable = false)
    static WebArchive deployment() {
        String webXml =
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <context-param><param-name>redis-url</param-name><param-value>%s</param-value></context-param>
                  <context-param><param-name>key-prefix</param-name><param-value>%s</param-value></context-param>
                  <listener><listener-class>%s</listener-class></listener>
                </web-app>
                """.formatted(System.getProperty("turnstile.test.redis", ""), PREFIX, ProgrammaticApp.class.getName());
        return ShrinkWrap.create(WebArchive.class, "programmatic.war").setWebXML(new StringAsset(webXml));
    }

    @ArquillianResource
    URL base;

    @BeforeEach
    void setUp() {
        RedisTestServers.standalone();
        RecordingServlet.FORWARDED.clear();
    }

    @ParameterizedTest
    @ValueSource(strings = {"stream", "reader", "listener"})
    void theServerReadsTheWholeBodyHoweverItReads(String how) throws Exception {
        String body = McpHttp.toolCall(5, "create_refund", Map.of("note", "ünïcödé " + "x".repeat(5000)));
        HttpResponse<String> r = McpHttp.send(URI.create(base + "mcp?read=" + how), "s-" + how, null, body);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of(new RecordingServlet.Forwarded(body, "write")), RecordingServlet.FORWARDED);
        // an async request (the ReadListener case) is released when the container completes it,
        // a moment after the client has its answer
        List<String> left = lockKeys();
        for (int i = 0; i < 1000 && !left.isEmpty(); i++) {
            java.util.concurrent.TimeUnit.MILLISECONDS.sleep(10);
            left = lockKeys();
        }
        assertEquals(List.of(), left);
    }

    private static List<String> lockKeys() {
        return RedisTestServers.keys(List.of(RedisTestServers.standalone()), PREFIX).stream()
                .filter(k -> !k.endsWith(":fence"))
                .toList();
    }

    @Test
    void aReadIsGuardedAsARead() throws Exception {
        McpHttp.send(URI.create(base + "mcp"), "s-read", "t", McpHttp.toolCall(6, "get_balance", Map.of()));
        assertEquals("read", RecordingServlet.FORWARDED.get(0).mode());
    }
}
