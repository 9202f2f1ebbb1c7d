package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.internal.engine.RedisTestServers;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The busy answer, as the official Java SDK client and a raw HTTP client receive it. */
@ExtendWith(ArquillianExtension.class)
class FilterBusyIT {

    static final String PREFIX = "bit" + Long.toHexString(System.nanoTime());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestWars.mcpServer("busy", TestWars.params(PREFIX, "turnstile.acquire-timeout", "300ms"));
    }

    @ArquillianResource
    URL base;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private McpSyncClient client;

    @BeforeEach
    void setUp() {
        RedisTestServers.standalone();
        ToolProbe.reset();
        client = SdkClients.connect(base);
    }

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
        client.closeGracefully();
    }

    private Future<?> hold(String turn, String gate) throws InterruptedException {
        Future<?> held =
                threads.submit(() -> SdkClients.call(client, "write_item", Map.of("turn", turn, "gate", gate)));
        ToolProbe.awaitEntered(gate);
        return held;
    }

    @Test
    void aBusySessionReachesTheSdkClientAsAnMcpErrorWithItsData() throws Exception {
        Future<?> held = hold("A", "held");
        McpError e = assertThrows(McpError.class, () -> SdkClients.call(client, "get_item", Map.of("turn", "B")));
        assertEquals(-32002, e.getJsonRpcError().code());
        Map<?, ?> data = assertInstanceOf(Map.class, e.getJsonRpcError().data());
        assertEquals("session_busy", data.get("reason"));
        assertTrue(((Number) data.get("retryAfterMs")).longValue() >= 1, data.toString());
        ToolProbe.open("held");
        held.get(30, TimeUnit.SECONDS);
        SdkClients.call(client, "get_item", Map.of("turn", "B")); // free again
        assertEquals(2, ToolProbe.calls.get(), "the busy call must never have reached the server");
    }

    @Test
    void aWriteBehindAWriteOfItsOwnTurnIsTurnBusy() throws Exception {
        Future<?> held = hold("A", "held2");
        McpError e = assertThrows(McpError.class, () -> SdkClients.call(client, "write_item", Map.of("turn", "A")));
        assertEquals(-32002, e.getJsonRpcError().code());
        assertEquals("turn_busy", ((Map<?, ?>) e.getJsonRpcError().data()).get("reason"));
        ToolProbe.open("held2");
        held.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aRawBusyAnswerIsHttp200JsonWithTheRequestIdAndRetryAfter() throws Exception {
        McpHttp raw = McpHttp.open(base);
        Future<?> held = threads.submit(
                () -> raw.post("A", McpHttp.toolCall(McpHttp.nextId(), "write_item", Map.of("gate", "raw"))));
        ToolProbe.awaitEntered("raw");
        HttpResponse<String> busy = raw.post("B", McpHttp.toolCall(4242, "get_item", Map.of()));
        assertEquals(200, busy.statusCode());
        assertTrue(busy.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue(busy.headers().firstValue("Retry-After").isPresent());
        String body = busy.body();
        assertTrue(
                body.contains("\"id\":4242")
                        && body.contains("\"code\":-32002")
                        && body.contains("\"reason\":\"session_busy\"")
                        && body.contains("\"retryAfterMs\":"),
                body);
        assertTrue(!body.contains(raw.sessionId), "the session id must not appear in errors");

        HttpResponse<String> batch = raw.post(
                "B",
                "[" + McpHttp.toolCall(7, "get_item", Map.of()) + "," + McpHttp.toolCall(8, "write_item", Map.of())
                        + ",{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}]");
        assertEquals(200, batch.statusCode());
        assertTrue(
                batch.body().startsWith("[")
                        && batch.body().contains("\"id\":7")
                        && batch.body().contains("\"id\":8"),
                batch.body());
        ToolProbe.open("raw");
        held.get(30, TimeUnit.SECONDS);
        assertEquals(List.of(), ToolProbe.history.violations());
    }
}
