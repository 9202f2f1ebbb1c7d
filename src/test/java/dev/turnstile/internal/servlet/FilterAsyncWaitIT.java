package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.internal.engine.RedisTestServers;
import io.modelcontextprotocol.client.McpSyncClient;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Calls that wait for their place without a thread, in embedded Tomcat on real Redis: the request
 * goes async, and its ASYNC dispatch through the filter runs the server with the place held, the
 * body replayed and the attributes set; the MCP Java SDK's servlet goes async again on that
 * dispatch; a waiting request that the container times out leaves the queue.
 */
@ExtendWith(ArquillianExtension.class)
class FilterAsyncWaitIT {

    static final String PREFIX = "wait" + Long.toHexString(System.nanoTime());

    @Deployment(testable = false)
    static WebArchive deployment() {
        StringBuilder params = new StringBuilder();
        TestWars.params(PREFIX, "turnstile.acquire-timeout", "30s")
                .forEach((k, v) -> params.append("<init-param><param-name>")
                        .append(k)
                        .append("</param-name><param-value>")
                        .append(v)
                        .append("</param-value></init-param>"));
        String webXml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <listener><listener-class>%s</listener-class></listener>
                  <filter><filter-name>cap</filter-name><filter-class>%s</filter-class>
                    <async-supported>true</async-supported>
                    <init-param><param-name>cap-ms</param-name><param-value>300</param-value></init-param></filter>
                  <filter-mapping><filter-name>cap</filter-name><url-pattern>/capped/*</url-pattern></filter-mapping>
                  <filter><filter-name>turnstile</filter-name><filter-class>dev.turnstile.servlet.TurnstileFilter</filter-class>
                    <async-supported>true</async-supported>%s</filter>
                  <filter-mapping><filter-name>turnstile</filter-name>
                    <url-pattern>/mcp/*</url-pattern><url-pattern>/probe/*</url-pattern><url-pattern>/capped/*</url-pattern>
                    <dispatcher>REQUEST</dispatcher><dispatcher>ASYNC</dispatcher></filter-mapping>
                  <servlet><servlet-name>probe</servlet-name><servlet-class>%s</servlet-class>
                    <async-supported>true</async-supported></servlet>
                  <servlet-mapping><servlet-name>probe</servlet-name>
                    <url-pattern>/probe/*</url-pattern><url-pattern>/capped/*</url-pattern></servlet-mapping>
                </web-app>
                """.formatted(
                        McpTestApp.class.getName(),
                        AsyncTimeoutCapFilter.class.getName(),
                        params,
                        WaitProbeServlet.class.getName());
        return ShrinkWrap.create(WebArchive.class, "waiting.war").setWebXML(new StringAsset(webXml));
    }

    @ArquillianResource
    URL base;

    private final WaitingCalls calls = new WaitingCalls(PREFIX);
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeEach
    void reset() {
        RedisTestServers.standalone();
        ToolProbe.reset();
        WaitProbeServlet.SEEN.clear();
    }

    @AfterEach
    void close() {
        calls.close();
        threads.shutdownNow();
    }

    private URI at(String path) {
        return URI.create(base.toExternalForm().replaceAll("/$", "") + path);
    }

    private static WaitProbeServlet.Seen seen(String turn) {
        return WaitProbeServlet.SEEN.stream()
                .filter(s -> turn.equals(s.turn()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no call of turn " + turn + " reached the server"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"stream", "reader", "listener"})
    void aCallThatWaitedIsDispatchedWithItsBodyAndAttributes(String how) throws Exception {
        String session = "replay-" + how + "-" + System.nanoTime();
        Future<HttpResponse<String>> holder = calls.postAsync(
                at("/probe?gate=hold-" + how), session, "A", WaitingCalls.toolCall("write_item", Map.of()));
        ToolProbe.awaitEntered("hold-" + how);
        String body = WaitingCalls.toolCall("write_item", Map.of("note", "ünïcödé " + "x".repeat(5000)));
        Future<HttpResponse<String>> waiter = calls.postAsync(at("/probe?read=" + how), session, "B", body);
        calls.awaitWaiting(session, 1);
        assertEquals(1, WaitProbeServlet.SEEN.size(), "the waiting call reached the server");
        ToolProbe.open("hold-" + how);

        HttpResponse<String> answer = waiter.get(30, TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"mode\":\"write\""), answer.body());
        assertEquals(200, holder.get(30, TimeUnit.SECONDS).statusCode());
        assertEquals(DispatcherType.REQUEST, seen("A").dispatcher(), "an uncontended call stays synchronous");
        WaitProbeServlet.Seen resumed = seen("B");
        assertEquals(DispatcherType.ASYNC, resumed.dispatcher());
        assertEquals(body, resumed.body());
        Map<String, Object> attributes = resumed.attributes();
        assertEquals("write", attributes.get("mode"));
        assertEquals("B", attributes.get("turn"));
        assertInstanceOf(Long.class, attributes.get("fence"));
        assertEquals(false, attributes.get("leaseLost"));
        assertTrue(attributes.containsKey("permit"), attributes.toString());
        assertFalse(attributes.containsKey("GuardedCall"), "the waiting call's own attribute is gone: " + attributes);
        assertEquals(List.of(), ToolProbe.history.violations());
        calls.awaitNoLockKeys();
    }

    @Test
    void theMcpSdkServerGoesAsyncAgainOnTheDispatchedRequest() throws Exception {
        McpSyncClient client = SdkClients.connect(base);
        try {
            Future<String> holder = threads.submit(() ->
                    SdkClients.text(SdkClients.call(client, "write_item", Map.of("turn", "A", "gate", "sdk-hold"))));
            ToolProbe.awaitEntered("sdk-hold");
            Future<String> write =
                    threads.submit(() -> SdkClients.text(SdkClients.call(client, "write_item", Map.of("turn", "B"))));
            Future<String> elicits = threads.submit(
                    () -> SdkClients.text(SdkClients.call(client, "confirm_write", Map.of("turn", "C"))));
            awaitWaitingCalls(2);
            assertEquals(1, ToolProbe.calls.get(), "a waiting call reached the server");
            ToolProbe.open("sdk-hold");
            assertEquals("write_item mode=write", holder.get(30, TimeUnit.SECONDS));
            assertEquals("write_item mode=write", write.get(30, TimeUnit.SECONDS));
            assertEquals(
                    "answer:ACCEPT", elicits.get(30, TimeUnit.SECONDS)); // an elicitation round trip after resuming
            assertEquals(
                    List.of("A:REQUEST", "B:ASYNC"),
                    ToolProbe.dispatched,
                    "the waiting write resumed on its ASYNC dispatch");
            assertEquals(List.of(), ToolProbe.history.violations());
            calls.awaitNoLockKeys(); // released when the SDK's own async cycle of each resumed call completed
        } finally {
            client.closeGracefully();
        }
    }

    private void awaitWaitingCalls(int count) throws InterruptedException {
        WaitingCalls.awaitTrue(
                () -> calls.lockKeys().stream()
                        .filter(k -> k.endsWith(":waiting"))
                        .findAny()
                        .map(k -> waitingMembers(k) >= count)
                        .orElse(false),
                count + " calls never waited");
    }

    private static long waitingMembers(String key) {
        try (redis.clients.jedis.Jedis jedis =
                new redis.clients.jedis.Jedis(RedisTestServers.standalone(), RedisTestServers.clientConfig())) {
            return jedis.zcard(key);
        }
    }

    @Test
    void aWaitingRequestTheContainerTimesOutLeavesTheQueue() throws Exception {
        String session = "timeout-" + System.nanoTime();
        Future<HttpResponse<String>> holder =
                calls.postAsync(at("/probe?gate=hold-t"), session, "A", WaitingCalls.toolCall("write_item", Map.of()));
        ToolProbe.awaitEntered("hold-t");

        // the container gives up on this request after 300 ms, long before its 30 s acquire timeout
        HttpResponse<String> timedOut =
                calls.post(at("/capped"), session, "B", WaitingCalls.toolCall("write_item", Map.of()));
        assertEquals(200, timedOut.statusCode(), timedOut.body());
        assertTrue(
                timedOut.body().contains("\"code\":-32002") && timedOut.body().contains("\"reason\":\"wait_timeout\""),
                timedOut.body());
        WaitingCalls.awaitTrue(() -> calls.waiting(session) == 0, "the timed-out call still waits in Redis");

        Future<HttpResponse<String>> next =
                calls.postAsync(at("/probe"), session, "C", WaitingCalls.toolCall("write_item", Map.of()));
        calls.awaitWaiting(session, 1);
        ToolProbe.open("hold-t");
        assertEquals(200, holder.get(30, TimeUnit.SECONDS).statusCode());
        HttpResponse<String> served = next.get(30, TimeUnit.SECONDS);
        assertTrue(served.body().contains("\"result\""), served.body());
        assertTrue(WaitProbeServlet.SEEN.stream().noneMatch(s -> "B".equals(s.turn())), "the timed-out call ran");
        assertEquals(List.of(), ToolProbe.history.violations());
        calls.awaitNoLockKeys();
    }
}
