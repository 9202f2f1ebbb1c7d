package dev.turnstile.itwildfly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.Turnstile;
import dev.turnstile.internal.engine.Hashing;
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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.jboss.shrinkwrap.resolver.api.maven.Maven;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * The filter and the {@code @Guarded} CDI interceptor in one WAR on WildFly 39 (Weld of the server,
 * the library's portable extension found in {@code WEB-INF/lib}), against real Redis: the WildFly
 * counterpart of the root project's Tomcat + Weld {@code FilterAndInterceptorIT}.
 *
 * <p>The filter bypasses the {@code bean_*} tools ({@code WEB-INF/turnstile.json}), so the
 * interceptor alone takes their places, in the request's session and turn. The handlers
 * ({@link GuardedToolServlet}) call the beans {@link LedgerTools} and {@link AuditTools}, which wait
 * at server-side {@link Gates} that the test opens over HTTP (the server is another JVM). The test
 * reads the library's Redis keys ({@code <prefix>:{<session hash>}:places} and
 * {@code ...:waiting}, members {@code <turn hash>|w|<token>}) to see places held and writers waiting.
 *
 * <p>Each test fails if the interceptor did nothing: no places would appear in Redis, a write would
 * run beside a read, and no upgrade would be refused.
 */
@ExtendWith(RedisConfigured.class)
@ExtendWith(ArquillianExtension.class)
class InterceptorOnWildFlyIT {

    private static final String PREFIX = "wfcdi" + Long.toHexString(System.nanoTime());
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(60);
    private static final long WAIT_FOR_WRITER_MS = 30_000;

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
                    <init-param><param-name>turnstile.acquire-timeout</param-name><param-value>10s</param-value></init-param>
                    <init-param><param-name>turnstile.classification-file</param-name><param-value>/WEB-INF/turnstile.json</param-value></init-param>
                  </filter>
                  <filter-mapping>
                    <filter-name>turnstile</filter-name>
                    <url-pattern>/mcp/*</url-pattern>
                    <dispatcher>REQUEST</dispatcher>
                    <dispatcher>ASYNC</dispatcher>
                  </filter-mapping>
                  <servlet>
                    <servlet-name>tools</servlet-name>
                    <servlet-class>%s</servlet-class>
                  </servlet>
                  <servlet-mapping><servlet-name>tools</servlet-name><url-pattern>/mcp/*</url-pattern></servlet-mapping>
                </web-app>
                """.formatted(System.getProperty(RedisConfigured.PROPERTY), PREFIX, GuardedToolServlet.class.getName());
        WebArchive war = ShrinkWrap.create(WebArchive.class, "turnstile-wildfly-cdi.war")
                .addClasses(GuardedToolServlet.class, LedgerTools.class, AuditTools.class, Gates.class)
                .addAsLibraries(libs)
                .addAsWebInfResource(
                        new StringAsset("<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" "
                                + "bean-discovery-mode=\"annotated\" version=\"4.0\"/>"),
                        "beans.xml")
                .addAsWebInfResource(new StringAsset("{\"tools\": {\"bean_*\": \"bypass\"}}"), "turnstile.json")
                .setWebXML(new StringAsset(webXml));
        System.out.println("InterceptorOnWildFlyIT deploys " + war.getName() + " with WEB-INF/lib "
                + Arrays.stream(libs).map(File::getName).toList());
        return war;
    }

    @ArquillianResource
    URL deployed;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(HTTP_TIMEOUT)
            .build();
    private Jedis redis;
    private final List<String> gates = new CopyOnWriteArrayList<>();

    @BeforeEach
    void connect() {
        redis = new Jedis(URI.create(System.getProperty(RedisConfigured.PROPERTY)));
    }

    @AfterEach
    void openGatesAndDisconnect() throws Exception {
        try {
            for (String gate : gates) {
                open(gate); // a failed test leaves no call parked in the server
            }
        } finally {
            redis.close();
        }
    }

    @Test
    void shouldRunReadsOfTwoBeansOfOneTurnTogether() throws Exception {
        String session = newSession();
        String a = gate("balance");
        String b = gate("look");
        CompletableFuture<HttpResponse<String>> balance = callAsync(session, "t", "bean_balance", a);
        CompletableFuture<HttpResponse<String>> look = callAsync(session, "t", "bean_look", b);

        // both inside at once: neither gate is open yet
        awaitEntered(a);
        awaitEntered(b);
        List<String> places = places(session);
        assertEquals(2, places.size(), "the interceptor did not hold a place for each read: " + places);
        assertTrue(places.stream().allMatch(p -> p.startsWith("r:")), "not two read places: " + places);

        open(a);
        open(b);
        assertResult(balance.get(60, TimeUnit.SECONDS), "balance", null);
        assertResult(look.get(60, TimeUnit.SECONDS), "looked", null);
        assertEquals(List.of(), places(session), "places left behind");
    }

    @Test
    void shouldKeepAWriteOfOneBeanOutWhileAReadOfTheOtherIsInsideItsTurn() throws Exception {
        String session = newSession();
        String r = gate("look");
        String w = gate("refund");
        CompletableFuture<HttpResponse<String>> read = callAsync(session, "t", "bean_look", r);
        awaitEntered(r);

        CompletableFuture<HttpResponse<String>> write = callAsync(session, "t", "bean_refund", w);
        assertTrue(
                awaitWaitingWriter(session, "t", w),
                "no waiting writer of turn t in Redis (the write entered, or neither happened)");
        assertFalse(entered(w), "a write ran beside a read of its turn");

        open(r);
        assertResult(read.get(60, TimeUnit.SECONDS), "looked", null);
        awaitEntered(w);
        List<String> places = places(session);
        assertEquals(1, places.size(), "the write does not run alone: " + places);
        assertTrue(places.get(0).startsWith("w:"), "not a write place: " + places);
        open(w);
        assertResult(write.get(60, TimeUnit.SECONDS), "refunded", null);
    }

    @Test
    void shouldReenterTheFiltersWritePlaceFromAReadOfABean() throws Exception {
        String session = newSession();
        String l = gate("look");
        String n = gate("note");
        // the filter holds a write of turn t; AuditTools.look() (READ) of the same turn would wait for it
        // (until busy) if it asked Redis: it re-enters the request's place instead
        CompletableFuture<HttpResponse<String>> outer = callAsync(session, "t", "write_then_look", l);
        awaitEntered(l);
        List<String> places = places(session);
        assertEquals(1, places.size(), "the re-entered read took a place of its own: " + places);
        assertTrue(places.get(0).startsWith("w:"), "not the filter's write place: " + places);

        // that place is the filter's write: a bean write of the same turn, guarded by the interceptor, waits for it
        CompletableFuture<HttpResponse<String>> note = callAsync(session, "t", "bean_note", n);
        assertTrue(
                awaitWaitingWriter(session, "t", n),
                "no waiting writer of turn t in Redis (the bean write entered, or neither happened)");
        assertFalse(entered(n), "a bean write ran beside the filter's write of its turn");

        open(l);
        assertResult(outer.get(60, TimeUnit.SECONDS), "reentered:looked", "write");
        awaitEntered(n);
        open(n);
        assertResult(note.get(60, TimeUnit.SECONDS), "noted", null);
        assertEquals(List.of(), places(session), "places left behind");
    }

    @Test
    void shouldRefuseABeanWriteUnderTheFiltersReadNamingTheMethod() throws Exception {
        String session = newSession();
        HttpResponse<String> r = callAsync(session, "t", "get_then_fix", null).get(60, TimeUnit.SECONDS);
        JsonObject result = result(r);
        assertEquals("read", result.getString("mode"), r.body());
        String text = result.getString("text");
        assertTrue(
                text.startsWith("upgrade refused: ") && text.contains("LedgerTools.fix() needs a write place"),
                "no LockUpgradeException naming LedgerTools.fix(): " + r.body());
        assertEquals(List.of(), places(session), "places left behind");
    }

    // --- Redis (read only: the library's key layout) ---

    private String base(String session) {
        return PREFIX + ":{" + Turnstile.sessionHash(session) + "}:";
    }

    /** The members ({@code r:<token>} or {@code w:<token>}) of the session's places. */
    private List<String> places(String session) {
        return redis.zrange(base(session) + "places", 0, -1);
    }

