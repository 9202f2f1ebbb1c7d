package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.internal.engine.RedisTestServers;
import jakarta.servlet.DispatcherType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Registrations that keep a call from waiting without a thread, as a user could write them, and
 * what the filter does about each, seen at the first call that has to wait (no Servlet API tells
 * it at start): mapped for REQUEST only (the ASYNC dispatch runs the server without the filter:
 * one ERROR, the place released, later calls wait on their thread); the filter not
 * async-supported (one WARN, calls wait on their thread); a filter after Turnstile that is not
 * mapped for ASYNC (skipped on the dispatch of a call that waited: why Turnstile must be the last
 * filter, or every later filter mapped for ASYNC too).
 */
@ExtendWith(ArquillianExtension.class)
class FilterMisregistrationIT {

    static final String PREFIX = "misreg" + Long.toHexString(System.nanoTime());

    @Deployment(name = "request-only", testable = false)
    static WebArchive requestOnly() {
        return war("request-only", "", true, "");
    }

    @Deployment(name = "not-async", testable = false)
    static WebArchive notAsyncSupported() {
        return war("not-async", "<dispatcher>REQUEST</dispatcher><dispatcher>ASYNC</dispatcher>", false, "");
    }

    @Deployment(name = "late-filters", testable = false)
    static WebArchive lateFilters() {
        String markers = """
                  <filter><filter-name>requestOnly</filter-name><filter-class>%1$s</filter-class>
                    <async-supported>true</async-supported></filter>
                  <filter-mapping><filter-name>requestOnly</filter-name><url-pattern>/probe/*</url-pattern></filter-mapping>
                  <filter><filter-name>alsoAsync</filter-name><filter-class>%1$s</filter-class>
                    <async-supported>true</async-supported></filter>
                  <filter-mapping><filter-name>alsoAsync</filter-name><url-pattern>/probe/*</url-pattern>
                    <dispatcher>REQUEST</dispatcher><dispatcher>ASYNC</dispatcher></filter-mapping>
                """.formatted(MarkerFilter.class.getName());
        return war("late-filters", "<dispatcher>REQUEST</dispatcher><dispatcher>ASYNC</dispatcher>", true, markers);
    }

