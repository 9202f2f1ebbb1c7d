package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.internal.engine.RedisTestServers;
import java.net.URL;
import java.net.http.HttpResponse;
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
 * Configured key and turn sources: a header first, then a {@code _meta} member whose name holds a
 * {@code /}; the turn from Codex's turn metadata; {@code unkeyed=reject}.
 */
@ExtendWith(ArquillianExtension.class)
class FilterKeySourcesIT {

    static final String PREFIX = "ksi" + Long.toHexString(System.nanoTime());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestWars.conversationProbe(
                "keysources",
                TestWars.params(
                        PREFIX,
                        "turnstile.acquire-timeout",
                        "300ms",
                        "turnstile.key-sources",
                        "header:X-Conversation-Id, meta:/app~1conversation",
                        "turnstile.turn-sources",
                        "meta:/x-codex-turn-metadata/turn_id,header:X-Mcp-Turn-Id",
                        "turnstile.unkeyed",
                        "reject"));
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

    private static String codexTurn(String turn) {
        return "\"x-codex-turn-metadata\":{\"turn_id\":\"" + turn + "\",\"other\":[1,2]}";
    }

    private Future<HttpResponse<String>> hold(RawPost post, String gate) throws InterruptedException {
        Future<HttpResponse<String>> held = threads.submit(() -> post.gate(gate).send());
        ToolProbe.awaitEntered(gate);
        return held;
    }

    @Test
    void aCallWithoutAKeyIsRefusedAndNeverForwarded() throws Exception {
        for (RawPost post : List.of(
                RawPost.call2026(base, "get_a", codexTurn("T")),
                RawPost.legacyCall(base, "get_a", "").header("Mcp-Session-Id", "not-a-source-here"))) {
            HttpResponse<String> r = post.send();
            assertEquals(200, r.statusCode());
            assertTrue(
                    r.body().contains("\"code\":-32600")
                            && r.body().contains("\"reason\":\"unkeyed\"")
                            && r.body().contains("\"id\":" + post.id),
                    r.body());
        }
        assertEquals(List.of(), ConversationProbeServlet.REACHED);
    }

    @Test
    void theHeaderKeysAndCodexTurnMetadataNamesTheTurn() throws Exception {
        String c = "conv-" + System.nanoTime();
        Future<HttpResponse<String>> r1 =
                hold(RawPost.call2026(base, "get_a", codexTurn("T1")).header("X-Conversation-Id", c), "r1");
        // a read of the same Codex turn joins it (the turn header, later in the chain, is not used)
        Future<HttpResponse<String>> r2 = hold(
                RawPost.call2026(base, "get_a", codexTurn("T1"))
                        .header("X-Conversation-Id", c)
                        .turn("other"),
                "r2");
        HttpResponse<String> busy = RawPost.call2026(base, "get_a", codexTurn("T2"))
                .header("X-Conversation-Id", c)
                .send();
        assertTrue(busy.body().contains("\"reason\":\"session_busy\""), busy.body());
        ToolProbe.open("r1");
        ToolProbe.open("r2");
        r1.get(30, TimeUnit.SECONDS);
        r2.get(30, TimeUnit.SECONDS);
        assertEquals(1, ToolProbe.history.overlappingReads());
        assertEquals(List.of(), ToolProbe.history.violations());
        assertEquals("T1", ConversationProbeServlet.REACHED.get(0).turn());
    }

    @Test
    void aMetaMemberWhoseNameHoldsASlashKeysWhenTheHeaderIsAbsent() throws Exception {
        String c = "conv-" + System.nanoTime();
        Future<HttpResponse<String>> held = hold(
                RawPost.call2026(base, "write_a", "\"app/conversation\":\"" + c + "\"")
                        .turn("A"),
                "m1");
        HttpResponse<String> busy = RawPost.legacyCall(base, "write_a", "\"app/conversation\":\"" + c + "\"")
                .turn("B")
                .send();
        assertTrue(busy.body().contains("\"code\":-32002"), busy.body());
        // the same value from the header is another conversation: sources never meet
        ToolProbe.open("m2"); // it passes its gate at once: it must not wait for m1
        HttpResponse<String> header = RawPost.call2026(base, "write_a", "")
                .header("X-Conversation-Id", c)
                .turn("B")
                .gate("m2")
                .send();
        ToolProbe.open("m1");
        held.get(30, TimeUnit.SECONDS);
        assertEquals(200, header.statusCode());
        assertTrue(header.body().contains("\"result\""), header.body());
    }
}
