package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.internal.engine.RedisTestServers;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import java.net.URL;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The filter learns from the MCP Java SDK server's own {@code readOnlyHint}: {@code fetch_item} (no
 * read prefix, no rule) is a write until the server's {@code tools/list} answer (written through the
 * SDK's {@code AsyncContext}, as SSE or JSON) passed through it, a read after, and a write again once
 * the server re-registered it without the hint (its {@code list_changed} on the GET stream).
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FilterLearnsAnnotationsIT {

    static final String PREFIX = "lai" + Long.toHexString(System.nanoTime());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestWars.mcpServer("learn", TestWars.params(PREFIX, "turnstile.acquire-timeout", "300ms"));
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
                threads.submit(() -> SdkClients.call(client, "fetch_item", Map.of("turn", turn, "gate", gate)));
        ToolProbe.awaitEntered(gate);
        return held;
    }

    /** Calls fetch_item until the filter classifies it as expected (learning is asynchronous), at most ~15 s. */
    private void awaitMode(String mode) throws InterruptedException {
        String last = "";
        for (int i = 0; i < 750; i++) {
            last = SdkClients.text(SdkClients.call(client, "fetch_item", Map.of()));
            if (last.endsWith("mode=" + mode)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("fetch_item never became a " + mode + ": " + last);
    }

    @Test
    @Order(1) // first: its deployment (and key prefix) has seen no tools/list yet
    void aToolIsAWriteUntilItsReadOnlyHintWasSeenThenItsCallsRunTogether() throws Exception {
        assertEquals(
                "fetch_item mode=write",
                SdkClients.text(SdkClients.call(client, "fetch_item", Map.of())),
                "nothing learned before a tools/list passed");
        Future<?> held = hold("A", "w1");
        McpError busy = assertThrows(McpError.class, () -> SdkClients.call(client, "fetch_item", Map.of("turn", "A")));
        assertEquals("turn_busy", ((Map<?, ?>) busy.getJsonRpcError().data()).get("reason"));
        ToolProbe.open("w1");
        held.get(30, TimeUnit.SECONDS);

        client.listTools();
        awaitMode("read");
        Future<?> first = hold("B", "r1");
        Future<?> second = hold("B", "r2"); // enters while the first is inside: reads of one turn together
        ToolProbe.open("r1");
        ToolProbe.open("r2");
        first.get(30, TimeUnit.SECONDS);
        second.get(30, TimeUnit.SECONDS);
        assertTrue(ToolProbe.history.overlappingReads() >= 1);
        assertEquals(List.of(), ToolProbe.history.violations());
    }

    @Test
    @Order(2)
    void theServerReannotatingItsToolMakesItAWriteAgain() throws Exception {
        client.listTools();
        awaitMode("read");
        SdkClients.call(client, "set_fetch_hint", Map.of("read_only", false)); // list_changed, then the new hint
        awaitMode("write");
        client.listTools();
        assertEquals("fetch_item mode=write", SdkClients.text(SdkClients.call(client, "fetch_item", Map.of())));
        SdkClients.call(client, "set_fetch_hint", Map.of("read_only", true));
        client.listTools();
        awaitMode("read");
    }
}
