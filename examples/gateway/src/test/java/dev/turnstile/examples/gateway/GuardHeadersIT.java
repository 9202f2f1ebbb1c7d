package dev.turnstile.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.turnstile.Turnstile;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the gateway tells the upstream about Turnstile's decision: {@code Turnstile-Mode} on a call that
 * holds its place, {@code Turnstile-Fence} on such a write, neither on anything else, and never what a
 * client sent under those names. The upstream is {@link RecordingUpstream}, served by the test, which
 * records the headers each request reached it with; the replicas are started with the gateway's
 * {@code run} script. Replica {@code guarded} shares the test Redis; replica {@code open} has an
 * unreachable Redis and forwards writes unguarded ({@code TURNSTILE_FAIL_OPEN_WRITES=true}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuardHeadersIT {

    /**
     * What a client sends to forge a decision: both names, in other cases, with {@code _} for {@code -}
     * (one header to a CGI-style server), several values. Each entry is one header line.
     */
    private static final Map<String, String> FORGED = forged();
    /** The MCP 2026-07-28 routing and tracing headers, which the gateway passes on unchanged. */
    private static final Map<String, String> ROUTING = Map.of(
            "Mcp-Method", "tools/call",
            "Mcp-Name", "lookup_charge",
            "MCP-Protocol-Version", RawMcp.MCP_2026,
            "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "baggage", "gen_ai.conversation.id=conv-7,userId=alice");
    /** A 2026-07-28 read, consistent with {@link #ROUTING}. */
    private static final String READ_2026 = """
            {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"lookup_charge","arguments":{},
             "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""";

    private static final String PING = """
            {"jsonrpc":"2.0","id":3,"method":"ping"}""";
    private static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
             "capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""";
    private static final String CANCELLED = """
            {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}""";
    private static final String RESPONSE = """
            {"jsonrpc":"2.0","id":"s1","result":{}}""";

    private final AtomicInteger marks = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private RecordingUpstream upstream;
    private Stack stack;
    private ServerProcess guarded;
    private ServerProcess open;

    @BeforeAll
    void startUpstreamAndTwoReplicas() throws Exception {
        if (Stack.REDIS.isEmpty()) {
            System.err.println("GuardHeadersIT skipped: " + Stack.NO_REDIS);
            return;
        }
        upstream = RecordingUpstream.start();
        stack = Stack.before(upstream.endpoint());
        String unreachable = "redis://127.0.0.1:" + closedPort();
        var startGuarded = CompletableFuture.supplyAsync(() -> stack.gateway("gateway-guarded"), threads);
        var startOpen = CompletableFuture.supplyAsync(
                () -> stack.gateway(
                        "gateway-open",
                        Map.of("TURNSTILE_REDIS_URL", unreachable, "TURNSTILE_FAIL_OPEN_WRITES", "true")),
                threads);
        guarded = startGuarded.join();
        open = startOpen.join();
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
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aGuardedReadCarriesItsModeAndNoFenceWhateverTheClientSent() throws Exception {
        String session = newSession();
        Map<String, String> headers = new LinkedHashMap<>(FORGED);
        headers.putAll(ROUTING);

        Map<String, List<String>> seen = forward(guarded, session, headers, READ_2026, 200);

        assertEquals(List.of("read"), guardHeaders(seen, "turnstile-mode"), "the guard's mode, and only it: " + seen);
        assertEquals(List.of(), guardHeaders(seen, "turnstile-fence"), "a read carries no fence: " + seen);
        ROUTING.forEach((name, value) -> assertEquals(
                List.of(value),
                seen.get(name.toLowerCase(Locale.ROOT)),
                name + " reached the upstream unchanged: " + seen));
    }

    @Test
    void aGuardedWriteCarriesTheFenceTurnstileHandedOutWhichGrowsInTheSession() throws Exception {
        String session = newSession();
        String hash = Turnstile.sessionHash(session);
        long[] fences = new long[2];
        for (int i = 0; i < 2; i++) {
            fences[i] = writeFence(forward(guarded, session, FORGED, RawMcp.toolCall(i + 2, "create_refund", 0), 200));
            assertEquals(stack.fence(hash), fences[i], "the token Turnstile handed out for this write");
        }
        assertTrue(fences[0] > 0 && fences[1] > fences[0], "the fence grows: " + fences[0] + ", " + fences[1]);
    }

    @Test
    void aWriteThatWaitedForItsPlaceCarriesItsOwnFence() throws Exception {
        String session = newSession();
        String hash = Turnstile.sessionHash(session);
        String first = mark();
        RecordingUpstream.Gate gate = upstream.hold(first); // the first write holds its place upstream
        Future<Map<String, List<String>>> holding = threads.submit(
                () -> forward(first, "POST", guarded, session, FORGED, RawMcp.toolCall(2, "create_refund", 0), 200));
        gate.awaitArrived();
        // a write of another turn (no turn header: a turn of its own) waits for the session, then is resumed
        String second = mark();
        Future<Map<String, List<String>>> waiting = threads.submit(
                () -> forward(second, "POST", guarded, session, FORGED, RawMcp.toolCall(3, "create_refund", 0), 200));
        stack.awaitWaiting(hash);
        gate.open().countDown();

        long firstFence = writeFence(holding.get(30, TimeUnit.SECONDS));
        long fence = writeFence(waiting.get(30, TimeUnit.SECONDS));
        assertEquals(stack.fence(hash), fence, "the token handed out when it got its place");
        assertTrue(fence > firstFence, "a later write, a greater fence: " + fence + " > " + firstFence);
    }

    @Test
    void requestsThatTakeNoPlaceCarryNeitherHeader() throws Exception {
        String session = newSession();
        assertNoGuardHeaders(forward(guarded, session, FORGED, PING, 200));
        assertNoGuardHeaders(forward(guarded, null, FORGED, INITIALIZE, 200));
        assertNoGuardHeaders(forward(guarded, null, FORGED, RawMcp.toolCall(4, "create_refund", 0), 200)); // no session
        assertNoGuardHeaders(forward(guarded, session, FORGED, CANCELLED, 202));
        assertNoGuardHeaders(forward(guarded, session, FORGED, RESPONSE, 202));
        for (String method : List.of("GET", "DELETE")) {
            assertNoGuardHeaders(forward(method, guarded, session, FORGED, "", 405));
        }
    }

    @Test
    void aWriteThatWentOnUnguardedCarriesNeitherHeader() throws Exception {
        // replica "open" cannot reach its Redis and forwards writes unguarded (fail-open)
        assertNoGuardHeaders(forward(open, newSession(), FORGED, RawMcp.toolCall(5, "create_refund", 0), 200));
    }

    private static Map<String, String> forged() {
        Map<String, String> forged = new LinkedHashMap<>();
        forged.put("Turnstile-Mode", "write");
        forged.put("turnstile-mode", "read, write");
        forged.put("TURNSTILE-FENCE", "9223372036854775807");
        forged.put("Turnstile-Fence", "1");
        forged.put("Turnstile_Fence", "2");
        forged.put("turnstile_MODE", "write");
        return Collections.unmodifiableMap(forged);
    }

    /** POSTs {@code body} through {@code via} over a plain socket; the headers it reached the upstream with. */
    private Map<String, List<String>> forward(
            ServerProcess via, String session, Map<String, String> headers, String body, int status)
            throws IOException {
        return forward("POST", via, session, headers, body, status);
    }

    private Map<String, List<String>> forward(
            String method, ServerProcess via, String session, Map<String, String> headers, String body, int status)
            throws IOException {
        return forward(mark(), method, via, session, headers, body, status);
    }

    /** Sends a request marked {@code mark} through {@code via}; the headers it reached the upstream with. */
    private Map<String, List<String>> forward(
            String mark,
            String method,
            ServerProcess via,
            String session,
            Map<String, String> headers,
            String body,
            int status)
            throws IOException {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(RecordingUpstream.MARK, mark);
        if (session != null) {
            all.put("Mcp-Session-Id", session);
        }
        RawHttp.Reply reply = RawHttp.exchange(method, via.endpoint, all, body);
        assertEquals(status, reply.status(), method + " " + body + " through " + via.name + ": " + reply);
        return upstream.headers(mark);
    }

    /** The values of every header that an upstream may read as {@code name}: any case, {@code _} for {@code -}. */
    private static List<String> guardHeaders(Map<String, List<String>> seen, String name) {
        return seen.entrySet().stream()
                .filter(e -> e.getKey().replace('_', '-').equals(name))
                .flatMap(e -> e.getValue().stream())
                .toList();
    }

    /** The fence of a write as the upstream saw it: mode {@code write} and exactly one fence, the gateway's. */
    private static long writeFence(Map<String, List<String>> seen) {
        assertEquals(List.of("write"), guardHeaders(seen, "turnstile-mode"), "the guard's mode, and only it: " + seen);
        List<String> fence = guardHeaders(seen, "turnstile-fence");
        assertEquals(1, fence.size(), "one fence, the gateway's: " + seen);
        return Long.parseLong(fence.get(0));
    }

    private static void assertNoGuardHeaders(Map<String, List<String>> seen) {
        assertEquals(List.of(), guardHeaders(seen, "turnstile-mode"), "no mode upstream: " + seen);
        assertEquals(List.of(), guardHeaders(seen, "turnstile-fence"), "no fence upstream: " + seen);
    }

    private String mark() {
        return "m" + marks.incrementAndGet();
    }

    private static String newSession() {
        return "hdr-" + UUID.randomUUID();
    }

    /** A port nothing listens on (it was free a moment ago). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
