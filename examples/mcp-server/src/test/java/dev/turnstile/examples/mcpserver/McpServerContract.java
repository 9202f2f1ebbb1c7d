package dev.turnstile.examples.mcpserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.Turnstile;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The example server's contract, checked with the official MCP Java SDK client against two servers
 * started by {@code run}: one guarded by Turnstile, one with {@code TURNSTILE_ENABLED=false}.
 * Overlaps are judged from the intervals the tools themselves report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class McpServerContract {

    static final List<String> TOOLS = List.of(
            "get_balance",
            "list_refunds",
            "lookup_charge",
            "create_refund",
            "delete_customer",
            "confirm_refund",
            "audit_note",
            "list_calls",
            "fetch_invoice",
            "set_invoice_hint");
    /** The tools of the MCP conformance suite (e2e/conformance) that only read: annotated readOnlyHint true. */
    static final List<String> CONFORMANCE_READS = List.of(
            "test_simple_text",
            "test_image_content",
            "test_audio_content",
            "test_embedded_resource",
            "test_multiple_content_types",
            "test_tool_with_logging",
            "test_error_handling",
            "test_tool_with_progress",
            "json_schema_2020_12_tool");
    /** The suite's tools that sample or elicit: writes, annotated readOnlyHint false. */
    static final List<String> CONFORMANCE_WRITES = List.of(
            "test_sampling", "test_elicitation", "test_elicitation_sep1034_defaults", "test_elicitation_sep1330_enums");
    /** Every tool but confirm_refund, which needs a client answer. */
    static final List<String> PLAIN_TOOLS = List.of(
            "get_balance",
            "list_refunds",
            "lookup_charge",
            "create_refund",
            "delete_customer",
            "audit_note",
            "list_calls");
    /** The guarded server allows one more host and one origin, instead of loopback (ALLOWED_HOSTS / ALLOWED_ORIGINS). */
    static final String EXTRA_HOST = "mcp.example.test";

    static final String EXTRA_ORIGIN = "https://app.example.test";

    ServerProcess guarded;
    ServerProcess unguarded;
    final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<McpSyncClient> clients = new ArrayList<>();

    /** The store's name, for instance ids and logs. */
    abstract String store();

    /** TURNSTILE_* variables that select the store. */
    abstract Map<String, String> storeEnv(String server);

    /** Checks that no call took a place in the guarded server's session {@code sessionHash}, where the store shows it. */
    void assertNoPlaceTaken(String sessionHash) {
        // the in-process store cannot be seen from outside the server
    }

    @BeforeAll
    void startServers() throws Exception {
        Map<String, String> guardedEnv = new HashMap<>(storeEnv("guarded"));
        guardedEnv.put("INSTANCE_ID", store() + "-guarded");
        guardedEnv.put("TURNSTILE_ACQUIRE_TIMEOUT", "30s");
        guardedEnv.put("ALLOWED_HOSTS", "127.0.0.1:*," + EXTRA_HOST + ":*");
        guardedEnv.put("ALLOWED_ORIGINS", EXTRA_ORIGIN);
        Map<String, String> unguardedEnv = new HashMap<>(storeEnv("unguarded"));
        unguardedEnv.put("INSTANCE_ID", store() + "-unguarded");
        unguardedEnv.put("TURNSTILE_ENABLED", "false");
        var one = CompletableFuture.supplyAsync(() -> start(store() + "-guarded", guardedEnv), threads);
        var two = CompletableFuture.supplyAsync(() -> start(store() + "-unguarded", unguardedEnv), threads);
        guarded = one.get(3, TimeUnit.MINUTES);
        unguarded = two.get(3, TimeUnit.MINUTES);
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

    /** A client that tells {@code hints} of each tool list it fetches after notifications/tools/list_changed. */
    McpSyncClient client(ServerProcess server, InvoiceHints hints) {
        return keep(Clients.connectWatchingTools(server.endpoint, hints));
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

    /** The calls of a {@code list_calls} answer (a JSON-RPC message). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> calls(String message) throws java.io.IOException {
        Map<String, Object> result = (Map<String, Object>) RawMcp.parse(message).get("result");
        return (List<Map<String, Object>>) ((Map<String, Object>) result.get("structuredContent")).get("calls");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> structured(McpSchema.CallToolResult result) {
        assertFalse(Boolean.TRUE.equals(result.isError()), () -> "tool error: " + result.content());
        return (Map<String, Object>) result.structuredContent();
    }

    static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    /** Runs the calls at the same moment (a barrier releases them together) and returns their runs. */
    @SafeVarargs
    final List<ToolRun> together(Supplier<McpSchema.CallToolResult>... calls) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(calls.length);
        List<CompletableFuture<ToolRun>> futures = new ArrayList<>();
        for (Supplier<McpSchema.CallToolResult> call : calls) {
            futures.add(CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            barrier.await(30, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        return ToolRun.of(call.get());
                    },
                    threads));
        }
        List<ToolRun> runs = new ArrayList<>();
        for (CompletableFuture<ToolRun> f : futures) {
            runs.add(f.get(2, TimeUnit.MINUTES));
        }
        return runs;
    }

    /**
     * {@code threadsPerSession} threads on each session make {@code calls} calls each: random tools,
     * turns A, B or none, hold_ms 20..50.
     */
    List<ToolRun> workload(List<McpSyncClient> sessions, int threadsPerSession, int calls) throws Exception {
        List<CompletableFuture<List<ToolRun>>> workers = new ArrayList<>();
        CyclicBarrier barrier = new CyclicBarrier(sessions.size() * threadsPerSession);
        for (McpSyncClient session : sessions) {
            for (int t = 0; t < threadsPerSession; t++) {
                workers.add(CompletableFuture.supplyAsync(
                        () -> {
                            ThreadLocalRandom random = ThreadLocalRandom.current();
                            List<ToolRun> runs = new ArrayList<>();
                            try {
                                barrier.await(30, TimeUnit.SECONDS);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
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
                        },
                        threads));
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
        McpSyncClient c = client(guarded);
        Map<String, McpSchema.Tool> tools =
                c.listTools().tools().stream().collect(Collectors.toMap(McpSchema.Tool::name, t -> t));
        Set<String> all = new java.util.HashSet<>(TOOLS);
        all.addAll(CONFORMANCE_READS);
        all.addAll(CONFORMANCE_WRITES);
        assertEquals(all, tools.keySet());
        List<String> reads = new ArrayList<>(List.of("get_balance", "list_refunds", "fetch_invoice"));
        reads.addAll(CONFORMANCE_READS);
        for (String read : reads) {
            assertEquals(Boolean.TRUE, tools.get(read).annotations().readOnlyHint(), read);
        }
        List<String> writes = new ArrayList<>(
                List.of("create_refund", "delete_customer", "confirm_refund", "audit_note", "set_invoice_hint"));
        writes.addAll(CONFORMANCE_WRITES);
        for (String write : writes) {
            assertEquals(Boolean.FALSE, tools.get(write).annotations().readOnlyHint(), write);
        }
        for (String name : TOOLS) {
            @SuppressWarnings("unchecked")
            Map<String, Object> props =
                    (Map<String, Object>) tools.get(name).inputSchema().get("properties");
            assertTrue(props.containsKey("hold_ms"), name);
        }
    }

    @Test
    void everyToolAnswersWithTheContractFields() throws Exception {
        McpSyncClient c = client(guarded);
        c.listTools(); // fetch_invoice is a read once the guard has seen its readOnlyHint
        InvoiceHints.awaitMode(c, "read");
        String hash = null;
        long lastFence = 0;
        for (String tool : TOOLS) {
            for (String turn : new String[] {"T-fields", null}) {
                Map<String, Object> args = new HashMap<>(Map.of("hold_ms", 10));
                if (tool.equals(InvoiceHints.SET_TOOL)) {
                    args.put("read_only", true); // the hint it has: registered again, still a read once listed
                }
                McpSchema.CallToolResult result = Clients.call(c, tool, turn, args);
                Map<String, Object> s = structured(result);
                assertEquals(RawMcp.parse(text(result)), s, "text content and structuredContent differ");
                for (String field : List.of(
                        "tool",
                        "instance",
                        "sessionHash",
                        "turn",
                        "mode",
                        "fence",
                        "startedAtMicros",
                        "endedAtMicros",
                        "outcome")) {
                    assertTrue(s.containsKey(field), tool + " lacks " + field + ": " + s);
                }
                assertEquals(tool, s.get("tool"));
                assertEquals(store() + "-guarded", s.get("instance"));
                String sessionHash = (String) s.get("sessionHash");
                assertTrue(sessionHash.matches("[A-Za-z0-9_-]{22}"), sessionHash);
                if (hash == null) {
                    hash = sessionHash;
                }
                assertEquals(hash, sessionHash, "one client, one session");
                assertEquals(turn, s.get("turn"));
                boolean read = ToolRun.READS.contains(tool) || tool.equals(InvoiceHints.TOOL);
                assertEquals(read ? "read" : "write", s.get("mode"), tool);
                if (read) {
                    assertNull(s.get("fence"), tool);
                } else {
                    long fence =
                            assertInstanceOf(Number.class, s.get("fence"), tool).longValue();
                    assertTrue(fence > lastFence, "fences grow per session: " + fence + " after " + lastFence);
                    lastFence = fence;
                }
                long start = ((Number) s.get("startedAtMicros")).longValue();
                long end = ((Number) s.get("endedAtMicros")).longValue();
                assertTrue(end - start >= 10_000, "held 10 ms: " + start + ".." + end);
                assertTrue(Math.abs(Interval.nowMicros() - end) < 60_000_000L, "wall clock µs: " + end);
            }
        }
    }

    @Test
    @Order(2)
    void fetchInvoiceIsAWriteUntilTheGuardHasSeenItsReadOnlyHintAndFollowsTheHintWhenItChanges() throws Exception {
        InvoiceHints hints = new InvoiceHints();
        McpSyncClient c = client(guarded, hints);
        // no tools/list has passed the guard yet, and the name has no read prefix and no rule: a write
        List<ToolRun> writes = together(
                () -> Clients.call(c, "fetch_invoice", "I-before", 300),
                () -> Clients.call(c, "fetch_invoice", "I-before", 300));
        assertFalse(writes.get(0).overlaps(writes.get(1)), "a write overlapped its turn: " + writes);
        assertEquals(
                List.of("write", "write"), writes.stream().map(ToolRun::mode).toList(), writes.toString());

        c.listTools(); // the server's answer says readOnlyHint: true
        InvoiceHints.awaitMode(c, "read");
        List<ToolRun> reads = together(
                () -> Clients.call(c, "fetch_invoice", "I-after", 500),
                () -> Clients.call(c, "fetch_invoice", "I-after", 500));
        assertTrue(reads.get(0).overlaps(reads.get(1)), "reads of one turn ran one after another: " + reads);

        // the server registers the tool again with readOnlyHint: false, and says so (list_changed)
        hints.set(c, false);
        InvoiceHints.awaitMode(c, "write");
        hints.set(c, true);
        InvoiceHints.awaitMode(c, "read");
    }

    @Test
    void setInvoiceHintNeedsABooleanReadOnly() {
        McpSyncClient c = client(guarded);
        for (Map<String, Object> bad :
                List.<Map<String, Object>>of(Map.of(), Map.of("read_only", "false"), Map.of("read_only", 0))) {
            McpSchema.CallToolResult result = Clients.call(c, InvoiceHints.SET_TOOL, null, bad);
            assertEquals(Boolean.TRUE, result.isError(), bad + ": " + result);
        }
        assertEquals(
                Boolean.TRUE,
                c.listTools().tools().stream()
                        .filter(t -> t.name().equals(InvoiceHints.TOOL))
                        .findFirst()
                        .orElseThrow()
                        .annotations()
                        .readOnlyHint(),
                "a refused call changed nothing");
    }

    @Test
    void withoutItsOwnFilterTheServerReportsTheModeAndFenceAGatewaySent() throws Exception {
        Map<String, String> gateway = Map.of("Turnstile-Mode", "read", "Turnstile-Fence", "42");
        Map<String, Object> s =
                structuredOf(RawMcp.open(unguarded.endpoint).callTool("G", 2, "create_refund", "{}", gateway));
        assertEquals("read", s.get("mode"), s.toString());
        assertEquals(42L, ((Number) s.get("fence")).longValue(), s.toString());
        Map<String, String> malformed = Map.of("Turnstile-Mode", "exclusive", "Turnstile-Fence", "-1");
        s = structuredOf(RawMcp.open(unguarded.endpoint).callTool("G", 2, "create_refund", "{}", malformed));
        assertTrue(s.get("mode") == null && s.get("fence") == null, s.toString());
        // a server whose own filter holds the place reports its own decision
        s = structuredOf(RawMcp.open(guarded.endpoint).callTool("G", 2, "create_refund", "{}", gateway));
        assertEquals("write", s.get("mode"), s.toString());
        assertNotEquals(42L, ((Number) s.get("fence")).longValue(), s.toString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> structuredOf(String message) throws java.io.IOException {
        Map<String, Object> result = (Map<String, Object>) RawMcp.parse(message).get("result");
        return (Map<String, Object>) result.get("structuredContent");
    }

    @Test
    void sessionHashIsTheHashOfTheSessionIdNeverTheId() throws Exception {
        for (ServerProcess server : List.of(guarded, unguarded)) {
            RawMcp raw = RawMcp.open(server.endpoint);
            String message = raw.callTool("raw-turn", 7, "create_refund", "{\"hold_ms\":1}");
            assertFalse(message.contains(raw.sessionId), "the raw session id is in the answer: " + message);
            @SuppressWarnings("unchecked")
            Map<String, Object> s = (Map<String, Object>)
                    ((Map<String, Object>) RawMcp.parse(message).get("result")).get("structuredContent");
            assertEquals(Turnstile.sessionHash(raw.sessionId), s.get("sessionHash"), server.name);
            assertEquals("raw-turn", s.get("turn"), server.name);
        }
    }

    @Test
    void aHostOrOriginThatIsNotAllowedIsRefusedBeforeTheGuard() throws Exception {
        RawMcp raw = RawMcp.open(guarded.endpoint);
        String hash = Turnstile.sessionHash(raw.sessionId);
        for (Map<String, String> bad : List.of(
                Map.of("Host", "attacker.example:" + guarded.port),
                Map.of("Host", "localhost:" + guarded.port),
                Map.of("Origin", "http://attacker.example"),
                Map.of("Origin", "http://localhost:3000"),
                Map.of("Origin", "null"))) {
            RawHttp.Reply reply = raw.rawCall("rebind", bad, 2, "create_refund");
            assertEquals(403, reply.status(), bad + ": " + reply);
            assertTrue(
                    reply.body().contains("\"id\":null") && reply.body().contains("_not_allowed\""),
                    "a JSON-RPC error without an id: " + reply.body());
            assertNoPlaceTaken(hash);
        }
        assertEquals(List.of(), calls(raw.callTool(null, 3, "list_calls", "{}")), "a refused call ran");
        // the configured host (any port, any case) and origin are allowed
        for (Map<String, String> good : List.of(
                Map.of("Host", EXTRA_HOST + ":8443"),
                Map.of("Host", "MCP.Example.Test"),
                Map.of("Origin", EXTRA_ORIGIN))) {
            assertEquals(200, raw.rawCall(null, good, 4, "get_balance").status(), good.toString());
        }
    }

    @Test
    void loopbackIsAllowedByDefaultAndNothingElse() throws Exception {
        RawMcp raw = RawMcp.open(unguarded.endpoint);
        for (Map<String, String> good : List.of(
                Map.of("Host", "localhost:" + unguarded.port),
                Map.of("Host", "[::1]:" + unguarded.port),
                Map.of("Host", "localhost"),
                Map.of("Origin", "http://localhost:3000"),
                Map.of("Origin", "https://127.0.0.1"))) {
            assertEquals(200, raw.rawCall(null, good, 2, "get_balance").status(), good.toString());
        }
        for (Map<String, String> bad : List.of(
                Map.of("Host", "attacker.example:" + unguarded.port),
                Map.of("Host", "localhost.attacker.example"),
                Map.of("Origin", "http://attacker.example:3000"))) {
            assertEquals(403, raw.rawCall(null, bad, 3, "get_balance").status(), bad.toString());
        }
    }

    @Test
    void aToolWithAProgressTokenStopsWhenItsStreamIsClosed() throws Exception {
        RawMcp raw = RawMcp.open(guarded.endpoint);
        try (RawHttp client = RawHttp.post(
                guarded.endpoint,
                raw.headers("left"),
                RawMcp.toolCall(2, "create_refund", "{\"hold_ms\":30000}", "{\"progressToken\":\"p1\"}"))) {
            client.readUntil("notifications/progress");
        } // the client is gone
        // the session's next turn is served: the tool stopped, and the guard released its place
        raw.callTool("next", 3, "create_refund", "{\"hold_ms\":0}");
        List<Map<String, Object>> calls = calls(raw.callTool(null, 4, "list_calls", "{}"));
        assertEquals("left", calls.get(0).get("turn"), calls.toString());
        assertEquals("client_gone", calls.get(0).get("outcome"), calls.toString());
        assertEquals("completed", calls.get(1).get("outcome"), calls.toString());
    }

    @Test
    void holdMsMustBeAnIntegerFrom0To60000() {
        McpSyncClient c = client(guarded);
        for (Object bad : new Object[] {60_001, -1, "20", 1.5}) {
            McpSchema.CallToolResult result = Clients.call(c, "create_refund", null, Map.of("hold_ms", bad));
            assertEquals(Boolean.TRUE, result.isError(), "hold_ms=" + bad + ": " + result);
        }
        Map<String, Object> s = structured(Clients.call(c, "get_balance", null, Map.of()));
        long start = ((Number) s.get("startedAtMicros")).longValue();
        long end = ((Number) s.get("endedAtMicros")).longValue();
        assertTrue(end - start < 1_000_000, "hold_ms defaults to 0");
    }

    @Test
    void manyThreadsOnASessionObeyTheRules() throws Exception {
        List<ToolRun> runs = workload(List.of(client(guarded), client(guarded)), 6, 10);
        assertEquals(120, runs.size());
        assertEquals(List.of(), ToolRun.violations(runs));
    }

    @Test
    void readsOfOneTurnOverlap() throws Exception {
        McpSyncClient c = client(guarded);
        List<ToolRun> runs = together(
                () -> Clients.call(c, "get_balance", "R", 500),
                () -> Clients.call(c, "lookup_charge", "R", 500), // a read through WEB-INF/turnstile.json
                () -> Clients.call(c, "list_refunds", "R", 500));
        assertTrue(
                runs.get(0).overlaps(runs.get(1))
                        && runs.get(1).overlaps(runs.get(2))
                        && runs.get(0).overlaps(runs.get(2)),
                "reads of one turn ran one after another: " + runs);
        assertEquals(List.of(), ToolRun.violations(runs));
    }

    @Test
    void aWriteOverlapsNothingOfItsTurn() throws Exception {
        McpSyncClient c = client(guarded);
        List<ToolRun> runs = together(
                () -> Clients.call(c, "create_refund", "W", 200),
                () -> Clients.call(c, "delete_customer", "W", 200),
                () -> Clients.call(c, "audit_note", "W", 200),
                () -> Clients.call(c, "get_balance", "W", 200));
        assertEquals(List.of(), ToolRun.violations(runs));
    }

    @Test
    void twoTurnsOfOneSessionNeverOverlap() throws Exception {
        McpSyncClient c = client(guarded);
        List<ToolRun> runs = together(
                () -> Clients.call(c, "get_balance", "A", 200),
                () -> Clients.call(c, "list_refunds", "B", 200),
                () -> Clients.call(c, "lookup_charge", null, 200));
        assertEquals(List.of(), ToolRun.violations(runs));
        assertFalse(
                runs.get(0).overlaps(runs.get(1))
                        || runs.get(1).overlaps(runs.get(2))
                        || runs.get(0).overlaps(runs.get(2)),
                runs.toString());
    }

    @Test
    void differentSessionsOverlapFreely() throws Exception {
        McpSyncClient one = client(guarded);
        McpSyncClient two = client(guarded);
        List<ToolRun> runs = together(
                () -> Clients.call(one, "create_refund", "S", 500), () -> Clients.call(two, "create_refund", "S", 500));
        assertNotEquals(runs.get(0).sessionHash(), runs.get(1).sessionHash());
        assertTrue(runs.get(0).overlaps(runs.get(1)), "two sessions waited for each other: " + runs);
    }

    @Test
    void confirmRefundReturnsTheClientsAnswer() {
        McpSyncClient accepts = client(guarded);
        Map<String, Object> s = structured(Clients.call(accepts, "confirm_refund", "C", 5));
        assertEquals("write", s.get("mode"));
        assertEquals(
                Map.of("action", "accept", "content", Map.of("confirm", true, "reason", "customer asked")),
                s.get("elicitation"));

        McpSyncClient declines = Clients.connect(
                guarded.endpoint, request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null));
        try {
            Map<String, Object> declined = structured(Clients.call(declines, "confirm_refund", null, 0));
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("action", "decline");
            expected.put("content", null);
            assertEquals(expected, declined.get("elicitation"));
        } finally {
            declines.closeGracefully();
        }

        McpSyncClient cannotAnswer = Clients.connect(guarded.endpoint, null);
        try {
            McpSchema.CallToolResult result = Clients.call(cannotAnswer, "confirm_refund", null, 0);
            assertEquals(Boolean.TRUE, result.isError(), result.toString());
        } finally {
            cannotAnswer.closeGracefully();
        }
    }

    @Test
    void withTurnstileDisabledTheServerAnswersUnguarded() {
        McpSyncClient c = client(unguarded);
        for (String tool : PLAIN_TOOLS) {
            Map<String, Object> s = structured(Clients.call(c, tool, "U", 1));
            assertEquals(store() + "-unguarded", s.get("instance"));
            assertTrue(s.containsKey("mode") && s.get("mode") == null, tool + ": " + s);
            assertTrue(s.containsKey("fence") && s.get("fence") == null, tool + ": " + s);
            assertEquals("U", s.get("turn"));
            assertTrue(((String) s.get("sessionHash")).matches("[A-Za-z0-9_-]{22}"));
        }
    }

    @Test
    void withTurnstileDisabledWritesOverlapAndTheCheckerSeesIt() throws Exception {
        McpSyncClient c = client(unguarded);
        List<ToolRun> pair = together(
                () -> Clients.call(c, "create_refund", "X", 500), () -> Clients.call(c, "delete_customer", "X", 500));
        assertTrue(pair.get(0).overlaps(pair.get(1)), "unguarded writes did not overlap: " + pair);
        assertFalse(ToolRun.violations(pair).isEmpty());

        List<ToolRun> runs = workload(List.of(c), 6, 5);
        assertFalse(ToolRun.violations(runs).isEmpty(), "the checker found nothing without locks");
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
