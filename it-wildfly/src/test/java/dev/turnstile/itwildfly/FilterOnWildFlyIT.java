package dev.turnstile.itwildfly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.Turnstile;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.File;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.jboss.shrinkwrap.resolver.api.maven.Maven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * TurnstileFilter registered in web.xml exactly as on Tomcat (see the root project's TestWars), on
 * WildFly 39 (Jakarta EE 10) in its own JVM, against real Redis. The library and its runtime
 * dependencies travel in WEB-INF/lib; the server behind the filter is {@link HoldingServlet}.
 */
@ExtendWith(RedisConfigured.class)
@ExtendWith(ArquillianExtension.class)
class FilterOnWildFlyIT {

    private static final String PREFIX = "wfit" + Long.toHexString(System.nanoTime());
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);

    @Deployment(testable = false)
    static WebArchive deployment() {
        File[] libs = Maven.configureResolver()
                .workOffline()
                .loadPomFromFile(System.getProperty("turnstile.it.pom", "pom.xml"))
                .importCompileAndRuntimeDependencies()
                .resolve()
                .withTransitivity()
                .asFile();
        String webXml =
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <filter>
                    <filter-name>turnstile</filter-name>
                    <filter-class>dev.turnstile.servlet.TurnstileFilter</filter-class>
                    <async-supported>true</async-supported>
                    <init-param><param-name>turnstile.redis-url</param-name><param-value>%s</param-value></init-param>
                    <init-param><param-name>turnstile.key-prefix</param-name><param-value>%s</param-value></init-param>
                    <init-param><param-name>turnstile.acquire-timeout</param-name><param-value>2s</param-value></init-param>
                  </filter>
                  <filter-mapping>
                    <filter-name>turnstile</filter-name>
                    <url-pattern>/mcp/*</url-pattern>
                    <dispatcher>REQUEST</dispatcher>
                    <dispatcher>ASYNC</dispatcher>
                  </filter-mapping>
                  <servlet>
                    <servlet-name>mcp</servlet-name>
                    <servlet-class>%s</servlet-class>
                    <async-supported>true</async-supported>
                  </servlet>
                  <servlet-mapping><servlet-name>mcp</servlet-name><url-pattern>/mcp/*</url-pattern></servlet-mapping>
                </web-app>
                """.formatted(System.getProperty(RedisConfigured.PROPERTY), PREFIX, HoldingServlet.class.getName());
        WebArchive war = ShrinkWrap.create(WebArchive.class, "turnstile-wildfly.war")
                .addClass(HoldingServlet.class)
                .addAsLibraries(libs)
                .setWebXML(new StringAsset(webXml));
        System.out.println("FilterOnWildFlyIT deploys " + war.getName() + " with WEB-INF/lib "
                + Arrays.stream(libs).map(File::getName).toList());
        return war;
    }

    @ArquillianResource
    URL deployed;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();

    @Test
    void shouldRunAToolCallWriteGuardedAsAWrite() throws Exception {
        HttpResponse<String> r = post(newSession(), null, toolCall(1, "write_item", "{}"));
        assertEquals(200, r.statusCode(), r.body());
        JsonObject result = json(r).getJsonObject("result");
        assertEquals("write_item", result.getString("tool"));
        assertEquals("write", result.getString("mode"), "the servlet did not see the filter's mode attribute");
    }

    @Test
    void shouldAnswerBusyToAnotherTurnWhileAnAsyncWriteIsHeldAndLetItInAfterRelease() throws Exception {
        String session = newSession();
        String gate = "a-" + UUID.randomUUID();
        CompletableFuture<HttpResponse<String>> turnA =
                postAsync(session, "A", toolCall(1, HoldingServlet.HOLD_TOOL, "{\"gate\":\"" + gate + "\"}"));
        assertEquals(200, get("/mcp/await?gate=" + gate).statusCode(), "turn A never reached the servlet");

        HttpResponse<String> busy = post(session, "B", toolCall(2, "write_item", "{}"));
        assertEquals(200, busy.statusCode(), busy.body());
        JsonObject error = json(busy).getJsonObject("error");
        assertEquals(-32002, error.getInt("code"), busy.body());
        assertEquals("session_busy", error.getJsonObject("data").getString("reason"), busy.body());
        assertEquals(2, json(busy).getInt("id"));
        assertTrue(
                busy.headers().firstValue("Retry-After").isPresent(),
                "no Retry-After header: " + busy.headers().map());
        assertFalse(turnA.isDone(), "turn A was answered before it was released");

        assertEquals(200, get("/mcp/release?gate=" + gate).statusCode());
        HttpResponse<String> a = turnA.get(30, TimeUnit.SECONDS);
        assertEquals(200, a.statusCode(), a.body());
        assertEquals("write", json(a).getJsonObject("result").getString("mode"));

        HttpResponse<String> b = post(session, "B", toolCall(3, "write_item", "{}"));
        assertEquals(200, b.statusCode(), b.body());
        assertEquals(
                "write",
                json(b).getJsonObject("result").getString("mode"),
                "turn B did not get in after the held async call completed: " + b.body());
    }

    @Test
    void shouldResumeAWaitingCallOnItsAsyncDispatchWithItsBodyOnceThePlaceIsFree() throws Exception {
        String session = newSession();
        String gate = "w-" + UUID.randomUUID();
        CompletableFuture<HttpResponse<String>> turnA =
                postAsync(session, "A", toolCall(1, HoldingServlet.HOLD_TOOL, "{\"gate\":\"" + gate + "\"}"));
        assertEquals(200, get("/mcp/await?gate=" + gate).statusCode(), "turn A never reached the servlet");
        String marker = "waited-" + UUID.randomUUID();
        CompletableFuture<HttpResponse<String>> turnB =
                postAsync(session, "B", toolCall(2, "write_item", "{\"note\":\"" + marker + "\"}"));
        awaitWaiting(session); // B waits without a thread: its request went async
        assertEquals("false", get("/mcp/forwarded?contains=" + marker).body(), "turn B ran beside turn A");

        assertEquals(200, get("/mcp/release?gate=" + gate).statusCode());
        assertEquals(200, turnA.get(30, TimeUnit.SECONDS).statusCode());
        HttpResponse<String> b = turnB.get(30, TimeUnit.SECONDS);
        JsonObject result = json(b).getJsonObject("result");
        assertEquals("write", result.getString("mode"), b.body());
        assertEquals(
                "ASYNC", result.getString("dispatcher"), "turn B did not resume on its ASYNC dispatch: " + b.body());
        assertEquals("true", get("/mcp/forwarded?contains=" + marker).body(), "the resumed call lost its body");
    }

    /** Polls (bounded) until a call of the session waits in Redis. */
    private static void awaitWaiting(String session) throws InterruptedException {
        String waiting = PREFIX + ":{" + Turnstile.sessionHash(session) + "}:waiting";
        try (Jedis redis = new Jedis(URI.create(System.getProperty(RedisConfigured.PROPERTY)))) {
            for (int i = 0; i < 1000 && redis.zcard(waiting) == 0; i++) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertTrue(redis.zcard(waiting) > 0, "turn B never waited");
        }
    }

    @Test
    void shouldRejectABodyThatIsNotJsonWithoutForwardingIt() throws Exception {
        String marker = "not-json-" + UUID.randomUUID();
        HttpResponse<String> r = post(newSession(), null, "{this is " + marker);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(-32700, json(r).getJsonObject("error").getInt("code"), r.body());
        assertEquals(
                "false",
                get("/mcp/forwarded?contains=" + marker).body(),
                "the filter forwarded a body it could not parse");
    }

    @Test
    void shouldPassInitializeWithoutASessionThrough() throws Exception {
        String marker = "client-" + UUID.randomUUID();
        String initialize = """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",\
                "capabilities":{},"clientInfo":{"name":"%s","version":"1"}}}""".formatted(marker);
        HttpResponse<String> r = post(null, null, initialize);
        assertEquals(200, r.statusCode(), r.body());
        JsonObject result = json(r).getJsonObject("result");
        assertTrue(result.isNull("mode"), "initialize was guarded: " + r.body());
        assertEquals("true", get("/mcp/forwarded?contains=" + marker).body());
    }

    private static String newSession() {
        return "wildfly-" + UUID.randomUUID();
    }

    private static String toolCall(int id, String tool, String arguments) {
        return """
                {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"%s","arguments":%s}}""".formatted(id, tool, arguments);
    }

    private HttpResponse<String> post(String session, String turn, String body) throws Exception {
        return postAsync(session, turn, body).get(60, TimeUnit.SECONDS);
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String session, String turn, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/mcp"))
                .timeout(HTTP_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        if (turn != null) {
            b.header("X-Mcp-Turn-Id", turn);
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path)).timeout(HTTP_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The deployment's URL on loopback: WildFly may advertise another address of the machine. */
    private URI uri(String path) {
        URI base = URI.create(deployed.toString());
        String context = base.getPath().endsWith("/") ? base.getPath() : base.getPath() + "/";
        return URI.create("http://127.0.0.1:" + base.getPort() + context + path.substring(1));
    }

    private static JsonObject json(HttpResponse<String> r) {
        try (JsonReader reader = Json.createReader(new StringReader(r.body()))) {
            return reader.readObject();
        }
    }
}
