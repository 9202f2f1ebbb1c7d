package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.internal.engine.RedisTestServers;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
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

/**
 * MCP 2026-07-28 requests (no session, routing headers) and sessionless legacy requests through the
 * filter with the default key sources: keyed by {@code _meta.sessionID} or the
 * {@code gen_ai.conversation.id} baggage member, routing headers checked against the body, the busy
 * error with the code of the request's era.
 */
@ExtendWith(ArquillianExtension.class)
class FilterMcp2026IT {

    static final String PREFIX = "m26" + Long.toHexString(System.nanoTime());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestWars.conversationProbe("mcp2026", TestWars.params(PREFIX, "turnstile.acquire-timeout", "300ms"));
    }

    @ArquillianResource
    URL base;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() {
        RedisTestServers.standalone();
        ToolProbe.reset();
        ConversationProbeServlet.REACHED.clear();
    }

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
    }

    private static String conversation(String id) {
        return "\"sessionID\":\"" + id + "\"";
    }

    /** Sends the call on another thread and waits until it stands at its gate, holding its place. */
    private Future<HttpResponse<String>> hold(RawPost post, String gate) throws InterruptedException {
        Future<HttpResponse<String>> held = threads.submit(() -> post.gate(gate).send());
        ToolProbe.awaitEntered(gate);
        return held;
    }

    @Test
    void twoTurnsOfOneConversationNeverOverlapAndOtherConversationsDoNotWait() throws Exception {
        String c1 = "conv-" + System.nanoTime();
        Future<HttpResponse<String>> held =
                hold(RawPost.call2026(base, "write_a", conversation(c1)).turn("A"), "c1");
        // another conversation runs while c1 is held
        Future<HttpResponse<String>> other = hold(
                RawPost.call2026(base, "write_a", conversation(c1 + "-other")).turn("A"), "c2");
        ToolProbe.open("c2");
        assertEquals(200, other.get(30, TimeUnit.SECONDS).statusCode());

        RawPost turnB = RawPost.call2026(base, "get_a", conversation(c1)).turn("B");
        HttpResponse<String> busy = turnB.send();
        assertEquals(200, busy.statusCode());
        assertTrue(
                busy.body().contains("\"id\":" + turnB.id)
                        && busy.body().contains("\"code\":-31002")
                        && busy.body().contains("\"reason\":\"session_busy\"")
                        && busy.body().contains("\"retryAfterMs\":"),
                busy.body());
        assertTrue(busy.headers().firstValue("Retry-After").isPresent());
        assertTrue(!busy.body().contains(c1), "the conversation key must not appear in errors");
        ToolProbe.open("c1");
        assertEquals(200, held.get(30, TimeUnit.SECONDS).statusCode());
        assertEquals(2, ConversationProbeServlet.REACHED.size(), "the busy call must never have reached the server");
        assertEquals(List.of(), ToolProbe.history.violations());
        assertEquals(200, turnB.send().statusCode(), "free again");
    }

    @Test
    void theBaggageMemberKeysAConversationAndSessionlessLegacyCallsAreGuardedToo() throws Exception {
        String c = "conv-" + System.nanoTime();
        String baggage = "other=1, gen_ai.conversation.id=" + c + ";p=v";
        Future<HttpResponse<String>> held = hold(
                RawPost.call2026(base, "write_a", "").header("baggage", baggage).turn("A"), "b1");
        HttpResponse<String> busy = RawPost.call2026(base, "write_a", "")
                .header("baggage", baggage)
                .turn("B")
                .send();
        assertTrue(busy.body().contains("\"code\":-31002"), busy.body());
        // a legacy-era client of a stateless server: no session id, the same conversation in baggage
        HttpResponse<String> legacy = RawPost.legacyCall(base, "write_a", "")
                .header("baggage", "gen_ai.conversation.id=" + c)
                .turn("B")
                .send();
        assertEquals(200, legacy.statusCode());
        assertTrue(
                legacy.body().contains("\"code\":-32002") && legacy.body().contains("\"reason\":\"session_busy\""),
                legacy.body());
        ToolProbe.open("b1");
        held.get(30, TimeUnit.SECONDS);
        assertEquals(1, ConversationProbeServlet.REACHED.size());
    }

    @Test
    void aLegacyCallKeyedByMetaSessionIdWaitsForTheConversation() throws Exception {
        String c = "conv-" + System.nanoTime();
        Future<HttpResponse<String>> held =
                hold(RawPost.legacyCall(base, "write_a", conversation(c)).turn("A"), "l1");
        HttpResponse<String> busy =
                RawPost.call2026(base, "write_a", conversation(c)).turn("B").send();
        assertTrue(busy.body().contains("\"code\":-31002"), "one conversation, whatever the era: " + busy.body());
        ToolProbe.open("l1");
        held.get(30, TimeUnit.SECONDS);
    }

    @Test
    void routingHeadersThatDoNotMatchTheBodyAreA400WithTheRequestsIdAndAreNeverForwarded() throws Exception {
        String c = conversation("conv-" + System.nanoTime());
        List<RawPost> mismatches = List.of(
                RawPost.call2026(base, "write_a", c).header("Mcp-Method", "tools/list"),
                RawPost.call2026(base, "write_a", c).header("Mcp-Method", null),
                RawPost.call2026(base, "write_a", c).header("Mcp-Name", "get_a"),
                RawPost.call2026(base, "write_a", c).header("Mcp-Name", null),
                RawPost.call2026(base, "write_a", c).header("Mcp-Name", "=?base64?not base64?="),
                RawPost.call2026(base, "write_a", c).header("MCP-Protocol-Version", "2025-11-25"),
                RawPost.request2026(base, "resources/read", c).header("Mcp-Name", "file:///x"));
        for (RawPost post : mismatches) {
            HttpResponse<String> r = post.send();
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            assertTrue(
                    r.body().contains("\"id\":" + post.id)
                            && r.body().contains("\"code\":-32020")
                            && r.body().contains("\"reason\":\"header_mismatch\""),
                    r.body());
        }
        assertEquals(List.of(), ConversationProbeServlet.REACHED, "no mismatch may reach the server");

        String encoded =
                "=?base64?" + Base64.getEncoder().encodeToString("write_ä".getBytes(StandardCharsets.UTF_8)) + "?=";
        HttpResponse<String> ok =
                RawPost.call2026(base, "write_ä", c).header("Mcp-Name", encoded).send();
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("write", ConversationProbeServlet.REACHED.get(0).mode());
    }

    @Test
    void protocolTrafficOfTheNewEraIsNeverLocked() throws Exception {
        String c = conversation("conv-" + System.nanoTime());
        Future<HttpResponse<String>> held =
                hold(RawPost.call2026(base, "write_a", c).turn("A"), "p1");
        for (String method : List.of("server/discover", "subscriptions/listen", "tools/list")) {
            HttpResponse<String> r =
                    RawPost.request2026(base, method, c).turn("B").send();
            assertEquals(200, r.statusCode(), method + ": " + r.body());
            assertTrue(r.body().contains("\"result\""), method + " reached the server: " + r.body());
        }
        ToolProbe.open("p1");
        held.get(30, TimeUnit.SECONDS);
        assertEquals(4, ConversationProbeServlet.REACHED.size());
        ConversationProbeServlet.REACHED.stream().skip(1).forEach(r -> assertNull(r.mode(), r.body()));
    }

    @Test
    void aCallWithoutAnyKeyGoesOnUnguarded() throws Exception {
        assertEquals(200, RawPost.call2026(base, "write_a", "").turn("A").send().statusCode());
        assertEquals(
                200, RawPost.legacyCall(base, "write_a", "").turn("A").send().statusCode());
        assertEquals(2, ConversationProbeServlet.REACHED.size());
        ConversationProbeServlet.REACHED.forEach(r -> assertNull(r.sessionHash(), "unguarded: " + r.body()));
    }

    @Test
    void theJsonRpcIdIsNoPartOfTheKey() throws Exception {
        String c = "conv-" + System.nanoTime();
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"write_a\","
                + "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"sessionID\":\"%s\"}}}";
        Future<HttpResponse<String>> held = hold(
                RawPost.call2026(base, "write_a", "").rawBody(body.formatted(c)).turn("A"), "i1");
        // another conversation with the same id does not wait; the same conversation does
        Future<HttpResponse<String>> other = hold(
                RawPost.call2026(base, "write_a", "")
                        .rawBody(body.formatted(c + "x"))
                        .turn("A"),
                "i2");
        ToolProbe.open("i2");
        other.get(30, TimeUnit.SECONDS);
        HttpResponse<String> busy = RawPost.call2026(base, "write_a", "")
                .rawBody(body.formatted(c))
                .turn("B")
                .send();
        assertTrue(busy.body().contains("\"code\":-31002") && busy.body().contains("\"id\":1"), busy.body());
        ToolProbe.open("i1");
        held.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aKeyOrVersionThatAppearsTwiceInMetaIsAmbiguous() throws Exception {
        String c = "conv-" + System.nanoTime();
        for (String meta : List.of(
                conversation(c) + "," + conversation(c + "x"),
                "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"," + conversation(c))) {
            RawPost post = RawPost.call2026(base, "write_a", meta);
            HttpResponse<String> r = post.send();
            assertEquals(200, r.statusCode());
            assertTrue(
                    r.body().contains("\"code\":-32600")
                            && r.body().contains("\"reason\":\"ambiguous_request\"")
                            && r.body().contains("\"id\":" + post.id),
                    r.body());
        }
        HttpResponse<String> notString = RawPost.legacyCall(
                        base, "write_a", "\"io.modelcontextprotocol/protocolVersion\":20260728")
                .send();
        assertTrue(notString.body().contains("\"code\":-32600"), notString.body());
        assertEquals(List.of(), ConversationProbeServlet.REACHED);
    }
}