    /**
     * Polls until a writer of the turn is marked waiting in Redis or the call at {@code gate} entered
     * (the latter only when the write was not kept out); true when the waiting mark was seen.
     */
    private boolean awaitWaitingWriter(String session, String turn, String gate) throws Exception {
        String waiting = base(session) + "waiting";
        String writer = Hashing.turnHash(turn) + "|w|"; // the key layout is internal: this test checks it on purpose
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_FOR_WRITER_MS);
        while (System.nanoTime() - deadline < 0) {
            if (redis.zrange(waiting, 0, -1).stream().anyMatch(m -> m.startsWith(writer))) {
                return true;
            }
            if (entered(gate)) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return false;
    }

    // --- HTTP ---

    private static String newSession() {
        return "wildfly-cdi-" + UUID.randomUUID();
    }

    private String gate(String name) {
        String gate = name + "-" + UUID.randomUUID();
        gates.add(gate);
        return gate;
    }

    private CompletableFuture<HttpResponse<String>> callAsync(String session, String turn, String tool, String gate) {
        String arguments = gate == null ? "{}" : "{\"gate\":\"" + gate + "\"}";
        String body = """
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"%s","arguments":%s}}""".formatted(tool, arguments);
        HttpRequest request = HttpRequest.newBuilder(uri("/mcp"))
                .timeout(HTTP_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Mcp-Session-Id", session)
                .header("X-Mcp-Turn-Id", turn)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private void awaitEntered(String gate) throws Exception {
        HttpResponse<String> r = get("/mcp/await?gate=" + gate);
        assertEquals(200, r.statusCode(), "no call got inside at gate " + gate + ": " + r.body());
    }

    private boolean entered(String gate) throws Exception {
        return Boolean.parseBoolean(get("/mcp/entered?gate=" + gate).body());
    }

    private void open(String gate) throws Exception {
        assertEquals(200, get("/mcp/open?gate=" + gate).statusCode());
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

    private static JsonObject result(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        try (JsonReader reader = Json.createReader(new StringReader(r.body()))) {
            JsonObject answer = reader.readObject();
            assertTrue(answer.containsKey("result"), "not a result (busy?): " + r.body());
            return answer.getJsonObject("result");
        }
    }

    /** A tool result with this text, run under the filter's mode ({@code null}: the filter bypassed it). */
    private static void assertResult(HttpResponse<String> r, String text, String filterMode) {
        JsonObject result = result(r);
        assertEquals(text, result.getString("text"), r.body());
        if (filterMode == null) {
            assertTrue(result.isNull("mode"), "the filter guarded a bean-only tool: " + r.body());
        } else {
            assertEquals(filterMode, result.getString("mode"), r.body());
        }
    }
}