    /** The probe servlet at /probe behind the Turnstile filter, mapped with {@code dispatchers}, then {@code after}. */
    private static WebArchive war(String name, String dispatchers, boolean asyncFilter, String after) {
        StringBuilder params = new StringBuilder();
        TestWars.params(PREFIX + name, "turnstile.acquire-timeout", "30s")
                .forEach((k, v) -> params.append("<init-param><param-name>")
                        .append(k)
                        .append("</param-name><param-value>")
                        .append(v)
                        .append("</param-value></init-param>"));
        String webXml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <filter><filter-name>turnstile</filter-name><filter-class>dev.turnstile.servlet.TurnstileFilter</filter-class>
                    <async-supported>%s</async-supported>%s</filter>
                  <filter-mapping><filter-name>turnstile</filter-name><url-pattern>/probe/*</url-pattern>%s</filter-mapping>
                %s
                  <servlet><servlet-name>probe</servlet-name><servlet-class>%s</servlet-class>
                    <async-supported>true</async-supported></servlet>
                  <servlet-mapping><servlet-name>probe</servlet-name><url-pattern>/probe/*</url-pattern></servlet-mapping>
                </web-app>
                """.formatted(asyncFilter, params, dispatchers, after, WaitProbeServlet.class.getName());
        return ShrinkWrap.create(WebArchive.class, name + ".war").setWebXML(new StringAsset(webXml));
    }

    @ArquillianResource
    @OperateOnDeployment("request-only")
    URL requestOnly;

    @ArquillianResource
    @OperateOnDeployment("not-async")
    URL notAsync;

    @ArquillianResource
    @OperateOnDeployment("late-filters")
    URL lateFilters;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream stderr;

    @BeforeEach
    void setUp() {
        RedisTestServers.standalone();
        ToolProbe.reset();
        WaitProbeServlet.SEEN.clear();
        stderr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(stderr);
    }

    @Test
    void mappedForRequestOnlyTheResumedCallIsReportedOnceReleasedAndLaterCallsWaitOnTheirThread() throws Exception {
        try (WaitingCalls calls = new WaitingCalls(PREFIX + "request-only")) {
            Round first = waitBehindAHolder(calls, probe(requestOnly), "r1");
            WaitProbeServlet.Seen resumed = seen(first.turn());
            assertEquals(DispatcherType.ASYNC, resumed.dispatcher());
            assertEquals(first.body(), resumed.body(), "the dispatched request replays the body");
            assertFalse(
                    resumed.attributes().containsKey("mode"),
                    "the server ran without the filter: " + resumed.attributes());
            calls.awaitNoLockKeys(); // the place granted to it was released when its request completed

            Round second = waitBehindAHolder(calls, probe(requestOnly), "r2");
            WaitProbeServlet.Seen blocked = seen(second.turn());
            assertEquals(DispatcherType.REQUEST, blocked.dispatcher(), "after the first, calls wait on their thread");
            assertEquals(second.body(), blocked.body());
            assertEquals("write", blocked.attributes().get("mode"));
            calls.awaitNoLockKeys();
        }
        String out = log.toString(StandardCharsets.UTF_8);
        assertEquals(1, count(out, "without passing through the Turnstile filter"), out);
        assertTrue(
                out.contains("ERROR")
                        && out.contains("<dispatcher>ASYNC</dispatcher>")
                        && out.contains("EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC)"),
                out);
    }

    @Test
    void aFilterThatIsNotAsyncSupportedIsWarnedAboutOnceAndCallsWaitOnTheirThread() throws Exception {
        try (WaitingCalls calls = new WaitingCalls(PREFIX + "not-async")) {
            for (String round : new String[] {"n1", "n2"}) {
                Round r = waitBehindAHolder(calls, probe(notAsync), round);
                WaitProbeServlet.Seen seen = seen(r.turn());
                assertEquals(DispatcherType.REQUEST, seen.dispatcher());
                assertEquals(r.body(), seen.body());
                assertEquals("write", seen.attributes().get("mode"));
            }
            calls.awaitNoLockKeys();
        }
        String out = log.toString(StandardCharsets.UTF_8);
        assertEquals(1, count(out, "is not async-supported"), out);
        assertTrue(out.contains("WARN") && out.contains("<async-supported>true</async-supported>"), out);
    }

    @Test
    void aFilterAfterTurnstileThatIsNotMappedForAsyncIsSkippedForACallThatWaited() throws Exception {
        try (WaitingCalls calls = new WaitingCalls(PREFIX + "late-filters")) {
            Round r = waitBehindAHolder(calls, probe(lateFilters), "l1");
            assertEquals(
                    Map.of("requestOnly", "REQUEST", "alsoAsync", "REQUEST"),
                    markers(seen(r.holder())),
                    "a call that did not wait passes every filter");
            WaitProbeServlet.Seen resumed = seen(r.turn());
            assertEquals(DispatcherType.ASYNC, resumed.dispatcher());
            assertEquals(r.body(), resumed.body());
            assertEquals(
                    Map.of("alsoAsync", "ASYNC"),
                    markers(resumed),
                    "a call that waited passes only the filters after Turnstile that are mapped for ASYNC");
            calls.awaitNoLockKeys();
        }
    }

    /** One call that holds the session at a gate, one of another turn that waits for it; both answered. */
    private record Round(String holder, String turn, String body) {}

    private static Round waitBehindAHolder(WaitingCalls calls, URI probe, String name) throws Exception {
        String session = "misreg-" + name + "-" + System.nanoTime();
        Round round = new Round(
                name + "-holder", name + "-waiter", WaitingCalls.toolCall("write_item", Map.of("note", name)));
        Future<HttpResponse<String>> holder = calls.postAsync(
                URI.create(probe + "?gate=" + name),
                session,
                round.holder(),
                WaitingCalls.toolCall("write_item", Map.of()));
        ToolProbe.awaitEntered(name);
        Future<HttpResponse<String>> waiter = calls.postAsync(probe, session, round.turn(), round.body());
        calls.awaitWaiting(session, 1);
        ToolProbe.open(name);
        assertEquals(200, holder.get(30, TimeUnit.SECONDS).statusCode());
        HttpResponse<String> answer = waiter.get(30, TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode(), answer.body());
        return round;
    }

    private static URI probe(URL base) {
        return URI.create(base.toExternalForm().replaceAll("/$", "") + "/probe");
    }

    private static WaitProbeServlet.Seen seen(String turn) {
        return WaitProbeServlet.SEEN.stream()
                .filter(s -> turn.equals(s.turn()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no call of turn " + turn + " reached the server"));
    }

    private static Map<String, Object> markers(WaitProbeServlet.Seen seen) {
        Map<String, Object> markers = new java.util.TreeMap<>(seen.attributes());
        markers.keySet().retainAll(java.util.Set.of("requestOnly", "alsoAsync"));
        return markers;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
