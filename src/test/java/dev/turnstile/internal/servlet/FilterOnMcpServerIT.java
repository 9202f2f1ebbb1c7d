package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.internal.engine.RedisTestServers;
import io.modelcontextprotocol.client.McpSyncClient;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.HostAndPort;

/**
 * The filter registered in web.xml in front of the official MCP Java SDK's streamable servlet, in
 * embedded Tomcat, on real Redis. Overlaps are judged from the tools' own enter/exit history.
 */
@ExtendWith(ArquillianExtension.class)
class FilterOnMcpServerIT {

    static final String PREFIX = "fit" + Long.toHexString(System.nanoTime());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestWars.mcpServer("guarded", TestWars.params(PREFIX, "turnstile.acquire-timeout", "10s"));
    }

    @ArquillianResource
    URL base;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<McpSyncClient> clients = new ArrayList<>();

    @BeforeEach
    void reset() {
        RedisTestServers.standalone(); // these tests read lock state in Redis
        ToolProbe.reset();
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        clients.forEach(McpSyncClient::closeGracefully);
    }

    private McpSyncClient client() {
        McpSyncClient c = SdkClients.connect(base);
        clients.add(c);
        return c;
    }

    private Future<String> callAsync(McpSyncClient c, String tool, Map<String, Object> args) {
        return threads.submit(() -> SdkClients.text(SdkClients.call(c, tool, args)));
    }

    private static List<String> redisKeys(String part) {
        HostAndPort node = RedisTestServers.standalone();
        return RedisTestServers.keys(List.of(node), PREFIX).stream()
                .filter(k -> k.contains(part))
                .toList();
    }

    /**
     * Waits (bounded) until no place is held. The client has its answer a moment before the
     * container completes the async request and the filter releases.
     */
    private static void awaitNoPlaces() throws InterruptedException {
        for (int i = 0; i < 1000 && !redisKeys(":places").isEmpty(); i++) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertEquals(List.of(), redisKeys(":places"));
    }

    /** Waits (bounded) until a waiting writer's mark shows in Redis: the writer is queued at the lock. */
    private static void awaitWaitingWriter() throws InterruptedException {
        for (int i = 0; i < 3000 && redisKeys(":waiting").isEmpty(); i++) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertFalse(redisKeys(":waiting").isEmpty(), "no writer is waiting");
    }

    @Test
    void concurrentSdkCallsOnOneSessionObeyTheThreeRules() throws Exception {
        McpSyncClient c = client();
        String[] tools = {"get_item", "list_items", "write_item", "delete_item"};
        List<Future<String>> calls = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            calls.add(threads.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 15; i++) {
                    Map<String, Object> args = random.nextBoolean()
                            ? Map.of("turn", random.nextBoolean() ? "A" : "B", "hold_ms", random.nextInt(3))
                            : Map.of("hold_ms", random.nextInt(3));
                    SdkClients.call(c, tools[random.nextInt(tools.length)], args);
                }
                return "done";
            }));
        }
        for (Future<String> f : calls) {
            f.get(2, TimeUnit.MINUTES);
        }
        assertEquals(90, ToolProbe.history.size());
        assertEquals(List.of(), ToolProbe.history.violations());
        awaitNoPlaces();
    }

    @Test
    void concurrentRawHttpCallsOnTwoSessionsObeyTheThreeRules() throws Exception {
        McpHttp one = McpHttp.open(base);
        McpHttp two = McpHttp.open(base);
        String[] tools = {"get_item", "list_items", "write_item", "delete_item"};
        String[] turns = {"A", "B", null};
        List<Future<String>> calls = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            McpHttp session = t % 2 == 0 ? one : two;
            calls.add(threads.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 12; i++) {
                    var r = session.post(
                            turns[random.nextInt(turns.length)],
                            McpHttp.toolCall(
                                    McpHttp.nextId(),
                                    tools[random.nextInt(tools.length)],
                                    Map.of("hold_ms", random.nextInt(3))));
                    assertTrue(McpHttp.message(r).contains("\"result\""), r.body());
                }
                return "done";
            }));
        }
        for (Future<String> f : calls) {
            f.get(2, TimeUnit.MINUTES);
        }
        assertEquals(96, ToolProbe.history.size());
        assertEquals(List.of(), ToolProbe.history.violations());
        awaitNoPlaces();
    }

    @Test
    void readsOfOneTurnRunTogether() throws Exception {
        McpSyncClient c = client();
        Future<String> r1 = callAsync(c, "get_item", Map.of("turn", "T", "gate", "r1"));
        Future<String> r2 = callAsync(c, "list_items", Map.of("turn", "T", "gate", "r2"));
        ToolProbe.awaitEntered("r1");
        ToolProbe.awaitEntered("r2"); // both inside at once
        ToolProbe.open("r1");
        ToolProbe.open("r2");
        assertEquals("get_item mode=read", r1.get(30, TimeUnit.SECONDS));
        assertEquals("list_items mode=read", r2.get(30, TimeUnit.SECONDS));
    }

    @Test
    void aWriteWaitsForTheReadsOfItsTurnAndRunsAlone() throws Exception {
        McpSyncClient c = client();
        Future<String> read = callAsync(c, "get_item", Map.of("turn", "T", "gate", "r"));
        ToolProbe.awaitEntered("r");
        Future<String> write = callAsync(c, "write_item", Map.of("turn", "T", "gate", "w"));
        awaitWaitingWriter();
        assertFalse(ToolProbe.hasEntered("w"), "the write ran beside a read of its turn");
        ToolProbe.open("r");
        ToolProbe.awaitEntered("w");
        ToolProbe.open("w");
        assertEquals("write_item mode=write", write.get(30, TimeUnit.SECONDS));
        read.get(30, TimeUnit.SECONDS);
        assertEquals(List.of(), ToolProbe.history.violations());
    }

    @Test
    void twoTurnsOfOneSessionNeverOverlap() throws Exception {
        McpSyncClient c = client();
        Future<String> first = callAsync(c, "get_item", Map.of("turn", "A", "gate", "a"));
        ToolProbe.awaitEntered("a");
        Future<String> second = callAsync(c, "write_item", Map.of("turn", "B", "gate", "b"));
        awaitWaitingWriter();
        assertFalse(ToolProbe.hasEntered("b"), "turn B ran while turn A was in flight");
        ToolProbe.open("a");
        ToolProbe.awaitEntered("b");
        ToolProbe.open("b");
        first.get(30, TimeUnit.SECONDS);
        second.get(30, TimeUnit.SECONDS);
    }

    @Test
    void differentSessionsNeverWaitForEachOther() throws Exception {
        McpSyncClient one = client();
        McpSyncClient two = client();
        Future<String> w1 = callAsync(one, "write_item", Map.of("gate", "s1"));
        ToolProbe.awaitEntered("s1");
        Future<String> w2 = callAsync(two, "write_item", Map.of("gate", "s2"));
        ToolProbe.awaitEntered("s2"); // while the first session's write is still inside
        ToolProbe.open("s1");
        ToolProbe.open("s2");
        w1.get(30, TimeUnit.SECONDS);
        w2.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aToolThatElicitsFromTheClientCompletesWhileHoldingItsWrite() throws Exception {
        McpSyncClient c = client();
        assertEquals("answer:ACCEPT", SdkClients.text(SdkClients.call(c, "confirm_write", Map.of("turn", "E"))));
        awaitNoPlaces();
    }

    @Test
    void cancellationPassesWhileAWriteHoldsTheTurn() throws Exception {
        McpHttp raw = McpHttp.open(base);
        int id = McpHttp.nextId();
        CompletableFuture<java.net.http.HttpResponse<String>> held = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return raw.post("T", McpHttp.toolCall(id, "write_item", Map.of("gate", "held")));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                threads);
        ToolProbe.awaitEntered("held");
        var cancel = raw.post(
                "T",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\"," + "\"params\":{\"requestId\":" + id
                        + ",\"reason\":\"user\"}}");
        assertEquals(202, cancel.statusCode(), cancel.body());
        assertTrue(!redisKeys(":places").isEmpty(), "the write still holds its place");
        ToolProbe.open("held");
        held.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aClientThatDisconnectsDoesNotKeepTheLock() throws Exception {
        McpHttp raw = McpHttp.open(base);
        String body = McpHttp.toolCall(McpHttp.nextId(), "write_item", Map.of("gate", "gone"));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            String head = "POST " + raw.endpoint.getPath() + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\n"
                    + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                    + "Mcp-Session-Id: " + raw.sessionId + "\r\nX-Mcp-Turn-Id: gone\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            ToolProbe.awaitEntered("gone");
        } // the client is gone while its call holds the session
        ToolProbe.open("gone");
        // the lease is 30 s and the acquire timeout 10 s: only a release can let this call in
        var next = raw.post("next", McpHttp.toolCall(McpHttp.nextId(), "write_item", Map.of()));
        assertTrue(McpHttp.message(next).contains("write_item mode=write"), next.body());
    }

    /**
     * A tools/call whose params cannot be classified never reaches the SDK: the client gets
     * JSON-RPC -32602 ({@code invalid_params}) with HTTP 200 and its own id, no tool runs, no place
     * is left, and the session serves the next call.
     */
    @Test
    void anUnclassifiableToolCallIsAnsweredBeforeTheSdk() throws Exception {
        McpHttp raw = McpHttp.open(base);
        for (String params : List.of(
                "null",
                "[]",
                "\"write_item\"",
                "{}",
                "{\"name\":\"\"}",
                "{\"name\":7}",
                "{\"name\":\"write_item\",\"arguments\":null}",
                "{\"name\":\"write_item\",\"arguments\":[]}",
                "{\"name\":\"write_item\",\"_meta\":7}")) {
            var r = raw.post(
                    null, "{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"tools/call\",\"params\":" + params + "}");
            String what = "params " + params + ": HTTP " + r.statusCode() + " " + r.body();
            assertEquals(200, r.statusCode(), what);
            assertTrue(r.body().startsWith("{\"jsonrpc\":\"2.0\",\"id\":77,\"error\":{\"code\":-32602,"), what);
            assertTrue(r.body().contains("\"data\":{\"reason\":\"invalid_params\"}"), what);
        }
        assertEquals(0, ToolProbe.calls.get(), "a tool ran");
        awaitNoPlaces();
        var next = raw.post(null, McpHttp.toolCall(McpHttp.nextId(), "write_item", Map.of()));
        assertTrue(McpHttp.message(next).contains("write_item mode=write"), next.body());
    }
}
