package dev.turnstile.examples.gateway;

import static dev.turnstile.examples.gateway.RawMcp.field;
import static dev.turnstile.examples.gateway.RawMcp.open;
import static dev.turnstile.examples.gateway.RawMcp.post;
import static dev.turnstile.examples.gateway.RawMcp.request;
import static dev.turnstile.examples.gateway.RawMcp.toolCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.turnstile.Turnstile;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gateway as deployed: the example MCP server as upstream (unguarded, it keeps the MCP sessions) and
 * two gateway replicas started with their {@code run} scripts, sharing the test Redis
 * ({@code -Dturnstile.test.redis=redis://host:port}; skipped without it). One official MCP Java SDK client
 * opens a session through replica A and spreads its calls over A and B; the upstream reports when each
 * tool ran, and the test checks the overlaps Turnstile forbids and the ones it allows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayIT {

    private static final Set<String> WRITES =
            Set.of("create_refund", "delete_customer", "confirm_refund", "audit_note");
    /** Replica B allows one more host and one origin besides loopback (ALLOWED_HOSTS / ALLOWED_ORIGINS). */
    private static final String B_HOST = "gateway.example.test";

    private static final String B_ORIGIN = "https://app.example.test";

    private final String run = "r" + Long.toHexString(new Random().nextLong() & 0xffffff);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private Stack stack;
    private ServerProcess a;
    private ServerProcess b;

    @BeforeAll
    void startUpstreamAndTwoReplicas() throws Exception {
        if (Stack.REDIS.isEmpty()) {
            System.err.println("GatewayIT skipped: " + Stack.NO_REDIS);
            return;
        }
        // the gateways forward Origin unchanged: the upstream allows B's extra origin too
        stack = Stack.start(Map.of(
                "ALLOWED_ORIGINS",
                "http://localhost:*,http://127.0.0.1:*,http://[::1]:*,"
                        + "https://localhost:*,https://127.0.0.1:*,https://[::1]:*," + B_ORIGIN));
        CompletableFuture<ServerProcess> startA =
                CompletableFuture.supplyAsync(() -> stack.gateway("gateway-a"), threads);
        CompletableFuture<ServerProcess> startB = CompletableFuture.supplyAsync(
                () -> stack.gateway(
                        "gateway-b",
                        Map.of("ALLOWED_HOSTS", "127.0.0.1:*," + B_HOST + ":*", "ALLOWED_ORIGINS", B_ORIGIN)),
                threads);
        a = startA.join();
        b = startB.join();
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
    void turnsTakeTurnsAndWritesRunAloneAcrossReplicas() throws Exception {
        try (RoutedClient client = RoutedClient.connect(a.endpoint, b.endpoint)) {
            List<String[]> plan = new ArrayList<>();
            for (int t = 1; t <= 4; t++) {
                for (String tool :
                        List.of("get_balance", "create_refund", "list_refunds", "delete_customer", "lookup_charge")) {
                    plan.add(new String[] {run + "-mixed-" + t, tool});
                }
            }
            Collections.shuffle(plan, new Random(42));
            List<Calls.Call> calls = runTogether(client, plan, 150);

            assertEquals(
                    1,
                    calls.stream()
                            .map(c -> c.reported().get("sessionHash"))
                            .distinct()
                            .count(),
                    "one MCP session across both replicas: " + calls);
            for (Calls.Call c : calls) {
                assertEquals(c.turn(), c.reported().get("turn"), "the turn header reached the upstream: " + c);
            }
            List<String> violations = Calls.violations(calls);
            assertTrue(violations.isEmpty(), String.join("\n", violations));
            assertEquals(10, client.sent("POST call", a.endpoint), "calls through replica A");
            assertEquals(10, client.sent("POST call", b.endpoint), "calls through replica B");
            stack.assertOnlyFenceKeysRemain();
        }
    }

    @Test
    void readsOfOneTurnRunTogetherAcrossReplicas() throws Exception {
        try (RoutedClient client = RoutedClient.connect(a.endpoint, b.endpoint)) {
            String turn = run + "-reads";
            List<String[]> plan = new ArrayList<>();
            for (String tool : List.of(
                    "get_balance", "list_refunds", "lookup_charge", "get_balance", "list_refunds", "lookup_charge")) {
                plan.add(new String[] {turn, tool});
            }
            long hold = 600;
            List<Calls.Call> calls = runTogether(client, plan, hold);

            for (Calls.Call c : calls) {
                // lookup_charge is a read only through the gateway's WEB-INF/turnstile.json
                assertTrue(
                        calls.stream().anyMatch(d -> d != c && d.overlaps(c)),
                        "every read of the turn ran beside another read: " + c + " in " + calls);
            }
            long span = calls.stream().mapToLong(Calls.Call::end).max().orElseThrow()
                    - calls.stream().mapToLong(Calls.Call::start).min().orElseThrow();
            assertTrue(span < 5 * hold * 1000, "6 reads of " + hold + " ms took " + span / 1000 + " ms: " + calls);
            assertTrue(Calls.maxConcurrency(calls) >= 2, "reads overlapped: " + calls);
            stack.assertOnlyFenceKeysRemain();
        }
    }

    @Test
    void anElicitationRoundTripsThroughTwoReplicas() throws Exception {
        try (RoutedClient client = RoutedClient.connect(a.endpoint, b.endpoint)) {
            // the call goes through A and holds its write place while the server asks the client; the
            // elicitation request streams back on the call's SSE response, and the answer goes through B
            Map<String, Object> result = client.call(a.endpoint, run + "-elicit", "confirm_refund", 0);
            @SuppressWarnings("unchecked")
            Map<String, Object> elicitation = (Map<String, Object>) result.get("elicitation");
            assertEquals("accept", elicitation.get("action"), "the answer reached the tool: " + result);
            assertEquals(Map.of("confirm", true, "reason", "through the gateway"), elicitation.get("content"));
            assertEquals(1, client.sent("POST answer", b.endpoint), "the client's answer went through replica B");
            // and the session is free again: a call of another turn goes straight through
            Map<String, Object> next = client.call(b.endpoint, run + "-after-elicit", "create_refund", 0);
            assertEquals(run + "-after-elicit", next.get("turn"));
            stack.assertOnlyFenceKeysRemain();
        }
    }

    @Test
    void theEventStreamAndSessionHeadersPassThroughEitherReplica() throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String session = open(http, b.endpoint); // initialize through B, notifications/initialized too

        // GET /mcp through A: the session's event stream stays open (neither rejected nor timed out)
        HttpRequest get = HttpRequest.newBuilder(a.endpoint)
                .GET()
                .header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", "2025-06-18")
                .build();
        CompletableFuture<HttpResponse<String>> stream = http.sendAsync(get, HttpResponse.BodyHandlers.ofString());
        Thread.sleep(1_000);
        assertTrue(!stream.isDone(), "the event stream through the gateway is still open: " + stream);

        // a tool call on that session through B
        HttpResponse<String> call = http.send(
                request(b.endpoint, session, run + "-raw", toolCall(2, "get_balance", 0)),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, call.statusCode());
        assertTrue(
                call.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                "the call's answer is an event stream: " + call.headers().map());
        assertEquals(run + "-raw", field(call.body(), "turn"), "X-Mcp-Turn-Id reached the upstream");

        // DELETE through A ends the session upstream, which ends the event stream held open through A
        HttpRequest delete = HttpRequest.newBuilder(a.endpoint)
                .DELETE()
                .header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", "2025-06-18")
                .build();
        assertEquals(
                200, http.send(delete, HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> ended = stream.get(10, TimeUnit.SECONDS);
        assertEquals(200, ended.statusCode());
        assertTrue(
                ended.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                "an event stream: " + ended.headers().map());

        // the upstream's answers for an ended session pass through unchanged
        assertEquals(
                404,
                post(http, b.endpoint, session, toolCall(3, "get_balance", 0)).statusCode());
        assertEquals(404, http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode());
        stack.assertOnlyFenceKeysRemain();
    }

    @Test
    void aHostOrOriginThatIsNotAllowedIsRefusedBeforeAnyLockAndNeverForwarded() throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String session = open(http, a.endpoint);
        String hash = Turnstile.sessionHash(session);
        int port = a.endpoint.getPort();
        for (Map<String, String> bad : List.of(
                Map.of("Host", "attacker.example:" + port),
                Map.of("Host", "localhost.attacker.example:" + port),
                Map.of("Origin", "http://attacker.example"),
                Map.of("Origin", "null"),
                Map.of("Origin", "http://localhost.attacker.example"))) {
            RawHttp.Reply reply = rawCall(a, session, bad, toolCall(2, "create_refund", 0));
            assertEquals(403, reply.status(), bad + ": " + reply);
            assertTrue(
                    reply.body().contains("\"id\":null") && reply.body().contains("_not_allowed\""),
                    "a JSON-RPC error without an id: " + reply.body());
            assertEquals(Set.of(), stack.keys(hash), "a refused request took a place: " + bad);
        }
        // nothing was forwarded: the upstream ran no call in the session
        HttpResponse<String> listed = post(http, a.endpoint, session, toolCall(3, "list_calls", 0));
        assertEquals(List.of(), RawMcp.calls(RawMcp.structured(listed.body(), 3)));
        // loopback in any spelling, and pages served from loopback, are allowed by default
        for (Map<String, String> good : List.of(
                Map.of("Host", "localhost:" + port),
                Map.of("Host", "[::1]:" + port),
                Map.of("Host", "LocalHost"),
                Map.of("Origin", "http://localhost:5173"),
                Map.of("Origin", "https://127.0.0.1"))) {
            assertEquals(
                    200,
                    rawCall(a, session, good, toolCall(4, "get_balance", 0)).status(),
                    good.toString());
        }
    }

    @Test
    void aConfiguredHostAndOriginAreAllowedInsteadOfTheDefaults() throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String session = open(http, b.endpoint);
        int port = b.endpoint.getPort();
        for (Map<String, String> good :
                List.of(Map.of("Host", B_HOST + ":" + port), Map.of("Host", B_HOST), Map.of("Origin", B_ORIGIN))) {
            assertEquals(
                    200,
                    rawCall(b, session, good, toolCall(2, "get_balance", 0)).status(),
                    good.toString());
        }
        // each list replaces its default: loopback names and origins are no longer allowed on B
        for (Map<String, String> bad : List.of(
                Map.of("Host", "localhost:" + port),
                Map.of("Origin", "http://127.0.0.1:" + port),
                Map.of("Origin", B_ORIGIN + ":8443"))) {
            assertEquals(
                    403, rawCall(b, session, bad, toolCall(3, "get_balance", 0)).status(), bad.toString());
        }
    }

    @Test
    void aReplicaKilledMidCallFreesTheSessionWithinOneLease() throws Exception {
        ServerProcess c = stack.gateway("gateway-c");
        try {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            String session = open(http, a.endpoint);
            String hash = field(
                    post(http, a.endpoint, session, toolCall(2, "get_balance", 0))
                            .body(),
                    "sessionHash");
            // a write through C that would hold its place for 10 s
            CompletableFuture<HttpResponse<String>> doomed = http.sendAsync(
                    request(c.endpoint, session, run + "-crash", toolCall(3, "create_refund", 10_000)),
                    HttpResponse.BodyHandlers.ofString());
            stack.awaitPlaceHeld(hash);
            c.kill(); // SIGKILL: no release, no more renewals
            Instant killed = Instant.now();

            // another turn through B waits for the dead replica's place to expire, then runs
            HttpResponse<String> next = http.send(
                    request(b.endpoint, session, run + "-after-crash", toolCall(4, "create_refund", 0)),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, next.statusCode(), next.body());
            long waitedMs = Long.parseLong(field(next.body(), "startedAtMicros")) / 1000 - killed.toEpochMilli();
            assertTrue(
                    waitedMs < Stack.LEASE.toMillis() + 3_000,
                    "the next turn got the session " + waitedMs + " ms after the kill (lease " + Stack.LEASE + ")");
            assertTrue(waitedMs > 0, "the next turn waited for the dead replica's place: " + waitedMs + " ms");
            stack.assertOnlyFenceKeysRemain();
            doomed.cancel(true);
        } finally {
            stack.stop(c);
        }
    }

    /** A tools/call in {@code session} over a plain socket, with {@code extra} headers (Host may be one). */
    private RawHttp.Reply rawCall(ServerProcess via, String session, Map<String, String> extra, String body)
            throws IOException {
        Map<String, String> headers = new HashMap<>(RawMcp.headers(session, run + "-raw", RawMcp.LEGACY));
        headers.putAll(extra);
        return RawHttp.exchange(via.endpoint, headers, body);
    }

    /** Runs {turn, tool} pairs at once, alternating replicas A and B; the calls as the upstream ran them. */
    private List<Calls.Call> runTogether(RoutedClient client, List<String[]> plan, long holdMs) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Calls.Call>> futures = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            String turn = plan.get(i)[0];
            String tool = plan.get(i)[1];
            ServerProcess via = i % 2 == 0 ? a : b;
            futures.add(threads.submit(() -> {
                go.await();
                return Calls.of(
                        turn, tool, WRITES.contains(tool), via.name, client.call(via.endpoint, turn, tool, holdMs));
            }));
        }
        go.countDown();
        List<Calls.Call> calls = new ArrayList<>();
        for (Future<Calls.Call> f : futures) {
            calls.add(f.get(120, TimeUnit.SECONDS));
        }
        return calls;
    }
}
