package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.internal.engine.RedisTestServers;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With {@code bind-principal}, a party that learned another user's session id cannot hold that
 * user's session busy: the lock is keyed by principal and session.
 */
@ExtendWith(ArquillianExtension.class)
class FilterPrincipalIT {

    static final String PREFIX = "pit" + Long.toHexString(System.nanoTime());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestWars.mcpServer(
                "principal",
                TestWars.params(PREFIX, "turnstile.acquire-timeout", "300ms", "turnstile.bind-principal", "true"),
                TestWars.testUsers());
    }

    @ArquillianResource
    URL base;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
    }

    private HttpResponse<String> post(McpHttp session, String user, String turn, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(session.endpoint)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Mcp-Session-Id", session.sessionId)
                .header("X-Test-User", user)
                .header("X-Mcp-Turn-Id", turn)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anotherUserWithTheSameSessionIdDoesNotShareItsLock() throws Exception {
        RedisTestServers.standalone();
        ToolProbe.reset();
        McpHttp session = McpHttp.open(base);
        Future<HttpResponse<String>> alice = threads.submit(() ->
                post(session, "alice", "A", McpHttp.toolCall(McpHttp.nextId(), "write_item", Map.of("gate", "alice"))));
        ToolProbe.awaitEntered("alice");

        HttpResponse<String> aliceAgain =
                post(session, "alice", "B", McpHttp.toolCall(McpHttp.nextId(), "write_item", Map.of()));
        assertTrue(
                aliceAgain.body().contains("\"session_busy\""), "alice's own second turn waits: " + aliceAgain.body());

        HttpResponse<String> mallory =
                post(session, "mallory", "B", McpHttp.toolCall(McpHttp.nextId(), "write_item", Map.of()));
        assertTrue(!mallory.body().contains("session_busy"), "mallory shares no lock with alice: " + mallory.body());

        ToolProbe.open("alice");
        alice.get(30, TimeUnit.SECONDS);
    }
}
