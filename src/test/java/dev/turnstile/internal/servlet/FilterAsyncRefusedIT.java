package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.turnstile.internal.engine.RedisTestServers;
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
 * A filter before Turnstile that refuses the ASYNC pass of a call that waited (say, 401 from an
 * authorisation re-check) is no misregistration: the call gives its place back, no ERROR is
 * logged, and later calls still wait without a thread (they are resumed on an ASYNC dispatch).
 */
@ExtendWith(ArquillianExtension.class)
class FilterAsyncRefusedIT {

    static final String PREFIX = "gate" + Long.toHexString(System.nanoTime());

    @Deployment(name = "gate", testable = false)
    static WebArchive gate() {
        StringBuilder params = new StringBuilder();
        TestWars.params(PREFIX + "gate", "turnstile.acquire-timeout", "30s")
                .forEach((k, v) -> params.append("<init-param><param-name>")
                        .append(k)
                        .append("</param-name><param-value>")
                        .append(v)
                        .append("</param-value></init-param>"));
        String webXml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <filter><filter-name>gate</filter-name><filter-class>%s</filter-class>
                    <async-supported>true</async-supported></filter>
                  <filter-mapping><filter-name>gate</filter-name><url-pattern>/probe/*</url-pattern>
                    <dispatcher>REQUEST</dispatcher><dispatcher>ASYNC</dispatcher></filter-mapping>
                  <filter><filter-name>turnstile</filter-name><filter-class>dev.turnstile.servlet.TurnstileFilter</filter-class>
                    <async-supported>true</async-supported>%s</filter>
                  <filter-mapping><filter-name>turnstile</filter-name><url-pattern>/probe/*</url-pattern>
                    <dispatcher>REQUEST</dispatcher><dispatcher>ASYNC</dispatcher></filter-mapping>
                  <servlet><servlet-name>probe</servlet-name><servlet-class>%s</servlet-class>
                    <async-supported>true</async-supported></servlet>
                  <servlet-mapping><servlet-name>probe</servlet-name><url-pattern>/probe/*</url-pattern></servlet-mapping>
                </web-app>
                """.formatted(AsyncRefusingFilter.class.getName(), params, WaitProbeServlet.class.getName());
        return ShrinkWrap.create(WebArchive.class, "gate.war").setWebXML(new StringAsset(webXml));
    }

    @ArquillianResource
    @OperateOnDeployment("gate")
    URL gate;

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
    void anAsyncPassRefusedByAnEarlierFilterIsNotTakenForMisregistration() throws Exception {
        URI probe = URI.create(gate.toExternalForm().replaceAll("/$", "") + "/probe");
        try (WaitingCalls calls = new WaitingCalls(PREFIX + "gate")) {
            assertEquals(401, round(calls, probe, "g1", "g1-waiter-deny"));
            calls.awaitNoLockKeys();
            assertEquals(200, round(calls, probe, "g2", "g2-waiter"));
        }
        WaitProbeServlet.Seen later = WaitProbeServlet.SEEN.stream()
                .filter(s -> "g2-waiter".equals(s.turn()))
                .findFirst()
                .orElseThrow();
        assertEquals(
                jakarta.servlet.DispatcherType.ASYNC, later.dispatcher(), "the later call waited without a thread");
        String out = log.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("ERROR"), out);
    }

    private static int round(WaitingCalls calls, URI probe, String name, String waiterTurn) throws Exception {
        String session = "gate-" + name + "-" + System.nanoTime();
        Future<HttpResponse<String>> holder = calls.postAsync(
                URI.create(probe + "?gate=" + name),
                session,
                name + "-holder",
                WaitingCalls.toolCall("write_item", Map.of()));
        ToolProbe.awaitEntered(name);
        Future<HttpResponse<String>> waiter =
                calls.postAsync(probe, session, waiterTurn, WaitingCalls.toolCall("write_item", Map.of("n", name)));
        calls.awaitWaiting(session, 1);
        ToolProbe.open(name);
        holder.get(30, TimeUnit.SECONDS);
        return waiter.get(30, TimeUnit.SECONDS).statusCode();
    }
}
