package dev.turnstile.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;

/**
 * The gateway as deployed: the example MCP server as upstream (unguarded, it keeps the MCP sessions) and
 * two gateway replicas started with their {@code run} scripts, sharing the test Redis
 * ({@code -Dturnstile.test.redis=redis://host:port}; skipped without it). One official MCP Java SDK client
 * opens a session through replica A and spreads its calls over A and B; the upstream reports when each
 * tool ran, and the test checks the overlaps Turnstile forbids and the ones it allows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayIT {

    private static final String REDIS = System.getProperty("turnstile.test.redis", "").trim();
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Set<String> WRITES = Set.of("create_refund", "delete_customer", "confirm_refund", "audit_note");

    private final String prefix = "gwit" + Long.toHexString(System.nanoTime());
    private final String run = "r" + Long.toHexString(new Random().nextLong() & 0xffffff);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<ServerProcess> servers = Collections.synchronizedList(new ArrayList<>());
    private ServerProcess upstream;
    private ServerProcess a;
    private ServerProcess b;

    private static final String NO_REDIS = "turnstile.test.redis is not set: the gateway tests need the Redis that "
            + "the replicas share; run with -Dturnstile.test.redis=redis://127.0.0.1:PORT (redis_start_standalone "
            + "in scripts/redis-env.sh starts a throwaway one)";

    @BeforeAll
    void startUpstreamAndTwoReplicas() throws Exception {
        if (REDIS.isEmpty()) {
            System.err.println("GatewayIT skipped: " + NO_REDIS);
            return;
        }
        Path upstreamRun = Path.of(System.getProperty("gateway.upstream.run", "../mcp-server/run"));
        assertTrue(Files.isExecutable(upstreamRun), "the upstream's run script is missing: " + upstreamRun);
        // build the upstream only when it has never been built (its run script knows how)
        boolean built = Files.isRegularFile(upstreamRun.resolveSibling("target/mcp-server.war"));
        upstream = start("upstream", upstreamRun, Map.of("TURNSTILE_ENABLED", "false", "INSTANCE_ID", "upstream",
                "BUILD", built ? "never" : "auto"), Duration.ofMinutes(5));
        CompletableFuture<ServerProcess> startA = CompletableFuture.supplyAsync(() -> gateway("gateway-a"), threads);
        CompletableFuture<ServerProcess> startB = CompletableFuture.supplyAsync(() -> gateway("gateway-b"), threads);
        a = startA.join();
        b = startB.join();
    }

    @BeforeEach
    void needsRedis() {
        assumeTrue(!REDIS.isEmpty(), NO_REDIS);
    }

    @AfterAll
    void stopAll() throws InterruptedException {
        threads.shutdownNow();
        List<ServerProcess> all = new ArrayList<>(servers);
        Collections.reverse(all);
        for (ServerProcess server : all) {
            server.close(); // SIGTERM; fails the run if a server does not stop within 30 s
        }
    }

    @Test
    void turnsTakeTurnsAndWritesRunAloneAcrossReplicas() throws Exception {
        try (RoutedClient client = RoutedClient.connect(a.endpoint, b.endpoint)) {
            List<String[]> plan = new ArrayList<>();
            for (int t = 1; t <= 4; t++) {
                for (String tool : List.of("get_balance", "create_refund", "list_refunds", "delete_customer", "lookup_charge")) {
                    plan.add(new String[] {run + "-mixed-" + t, tool});
                }
            }
            Collections.shuffle(plan, new Random(42));
            List<Calls.Call> calls = runTogether(client, plan, 150);

            assertEquals(1, calls.stream().map(c -> c.reported().get("sessionHash")).distinct().count(),
                    "one MCP session across both replicas: " + calls);
            for (Calls.Call c : calls) {
                assertEquals(c.turn(), c.reported().get("turn"), "the turn header reached the upstream: " + c);
            }
            List<String> violations = Calls.violations(calls);
            assertTrue(violations.isEmpty(), String.join("\n", violations));
            assertEquals(10, client.sent("POST call", a.endpoint), "calls through replica A");
            assertEquals(10, client.sent("POST call", b.endpoint), "calls through replica B");
            assertOnlyFenceKeysRemain();
        }
    }

    @Test
    void readsOfOneTurnRunTogetherAcrossReplicas() throws Exception {
        try (RoutedClient client = RoutedClient.connect(a.endpoint, b.endpoint)) {
            String turn = run + "-reads";
            List<String[]> plan = new ArrayList<>();
            for (String tool : List.of("get_balance", "list_refunds", "lookup_charge", "get_balance", "list_refunds", "lookup_charge")) {
                plan.add(new String[] {turn, tool});
            }
            long hold = 600;
            List<Calls.Call> calls = runTogether(client, plan, hold);

            for (Calls.Call c : calls) {
                // lookup_charge is a read only through the gateway's WEB-INF/turnstile.json
                assertTrue(calls.stream().anyMatch(d -> d != c && d.overlaps(c)),
                        "every read of the turn ran beside another read: " + c + " in " + calls);
            }
            long span = calls.stream().mapToLong(Calls.Call::end).max().orElseThrow()
                    - calls.stream().mapToLong(Calls.Call::start).min().orElseThrow();
            assertTrue(span < 5 * hold * 1000, "6 reads of " + hold + " ms took " + span / 1000 + " ms: " + calls);
            assertTrue(Calls.maxConcurrency(calls) >= 2, "reads overlapped: " + calls);
            assertOnlyFenceKeysRemain();
        }
    }

    @Test
    void anElicitationRoundTripsThroughTwoReplicas() {
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
            assertOnlyFenceKeysRemain();
        }
    }

    @Test
    void theEventStreamAndSessionHeadersPassThroughEitherReplica() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String session = open(http, b.endpoint); // initialize through B, notifications/initialized too

        // GET /mcp through A: the session's event stream stays open (neither rejected nor timed out)
        HttpRequest get = HttpRequest.newBuilder(a.endpoint).GET()
                .header("Accept", "text/event-stream").header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", "2025-06-18").build();
        CompletableFuture<HttpResponse<String>> stream = http.sendAsync(get, HttpResponse.BodyHandlers.ofString());
        Thread.sleep(1_000);
        assertTrue(!stream.isDone(), "the event stream through the gateway is still open: " + stream);

        // a tool call on that session through B
        HttpResponse<String> call = http.send(request(b.endpoint, session, run + "-raw",
                toolCall(2, "get_balance", 0)), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, call.statusCode());
        assertTrue(call.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                "the call's answer is an event stream: " + call.headers().map());
        assertEquals(run + "-raw", field(call.body(), "turn"), "X-Mcp-Turn-Id reached the upstream");

        // DELETE through A ends the session upstream, which ends the event stream held open through A
        HttpRequest delete = HttpRequest.newBuilder(a.endpoint).DELETE().header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", "2025-06-18").build();
        assertEquals(200, http.send(delete, HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> ended = stream.get(10, TimeUnit.SECONDS);
        assertEquals(200, ended.statusCode());
        assertTrue(ended.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                "an event stream: " + ended.headers().map());

        // the upstream's answers for an ended session pass through unchanged
        assertEquals(404, post(http, b.endpoint, session, toolCall(3, "get_balance", 0)).statusCode());
        assertEquals(404, http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertOnlyFenceKeysRemain();
    }

    @Test
    void aReplicaKilledMidCallFreesTheSessionWithinOneLease() throws Exception {
        ServerProcess c = gateway("gateway-c");
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String session = open(http, a.endpoint);
            String hash = field(post(http, a.endpoint, session, toolCall(2, "get_balance", 0)).body(), "sessionHash");
            // a write through C that would hold its place for 10 s
            CompletableFuture<HttpResponse<String>> doomed = http.sendAsync(
                    request(c.endpoint, session, run + "-crash", toolCall(3, "create_refund", 10_000)),
                    HttpResponse.BodyHandlers.ofString());
            String places = prefix + ":{" + hash + "}:places";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (redis(j -> j.zcard(places)) == 0) {
                assertTrue(System.nanoTime() < deadline, "the held write never showed up in Redis");
                Thread.sleep(20);
            }
            c.kill(); // SIGKILL: no release, no more renewals
            Instant killed = Instant.now();

            // another turn through B waits for the dead replica's place to expire, then runs
            HttpResponse<String> next = http.send(request(b.endpoint, session, run + "-after-crash",
                    toolCall(4, "create_refund", 0)), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, next.statusCode(), next.body());
            long waitedMs = Long.parseLong(field(next.body(), "startedAtMicros")) / 1000 - killed.toEpochMilli();
            assertTrue(waitedMs < LEASE.toMillis() + 3_000,
                    "the next turn got the session " + waitedMs + " ms after the kill (lease " + LEASE + ")");
            assertTrue(waitedMs > 0, "the next turn waited for the dead replica's place: " + waitedMs + " ms");
            assertOnlyFenceKeysRemain();
            doomed.cancel(true);
        } finally {
            servers.remove(c);
            c.close();
        }
    }

    private ServerProcess gateway(String name) {
        Map<String, String> env = new HashMap<>();
        env.put("BUILD", "never"); // the Maven build under test has just packaged it
        env.put("UPSTREAM_URL", upstream.endpoint.toString());
        env.put("INSTANCE_ID", name);
        env.put("TURNSTILE_REDIS_URL", REDIS);
        env.put("TURNSTILE_KEY_PREFIX", prefix);
        env.put("TURNSTILE_LEASE", LEASE.toSeconds() + "s");
        env.put("TURNSTILE_ACQUIRE_TIMEOUT", "30s");
        try {
            return start(name, Path.of(System.getProperty("gateway.run", "run")), env, Duration.ofSeconds(90));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private ServerProcess start(String name, Path script, Map<String, String> env, Duration within)
            throws IOException, InterruptedException {
        ServerProcess server = ServerProcess.start(name, script, env, within);
        servers.add(server);
        return server;
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
                return Calls.of(turn, tool, WRITES.contains(tool), via.name, client.call(via.endpoint, turn, tool, holdMs));
            }));
        }
        go.countDown();
        List<Calls.Call> calls = new ArrayList<>();
        for (Future<Calls.Call> f : futures) {
            calls.add(f.get(120, TimeUnit.SECONDS));
        }
        return calls;
    }

    /** When no call is in flight, the only key left of any session is its fence counter (lock keys are gone). */
    private void assertOnlyFenceKeysRemain() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3); // a release follows the response closely
        Set<String> locks;
        do {
            locks = redis(j -> new TreeSet<>(j.keys(prefix + ":*"))).stream()
                    .filter(k -> !k.endsWith(":fence")).collect(Collectors.toCollection(TreeSet::new));
            if (locks.isEmpty()) {
                return;
            }
            sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("lock keys left after the calls: " + locks);
    }

    private static <T> T redis(java.util.function.Function<Jedis, T> command) {
        try (Jedis jedis = new Jedis(URI.create(REDIS))) {
            return command.apply(jedis);
        }
    }

    private static String open(HttpClient http, URI endpoint) throws IOException, InterruptedException {
        HttpResponse<String> init = post(http, endpoint, null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                 "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        String session = init.headers().firstValue("Mcp-Session-Id")
                .orElseThrow(() -> new AssertionError("no Mcp-Session-Id through the gateway: " + init.statusCode()));
        assertEquals(202, post(http, endpoint, session,
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode());
        return session;
    }

    private static String toolCall(int id, String tool, long holdMs) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{\"hold_ms\":" + holdMs + "}}}";
    }

    /** A field of the tool's structuredContent, from the raw (JSON or SSE) response body. */
    private static String field(String body, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("\"structuredContent\":\\{.*?\"" + name + "\":\"?([^\",}]+)").matcher(body);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + body);
        }
        return m.group(1);
    }

    private static HttpRequest request(URI endpoint, String session, String turn, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2025-06-18")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session);
        }
        if (turn != null) {
            request.header(RoutedClient.TURN_HEADER, turn);
        }
        return request.build();
    }

    private static HttpResponse<String> post(HttpClient http, URI endpoint, String session, String body)
            throws IOException, InterruptedException {
        return http.send(request(endpoint, session, null, body), HttpResponse.BodyHandlers.ofString());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
