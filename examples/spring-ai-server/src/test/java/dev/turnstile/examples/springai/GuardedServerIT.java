package dev.turnstile.examples.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Spring AI example end to end, with clients of the MCP Java SDK, against two servers that
 * {@code run} starts from the packaged jar: one guarded by Turnstile's auto-configuration (on the
 * Redis of {@code -Dturnstile.test.redis}, else the in-process store), one with
 * {@code TURNSTILE_ENABLED=false}. Overlaps are judged from the intervals the tools report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuardedServerIT {

    static final List<String> TOOLS = List.of("get_balance", "list_refunds", "lookup_charge", "create_refund",
            "delete_customer", "confirm_refund", "audit_note", "list_calls", "fetch_invoice", "set_invoice_hint");
    static final List<String> PLAIN_TOOLS = List.of("get_balance", "list_refunds", "lookup_charge", "create_refund",
            "delete_customer", "audit_note", "list_calls");
    private static final String REDIS = System.getProperty("turnstile.test.redis", "").trim();
    private static final Pattern ACQUIRED = Pattern.compile(
            "turnstile_acquire_seconds_count\\{[^}]*mode=\"write\"[^}]*outcome=\"acquired\"[^}]*} ([0-9.E]+)");

    ServerProcess guarded;
    ServerProcess unguarded;
    final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<McpSyncClient> clients = new ArrayList<>();

    @BeforeAll
    void startServers() throws Exception {
        Map<String, String> guardedEnv = new HashMap<>(Map.of("INSTANCE_ID", "guarded",
                "TURNSTILE_ACQUIRE_TIMEOUT", "30s"));
        if (!REDIS.isEmpty()) {
            guardedEnv.put("TURNSTILE_REDIS_URL", REDIS);
            guardedEnv.put("TURNSTILE_KEY_PREFIX", "exspring" + Long.toHexString(System.nanoTime()));
        }
        Map<String, String> unguardedEnv = Map.of("INSTANCE_ID", "unguarded", "TURNSTILE_ENABLED", "false");
        var one = CompletableFuture.supplyAsync(() -> start("spring-guarded", guardedEnv), threads);
        var two = CompletableFuture.supplyAsync(() -> start("spring-unguarded", unguardedEnv), threads);
        guarded = one.get(4, TimeUnit.MINUTES);
        unguarded = two.get(4, TimeUnit.MINUTES);
    }

    private static ServerProcess start(String name, Map<String, String> env) {
        try {
            return ServerProcess.start(name, env);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void cleanUp() {
        closeClients();
        threads.shutdownNow();
        for (ServerProcess server : new ServerProcess[] {guarded, unguarded}) {
            if (server != null && server.alive()) {
                server.kill();
            }
        }
    }

    McpSyncClient client(ServerProcess server) {
        return keep(Clients.connect(server.endpoint));
    }

    private McpSyncClient keep(McpSyncClient c) {
        synchronized (clients) {
            clients.add(c);
        }
        return c;
    }

    private void closeClients() {
        synchronized (clients) {
            clients.forEach(c -> {
                try {
                    c.closeGracefully();
                } catch (RuntimeException e) {
                    // the server may be gone
                }
            });
            clients.clear();
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> structured(McpSchema.CallToolResult result) {
        assertFalse(Boolean.TRUE.equals(result.isError()), () -> "tool error: " + result.content());
        return (Map<String, Object>) result.structuredContent();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String text) throws java.io.IOException {
        return McpJsonDefaults.getMapper().readValue(text, Map.class);
    }

    /** Runs the calls at the same moment (a barrier releases them together) and returns their runs. */
    @SafeVarargs
    final List<ToolRun> together(Supplier<McpSchema.CallToolResult>... calls) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(calls.length);
        List<CompletableFuture<ToolRun>> futures = new ArrayList<>();
        for (Supplier<McpSchema.CallToolResult> call : calls) {
            futures.add(CompletableFuture.supplyAsync(() -> {
                await(barrier);
                return ToolRun.of(call.get());
            }, threads));
        }
        List<ToolRun> runs = new ArrayList<>();
        for (CompletableFuture<ToolRun> f : futures) {
            runs.add(f.get(2, TimeUnit.MINUTES));
        }
        return runs;
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code threadsPerSession} threads per session make {@code calls} calls each: random tools, turns A, B or none. */
    List<ToolRun> workload(List<McpSyncClient> sessions, int threadsPerSession, int calls) throws Exception {
        List<CompletableFuture<List<ToolRun>>> workers = new ArrayList<>();
        CyclicBarrier barrier = new CyclicBarrier(sessions.size() * threadsPerSession);
        for (McpSyncClient session : sessions) {
            for (int t = 0; t < threadsPerSession; t++) {
                workers.add(CompletableFuture.supplyAsync(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    List<ToolRun> runs = new ArrayList<>();
                    await(barrier);
                    for (int i = 0; i < calls; i++) {
                        String tool = PLAIN_TOOLS.get(random.nextInt(PLAIN_TOOLS.size()));
                        String turn = switch (random.nextInt(3)) {
                            case 0 -> "A";
                            case 1 -> "B";
                            default -> null;
                        };
                        runs.add(ToolRun.of(Clients.call(session, tool, turn, 20 + random.nextInt(31))));
                    }
                    return runs;
                }, threads));
            }
        }
        List<ToolRun> all = new ArrayList<>();
        for (CompletableFuture<List<ToolRun>> w : workers) {
            all.addAll(w.get(3, TimeUnit.MINUTES));
        }
        return all;
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void printsExactlyTheReadyLine() {
        for (ServerProcess server : List.of(guarded, unguarded)) {
            assertEquals(List.of("listening on http://127.0.0.1:" + server.port + "/mcp"), server.stdout());
        }
    }

    @Test
    void listsTheToolsWithTheirHints() {
        Map<String, McpSchema.Tool> tools = client(guarded).listTools().tools().stream()
                .collect(Collectors.toMap(McpSchema.Tool::name, t -> t));
        assertEquals(Set.copyOf(TOOLS), tools.keySet());
        for (String read : List.of("get_balance", "list_refunds", "lookup_charge", "list_calls", "fetch_invoice")) {
            assertEquals(Boolean.TRUE, tools.get(read).annotations().readOnlyHint(), read);
        }
        for (String write : List.of("create_refund", "delete_customer", "confirm_refund", "audit_note",
                "set_invoice_hint")) {
            assertEquals(Boolean.FALSE, tools.get(write).annotations().readOnlyHint(), write);
        }
    }

    @Test
    void everyToolAnswersWithTheFieldsOfTheExampleServer() throws Exception {
        McpSyncClient c = client(guarded);
        c.listTools(); // fetch_invoice is a read once the guard has seen its readOnlyHint
        String hash = null;
        long lastFence = 0;
        for (String tool : TOOLS) {
            Map<String, Object> args = new HashMap<>(Map.of("hold_ms", 10));
            if (tool.equals("set_invoice_hint")) {
                args.put("read_only", true); // the hint it has
            }
            McpSchema.CallToolResult result = Clients.call(c, tool, "T-fields", args, null);
            Map<String, Object> s = structured(result);
            assertEquals(json(((McpSchema.TextContent) result.content().get(0)).text()), s,
                    "text content and structuredContent differ");
            for (String field : List.of("tool", "instance", "sessionHash", "turn", "mode", "fence",
                    "startedAtMicros", "endedAtMicros", "outcome")) {
                assertTrue(s.containsKey(field), tool + " lacks " + field + ": " + s);
            }
            assertEquals(tool, s.get("tool"));
            assertEquals("guarded", s.get("instance"));
            String sessionHash = (String) s.get("sessionHash");
            assertTrue(sessionHash.matches("[A-Za-z0-9_-]{22}"), sessionHash);
            hash = hash == null ? sessionHash : hash;
            assertEquals(hash, sessionHash, "one client, one session");
            assertEquals("T-fields", s.get("turn"));
            boolean read = ToolRun.READS.contains(tool) || tool.equals("fetch_invoice");
            assertEquals(read ? "read" : "write", s.get("mode"), tool);
            if (read) {
                assertNull(s.get("fence"), tool);
            } else {
                long fence = assertInstanceOf(Number.class, s.get("fence"), tool).longValue();
                assertTrue(fence > lastFence, "fences grow per session: " + fence + " after " + lastFence);
                lastFence = fence;
            }
            assertEquals("completed", s.get("outcome"));
        }
    }

    @Test
    void oneTurnPerSessionAtATime() throws Exception {
        McpSyncClient c = client(guarded);
        List<ToolRun> runs = together(
                () -> Clients.call(c, "get_balance", "A", 200),
                () -> Clients.call(c, "list_refunds", "B", 200),
                () -> Clients.call(c, "lookup_charge", null, 200));
        assertEquals(List.of(), ToolRun.violations(runs));
        assertFalse(runs.get(0).overlaps(runs.get(1)) || runs.get(1).overlaps(runs.get(2))
                || runs.get(0).overlaps(runs.get(2)), runs.toString());
    }

    /**
     * Three reads of a turn run together (each says so with a progress notification when it starts);
     * a write of the same turn sent while they run waits until they are done.
     */
    @Test
    void readsOfATurnOverlapAndAWriteOfTheTurnWaitsForThem() throws Exception {
        CountDownLatch running = new CountDownLatch(3);
        McpSyncClient c = keep(Clients.connect(guarded.endpoint, null, progress -> running.countDown()));
        List<CompletableFuture<ToolRun>> reads = new ArrayList<>();
        for (String tool : List.of("get_balance", "lookup_charge", "list_refunds")) { // lookup_*: turnstile.json
            reads.add(CompletableFuture.supplyAsync(() -> ToolRun.of(Clients.call(c, tool, "R",
                    Map.of("hold_ms", 1_500), tool)), threads));
        }
        assertTrue(running.await(60, TimeUnit.SECONDS), "the reads did not all start");
        ToolRun write = ToolRun.of(Clients.call(c, "create_refund", "R", 10));
        List<ToolRun> runs = new ArrayList<>();
        for (CompletableFuture<ToolRun> read : reads) {
            runs.add(read.get(2, TimeUnit.MINUTES));
        }
        assertTrue(runs.get(0).overlaps(runs.get(1)) && runs.get(1).overlaps(runs.get(2))
                && runs.get(0).overlaps(runs.get(2)), "reads of one turn ran one after another: " + runs);
        runs.add(write);
        assertEquals(List.of(), ToolRun.violations(runs));
    }

    @Test
    void aWriteRunsAloneInItsTurn() throws Exception {
        McpSyncClient c = client(guarded);
        List<ToolRun> runs = together(
                () -> Clients.call(c, "create_refund", "W", 200),
                () -> Clients.call(c, "delete_customer", "W", 200),
                () -> Clients.call(c, "audit_note", "W", 200),
                () -> Clients.call(c, "get_balance", "W", 200));
        assertEquals(List.of(), ToolRun.violations(runs));
    }

    @Test
    void differentSessionsOverlapWhileEachKeepsItsRules() throws Exception {
        McpSyncClient one = client(guarded);
        McpSyncClient two = client(guarded);
        List<ToolRun> runs = together(
                () -> Clients.call(one, "create_refund", "S", 400),
                () -> Clients.call(one, "delete_customer", "S", 400),
                () -> Clients.call(two, "create_refund", "S", 400),
                () -> Clients.call(two, "delete_customer", "S", 400));
        assertEquals(List.of(), ToolRun.violations(runs));
        boolean across = false;
        for (ToolRun a : runs) {
            for (ToolRun b : runs) {
                across |= !a.sessionHash().equals(b.sessionHash()) && a.overlaps(b);
            }
        }
        assertTrue(across, "two sessions waited for each other: " + runs);
    }

    @Test
    void manyThreadsOnTwoSessionsKeepTheRules() throws Exception {
        List<ToolRun> runs = workload(List.of(client(guarded), client(guarded)), 5, 8);
        assertEquals(80, runs.size());
        assertEquals(List.of(), ToolRun.violations(runs));
    }

    @Test
    void confirmRefundReturnsTheClientsAnswer() {
        Map<String, Object> s = structured(Clients.call(client(guarded), "confirm_refund", "C", 5));
        assertEquals("write", s.get("mode"));
        assertEquals(Map.of("action", "accept", "content", Map.of("confirm", true, "reason", "customer asked")),
                s.get("elicitation"));
    }

    @Test
    void withTurnstileDisabledWritesOverlapAndTheCheckerSeesIt() throws Exception {
        McpSyncClient c = client(unguarded);
        List<ToolRun> pair = together(
                () -> Clients.call(c, "create_refund", "X", 500),
                () -> Clients.call(c, "delete_customer", "X", 500));
        assertTrue(pair.get(0).overlaps(pair.get(1)), "unguarded writes did not overlap: " + pair);
        assertFalse(ToolRun.violations(pair).isEmpty());
        assertNull(pair.get(0).mode());
    }

    @Test
    void prometheusShowsTurnstilesMetersAfterCalls() throws Exception {
        double before = acquiredWrites(Http.get(guarded, "/actuator/prometheus"));
        McpSyncClient c = client(guarded);
        for (int i = 0; i < 3; i++) {
            structured(Clients.call(c, "create_refund", null, 1));
        }
        Http.Reply scrape = Http.get(guarded, "/actuator/prometheus");
        assertEquals(200, scrape.status());
        assertTrue(acquiredWrites(scrape) >= before + 3, "turnstile_acquire_seconds_count did not count the calls");
        for (String meter : List.of("turnstile_acquire_seconds_sum", "turnstile_hold_seconds_count",
                "turnstile_busy_total", "turnstile_lease_lost_total", "turnstile_backend_errors_total",
                "turnstile_fail_open_total", "turnstile_waiting", "turnstile_held")) {
            assertTrue(scrape.body().contains(meter), meter + " is not in the scrape");
        }
        assertFalse(Http.get(unguarded, "/actuator/prometheus").body().contains("turnstile_"),
                "turnstile.enabled=false still registered meters");
    }

    private static double acquiredWrites(Http.Reply scrape) {
        Matcher m = ACQUIRED.matcher(scrape.body());
        assertTrue(m.find(), "no turnstile_acquire_seconds_count{mode=write,outcome=acquired}:\n" + scrape.body());
        return Double.parseDouble(m.group(1));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theHealthIndicatorIsOffByDefault() throws Exception {
        Http.Reply health = Http.get(guarded, "/actuator/health");
        assertEquals(200, health.status(), health.body());
        Map<String, Object> components = (Map<String, Object>) json(health.body()).get("components");
        assertFalse(components.containsKey("turnstile"), health.body());
        assertEquals(200, Http.get(guarded, "/actuator/health/readiness").status());
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void stopsCleanlyOnSigterm() throws Exception {
        closeClients();
        for (ServerProcess server : List.of(guarded, unguarded)) {
            int code = server.stop();
            assertTrue(code == 0 || code == 143, server.name + " exited with " + code + "\n" + server.logTail());
            assertEquals(1, server.stdout().size(), server.name + " printed more: " + server.stdout());
        }
    }
}
