package dev.turnstile.examples.gateway;

import static dev.turnstile.examples.gateway.InvoiceHints.TOOL;
import static dev.turnstile.examples.gateway.InvoiceHints.awaitMode;
import static dev.turnstile.examples.gateway.InvoiceHints.hintOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Tool classes learned from the upstream's {@code readOnlyHint}, shared by the replicas: the example MCP
 * server as upstream (unguarded) with its {@code fetch_invoice} (annotated {@code readOnlyHint: true}, no read
 * prefix, no rule) and {@code set_invoice_hint} (registers it again with another hint, which sends
 * {@code notifications/tools/list_changed}); replicas A and B, and C with {@code TURNSTILE_LEARN_ANNOTATIONS=false},
 * on one Redis. Classes are judged from the calls' intervals as the upstream reports them, and from the
 * {@code mode} it reports (the replica's {@code Turnstile-Mode} header). The tests run in order: the first
 * needs a Redis prefix on which no {@code tools/list} was ever seen.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LearnedClassesIT {

    /** How long the first call of a pair holds: the second one has that long to run beside it if it may. */
    private static final long HOLD_MS = 3_000;

    private final String run = "r" + Long.toHexString(new Random().nextLong() & 0xffffff);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private Stack stack;
    private ServerProcess a;
    private ServerProcess b;
    private ServerProcess c;

    @BeforeAll
    void startUpstreamAndThreeReplicas() throws Exception {
        if (Stack.REDIS.isEmpty()) {
            System.err.println("LearnedClassesIT skipped: " + Stack.NO_REDIS);
            return;
        }
        stack = Stack.start();
        CompletableFuture<ServerProcess> startA =
                CompletableFuture.supplyAsync(() -> stack.gateway("gateway-a"), threads);
        CompletableFuture<ServerProcess> startB =
                CompletableFuture.supplyAsync(() -> stack.gateway("gateway-b"), threads);
        CompletableFuture<ServerProcess> startC = CompletableFuture.supplyAsync(
                () -> stack.gateway("gateway-c", Map.of("TURNSTILE_LEARN_ANNOTATIONS", "false")), threads);
        a = startA.join();
        b = startB.join();
        c = startC.join();
    }

    @BeforeEach
    void needsRedis() {
        assumeTrue(!Stack.REDIS.isEmpty(), Stack.NO_REDIS);
    }

    @AfterAll
    void stopAll() throws InterruptedException {
        threads.shutdownNow();
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void beforeAnyToolsListFetchInvoiceIsAWriteOnEveryReplica() throws Exception {
        try (RoutedClient client = RoutedClient.connect(a.endpoint, b.endpoint)) {
            List<Calls.Call> pair = pair(client, run + "-before", a, b);
            assertFalse(pair.get(0).overlaps(pair.get(1)), "a write overlapped its turn: " + pair);
            assertEquals(List.of("write", "write"), modes(pair), pair.toString());
        }
    }

    @Test
    @Order(2)
    void aToolsListSeenThroughOneReplicaMakesItAReadThroughBoth() throws Exception {
        try (RoutedClient client = RoutedClient.connect(a.endpoint, b.endpoint)) {
            assertEquals(Boolean.TRUE, hintOf(client.listTools(a.endpoint).tools()));
            awaitMode(client, b.endpoint, "read"); // what A learned reaches B
            List<Calls.Call> pair = pair(client, run + "-listed", a, b);
            assertTrue(pair.get(0).overlaps(pair.get(1)), "reads of one turn ran one after another: " + pair);
            assertEquals(List.of("read", "read"), modes(pair), pair.toString());
        }
    }

    @Test
    @Order(3)
    void aListChangedDropsTheLearnedReadUntilTheNextToolsList() throws Exception {
        InvoiceHints hints = new InvoiceHints();
        // the event stream (GET) goes through A; the lists the SDK fetches by itself after a notification go
        // straight to the upstream, so that no replica sees a tools/list but those the test sends
        try (RoutedClient client = RoutedClient.connect(a.endpoint, b.endpoint, stack.upstream.endpoint, hints)) {
            hints.set(client, b.endpoint, true); // a notification came through A's event stream
            assertTrue(client.sent("GET", a.endpoint) >= 1, "the client opened its event stream through A");
            assertEquals(Boolean.TRUE, hintOf(client.listTools(a.endpoint).tools()));
            awaitMode(client, b.endpoint, "read");

            hints.set(client, b.endpoint, false); // the upstream registers it again, readOnlyHint: false
            awaitMode(client, b.endpoint, "write");
            awaitMode(client, a.endpoint, "write");
            assertEquals(
                    1,
                    client.sent("POST list", a.endpoint),
                    "no replica saw a tools/list since: the" + " notification alone dropped the learned read");

            assertEquals(Boolean.FALSE, hintOf(client.listTools(a.endpoint).tools()));
            List<Calls.Call> writes = pair(client, run + "-false", a, b);
            assertFalse(writes.get(0).overlaps(writes.get(1)), "a write overlapped its turn: " + writes);
            assertEquals(List.of("write", "write"), modes(writes), writes.toString());

            hints.set(client, b.endpoint, true);
            assertEquals(
                    "write",
                    client.call(a.endpoint, null, TOOL, 0).get("mode"),
                    "a notification teaches nothing: the hint is learned from the next tools/list");
            assertEquals(Boolean.TRUE, hintOf(client.listTools(a.endpoint).tools()));
            awaitMode(client, b.endpoint, "read");
            List<Calls.Call> reads = pair(client, run + "-true-again", b, a);
            assertTrue(reads.get(0).overlaps(reads.get(1)), "reads of one turn ran one after another: " + reads);
            assertTrue(
                    client.sent("POST refresh", stack.upstream.endpoint) >= 3,
                    "the SDK fetched the list after each notification");
        }
    }

    @Test
    @Order(4)
    void aReplicaWithLearningOffKeepsItAWrite() throws Exception {
        try (RoutedClient client = RoutedClient.connect(c.endpoint, b.endpoint)) {
            // whatever the tests before left: the upstream registers the tool again, readOnlyHint: true (the
            // notifications reach only this client's event stream, through C, which learns nothing)
            assertEquals(
                    true,
                    client.call(b.endpoint, null, InvoiceHints.SET_TOOL, Map.of("read_only", true), null)
                            .get("readOnlyHint"));
            assertEquals(Boolean.TRUE, hintOf(client.listTools(c.endpoint).tools()));
            assertEquals(Boolean.TRUE, hintOf(client.listTools(a.endpoint).tools()));
            awaitMode(client, b.endpoint, "read"); // B uses what A learned
            List<Calls.Call> pair = pair(client, run + "-not-learning", c, c);
            assertFalse(pair.get(0).overlaps(pair.get(1)), "a write overlapped its turn: " + pair);
            assertEquals(List.of("write", "write"), modes(pair), pair.toString());
        }
    }

    /**
     * Two fetch_invoice calls of one turn: the first, through {@code first}, holds {@link #HOLD_MS}; once it
     * runs upstream (its first progress notification came back) the second goes through {@code second}. As a
     * read the second runs at once, beside the first; as a write it waits until the first has ended.
     */
    private List<Calls.Call> pair(RoutedClient client, String turn, ServerProcess first, ServerProcess second)
            throws Exception {
        String token = turn + "-first";
        CountDownLatch running = client.firstProgress(token);
        Future<Map<String, Object>> held =
                threads.submit(() -> client.call(first.endpoint, turn, TOOL, Map.of("hold_ms", HOLD_MS), token));
        assertTrue(running.await(60, TimeUnit.SECONDS), "the first call never ran upstream");
        Map<String, Object> next = client.call(second.endpoint, turn, TOOL, 0);
        return List.of(call(turn, first, held.get(60, TimeUnit.SECONDS)), call(turn, second, next));
    }

    private static Calls.Call call(String turn, ServerProcess via, Map<String, Object> reported) {
        return Calls.of(turn, TOOL, "write".equals(reported.get("mode")), via.name, reported);
    }

    private static List<Object> modes(List<Calls.Call> calls) {
        return calls.stream().map(call -> call.reported().get("mode")).toList();
    }
}
