package dev.turnstile.examples.gateway;

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
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A client that closes its connection to a gateway in the middle of a write. The gateway holds the
 * session's place until its upstream exchange has ended, and not a moment longer: the next turn, sent
 * through another replica, is served (not busy) and, in the legacy MCP eras, starts after the left call
 * ended upstream. In MCP 2026-07-28 the gateway passes the closed stream on as the cancellation. The
 * upstream's {@code list_calls} tells how each call ran, also the ones whose answer nobody received.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DisconnectIT {

    /** Replica C stops reading for a client that left after this long (Turnstile's max-hold). */
    private static final Duration C_MAX_HOLD = Duration.ofSeconds(1);

    private final String run = "d" + Long.toHexString(new Random().nextLong() & 0xffffff);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Stack stack;
    private ServerProcess a;
    private ServerProcess b;
    private ServerProcess c;

    /** A call whose client left: in which session and turn. */
    private record Left(String session, String hash, String turn) {}

    @BeforeAll
    void startUpstreamAndThreeReplicas() throws Exception {
        if (Stack.REDIS.isEmpty()) {
            System.err.println("DisconnectIT skipped: " + Stack.NO_REDIS);
            return;
        }
        stack = Stack.start();
        var startA = CompletableFuture.supplyAsync(() -> stack.gateway("gateway-a"), threads);
        var startB = CompletableFuture.supplyAsync(() -> stack.gateway("gateway-b"), threads);
        var startC = CompletableFuture.supplyAsync(
                () -> stack.gateway("gateway-c", Map.of("TURNSTILE_MAX_HOLD", C_MAX_HOLD.toMillis() + "ms")), threads);
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
    void aLegacyClientThatLeavesMidWriteHoldsItsSessionUntilTheUpstreamCallEnded() throws Exception {
        Left left = leaveMidCall(a, RawMcp.LEGACY, 1_500, false);

        Map<String, Object> next = nextTurn(b, left);
        Map<String, Object> ran = ranUpstream(left);
        assertEquals("completed", ran.get("outcome"), "the upstream call ran to its end: " + ran);
        assertStartsAfter(next, ran);
        stack.assertOnlyFenceKeysRemain();
    }

    @Test
    void aLegacyClientThatLeavesWhileItsAnswerStreamsDoesNotCancelTheUpstreamCall() throws Exception {
        Left left = leaveMidCall(a, RawMcp.LEGACY, 1_500, true);

        Map<String, Object> next = nextTurn(b, left);
        Map<String, Object> ran = ranUpstream(left);
        assertEquals(
                "completed",
                ran.get("outcome"),
                "the gateway kept reading the upstream's stream after its client left: " + ran);
        assertStartsAfter(next, ran);
        stack.assertOnlyFenceKeysRemain();
    }

    @Test
    void a2026ClientThatLeavesCancelsTheUpstreamCallAndFreesItsSession() throws Exception {
        Left left = leaveMidCall(a, RawMcp.MCP_2026, 30_000, true);

        nextTurn(b, left);
        Map<String, Object> ran = ranUpstream(left);
        assertEquals(
                "client_gone",
                ran.get("outcome"),
                "the gateway closed the upstream exchange, and the tool saw its stream closed: " + ran);
        stack.assertOnlyFenceKeysRemain();
    }

    @Test
    void maxHoldBoundsHowLongTheGatewayReadsForALegacyClientThatLeft() throws Exception {
        Left left = leaveMidCall(c, RawMcp.LEGACY, 30_000, true);

        nextTurn(a, left);
        Map<String, Object> ran = ranUpstream(left);
        assertEquals(
                "client_gone",
                ran.get("outcome"),
                "replica C closed the upstream exchange " + C_MAX_HOLD + " (max-hold) after forwarding: " + ran);
        stack.assertOnlyFenceKeysRemain();
    }

    @Test
    void anUpstreamThatDiesMidCallFreesTheSessionAtOnceThoughItsClientStayed() throws Exception {
        ServerProcess doomed = stack.upstream("upstream-doomed", Map.of());
        ServerProcess d = stack.gateway("gateway-d", Map.of("UPSTREAM_URL", doomed.endpoint.toString()));
        try {
            String session = open(http, d.endpoint);
            try (RawHttp client = RawHttp.post(
                    d.endpoint,
                    RawMcp.headers(session, run + "-doomed", RawMcp.LEGACY),
                    toolCall(2, "create_refund", 30_000, "p-doomed"))) {
                client.readUntil("notifications/progress");
                stack.kill(doomed); // the upstream exchange fails in the middle of the answer's stream
                // the client is still connected; the gateway released the place when the exchange failed
                // (Jetty ends such a request without telling AsyncListeners; renewals would go on for max-hold)
                stack.assertOnlyFenceKeysRemain();
            }
        } finally {
            stack.stop(d);
        }
    }

    /**
     * Opens a session, sends a write holding {@code holdMs} through {@code via} in a turn of its own, and
     * closes the connection once the call holds its place (with a progress token: once its first
     * progress notification arrived through the gateway).
     */
    private Left leaveMidCall(ServerProcess via, String protocolVersion, long holdMs, boolean progress)
            throws IOException, InterruptedException {
        String session = open(http, via.endpoint);
        Left left = new Left(session, Turnstile.sessionHash(session), run + "-left-" + protocolVersion);
        try (RawHttp client = RawHttp.post(
                via.endpoint,
                RawMcp.headers(session, left.turn(), protocolVersion),
                toolCall(2, "create_refund", holdMs, progress ? "p-" + left.turn() : null))) {
            if (progress) {
                client.readUntil("notifications/progress");
            } else {
                stack.awaitPlaceHeld(left.hash());
            }
        } // the client is gone
        return left;
    }

    /** A write of another turn of the session through {@code via}: it must be served, not refused as busy. */
    private Map<String, Object> nextTurn(ServerProcess via, Left left) throws IOException, InterruptedException {
        HttpResponse<String> next = http.send(
                request(via.endpoint, left.session(), run + "-next", toolCall(3, "create_refund", 0)),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, next.statusCode(), next.body());
        return RawMcp.structured(next.body(), 3); // a busy error fails here, with the error in the message
    }

    /**
     * The left call as the upstream ran it, from the upstream's own record ({@code list_calls}). A call
     * the gateway cancelled may still be running when its session is free again (the tool notices at its
     * next progress notification): the record is read until the call is in it.
     */
    private Map<String, Object> ranUpstream(Left left) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int id = 4; ; id++) {
            HttpResponse<String> listed = post(http, b.endpoint, left.session(), toolCall(id, "list_calls", 0));
            List<Map<String, Object>> calls = RawMcp.calls(RawMcp.structured(listed.body(), id)).stream()
                    .filter(call -> left.turn().equals(call.get("turn")))
                    .toList();
            if (!calls.isEmpty() || System.nanoTime() > deadline) {
                assertEquals(1, calls.size(), "the upstream ran the left call once: " + calls);
                return calls.get(0);
            }
            Thread.sleep(50);
        }
    }

    private static void assertStartsAfter(Map<String, Object> next, Map<String, Object> left) {
        long nextStart = ((Number) next.get("startedAtMicros")).longValue();
        long leftEnd = ((Number) left.get("endedAtMicros")).longValue();
        assertTrue(
                nextStart >= leftEnd,
                "the next turn's write started " + (leftEnd - nextStart) + " µs before the left write ended upstream: "
                        + next + " / " + left);
    }
}
