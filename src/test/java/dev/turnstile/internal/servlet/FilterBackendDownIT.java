package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Redis unreachable (nothing listens on its port): writes fail closed with -32603
 * backend_unavailable and are not forwarded; reads, configured to fail open, go on unguarded.
 */
@ExtendWith(ArquillianExtension.class)
class FilterBackendDownIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestWars.recorder(
                "down",
                Map.of(
                        "turnstile.redis-url",
                        "redis://127.0.0.1:1",
                        "turnstile.redis-timeout",
                        "500ms",
                        "turnstile.fail-open-reads",
                        "true"));
    }

    @ArquillianResource
    URL base;

    private URI endpoint;

    @BeforeEach
    void setUp() {
        RecordingServlet.FORWARDED.clear();
        endpoint = URI.create(base.toExternalForm() + "mcp");
    }

    @Test
    void aWriteFailsClosedWithoutForwardingOrLeakingDetails() throws Exception {
        HttpResponse<String> r = McpHttp.send(endpoint, "s-1", null, McpHttp.toolCall(9, "create_refund", Map.of()));
        assertEquals(200, r.statusCode());
        assertTrue(
                r.body().contains("\"code\":-32603")
                        && r.body().contains("\"reason\":\"backend_unavailable\"")
                        && r.body().contains("\"id\":9"),
                r.body());
        assertFalse(
                r.body().contains("127.0.0.1")
                        || r.body().contains("s-1")
                        || r.body().contains("Jedis"),
                r.body());
        assertTrue(RecordingServlet.FORWARDED.isEmpty());
    }

    @Test
    void aReadFailsOpenWhenConfiguredSo() throws Exception {
        HttpResponse<String> r = McpHttp.send(endpoint, "s-1", null, McpHttp.toolCall(10, "get_balance", Map.of()));
        assertEquals(200, r.statusCode());
        assertEquals(1, RecordingServlet.FORWARDED.size(), r.body());
        assertEquals(null, RecordingServlet.FORWARDED.get(0).mode(), "an unguarded call carries no mode");
    }
}
