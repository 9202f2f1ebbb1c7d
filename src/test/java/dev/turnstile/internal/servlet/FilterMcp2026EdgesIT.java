package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.internal.engine.RedisTestServers;
import java.net.URL;
import java.net.http.HttpResponse;
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
 * Edges of MCP 2026-07-28 keying with the default key sources: the {@code gen_ai.conversation.id}
 * baggage member where MCP clients carry W3C baggage (SEP-414: {@code params._meta.baggage}), baggage
 * values whose percent-encoding is not UTF-8, and the required {@code MCP-Protocol-Version} header.
 */
@ExtendWith(ArquillianExtension.class)
class FilterMcp2026EdgesIT {

    static final String PREFIX = "m2e" + Long.toHexString(System.nanoTime());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestWars.conversationProbe(
                "mcp2026edges", TestWars.params(PREFIX, "turnstile.acquire-timeout", "300ms"));
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

    @Test
    void aConversationIdInTheBaggageOfMetaKeysTheCall() throws Exception {
        // SEP-414: MCP carries trace context and baggage in params._meta, not in HTTP headers
        String c = "conv-" + System.nanoTime();
        ToolProbe.open("mb1");
        HttpResponse<String> r = RawPost.call2026(
                        base, "write_a", "\"baggage\":\"other=1,gen_ai.conversation.id=" + c + "\"")
                .turn("A")
                .gate("mb1")
                .send();
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, ConversationProbeServlet.REACHED.size());
        assertNotNull(
                ConversationProbeServlet.REACHED.get(0).sessionHash(),
                "a call whose conversation id is in _meta.baggage went on unguarded");
    }

    @Test
    void valuesThatAreNotUtf8AfterPercentDecodingAreDifferentConversations() throws Exception {
        String c = "conv-" + System.nanoTime();
        Future<HttpResponse<String>> held = threads.submit(() -> RawPost.call2026(base, "write_a", "")
                .header("baggage", "gen_ai.conversation.id=" + c + "%FF")
                .turn("A")
                .gate("pe1")
                .send());
        ToolProbe.awaitEntered("pe1");
        ToolProbe.open("pe2"); // another conversation: it must pass its gate at once, not wait for pe1
        HttpResponse<String> other = RawPost.call2026(base, "write_a", "")
                .header("baggage", "gen_ai.conversation.id=" + c + "%FE")
                .turn("B")
                .gate("pe2")
                .send();
        ToolProbe.open("pe1");
        held.get(30, TimeUnit.SECONDS);
        assertTrue(other.body().contains("\"result\""), "two conversations were keyed as one: " + other.body());
    }

    @Test
    void aRequestWithoutTheRequiredProtocolVersionHeaderIsA400AndNeverForwarded() throws Exception {
        // SEP-2243: MCP-Protocol-Version is required on every POST; the TypeScript SDK v2 server refuses
        // such a request with 400/-32020 (cell version-header-missing) after Turnstile forwarded it
        RawPost post = RawPost.call2026(base, "write_a", "\"sessionID\":\"conv-" + System.nanoTime() + "\"")
                .header("MCP-Protocol-Version", null);
        ToolProbe.open("pv1");
        HttpResponse<String> r = post.gate("pv1").send();
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"code\":-32020") && r.body().contains("\"id\":" + post.id), r.body());
        assertEquals(0, ConversationProbeServlet.REACHED.size(), "forwarded");
    }
}
