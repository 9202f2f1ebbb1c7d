package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.internal.engine.RedisTestServers;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
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

/**
 * The filter and the {@code @Guarded} interceptor in one WAR (embedded Tomcat + Weld servlet, real
 * Redis): the interceptor guards bean methods by the same rules, shares the filter's engine, and
 * re-enters the filter's place.
 */
@ExtendWith(ArquillianExtension.class)
class FilterAndInterceptorIT {

    static final String PREFIX = "cdi" + Long.toHexString(System.nanoTime());

    @Deployment(testable = false)
    static WebArchive deployment() {
        StringBuilder params = new StringBuilder();
        TestWars.params(
                        PREFIX,
                        "turnstile.acquire-timeout",
                        "10s",
                        "turnstile.classification-file",
                        "/WEB-INF/turnstile.json")
                .forEach((k, v) -> params.append("<init-param><param-name>")
                        .append(k)
                        .append("</param-name><param-value>")
                        .append(v)
                        .append("</param-value></init-param>"));
        String webXml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <filter><filter-name>turnstile</filter-name><filter-class>dev.turnstile.servlet.TurnstileFilter</filter-class>
                    <async-supported>true</async-supported>%s</filter>
                  <filter-mapping><filter-name>turnstile</filter-name><url-pattern>/mcp/*</url-pattern>
                    <dispatcher>REQUEST</dispatcher><dispatcher>ASYNC</dispatcher></filter-mapping>
                  <servlet><servlet-name>tools</servlet-name><servlet-class>%s</servlet-class></servlet>
                  <servlet-mapping><servlet-name>tools</servlet-name><url-pattern>/mcp</url-pattern></servlet-mapping>
                </web-app>
                """.formatted(params, CdiToolServlet.class.getName());
        return ShrinkWrap.create(WebArchive.class, "cdi.war")
                .addClasses(CdiToolServlet.class, CdiTools.class, CdiTools.Ledger.class, CdiTools.Audit.class)
                .addAsWebInfResource(
                        new StringAsset("<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" "
                                + "bean-discovery-mode=\"annotated\" version=\"4.0\"/>"),
                        "beans.xml")
                .addAsWebInfResource(new StringAsset("{\"tools\": {\"bean_*\": \"bypass\"}}"), "turnstile.json")
                .setWebXML(new StringAsset(webXml));
    }

    @ArquillianResource
    URL base;

    private URI endpoint;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() {
        RedisTestServers.standalone();
        ToolProbe.reset();
        endpoint = URI.create(base + "mcp");
    }

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
    }

    private String call(String session, String turn, String tool, String gate) throws Exception {
        Map<String, Object> args = gate == null ? Map.of() : Map.of("gate", gate);
        HttpResponse<String> r = McpHttp.send(endpoint, session, turn, McpHttp.toolCall(1, tool, args));
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private Future<String> callAsync(String session, String turn, String tool, String gate) {
        return threads.submit(() -> call(session, turn, tool, gate));
    }

    @Test
    void readsOfTwoBeansInOneTurnRunTogether() throws Exception {
        Future<String> a = callAsync("s1", "t", "bean_balance", "a");
        Future<String> b = callAsync("s1", "t", "bean_look", "b");
        ToolProbe.awaitEntered("a");
        ToolProbe.awaitEntered("b");
        ToolProbe.open("a");
        ToolProbe.open("b");
        assertTrue(a.get(30, TimeUnit.SECONDS).contains("balance"));
        assertTrue(b.get(30, TimeUnit.SECONDS).contains("looked"));
    }

    @Test
    void aWriteOfOneBeanWaitsForAReadOfTheOther() throws Exception {
        Future<String> read = callAsync("s2", "t", "bean_look", "r");
        ToolProbe.awaitEntered("r");
        Future<String> write = callAsync("s2", "t", "bean_refund", "w");
        for (int i = 0;
                i < 3000
                        && RedisTestServers.keys(List.of(RedisTestServers.standalone()), PREFIX).stream()
                                .noneMatch(k -> k.endsWith(":waiting"));
                i++) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertFalse(ToolProbe.hasEntered("w"), "a write ran beside a read of its turn");
        ToolProbe.open("r");
        ToolProbe.awaitEntered("w");
        ToolProbe.open("w");
        assertTrue(write.get(30, TimeUnit.SECONDS).contains("refunded"));
        read.get(30, TimeUnit.SECONDS);
    }

    @Test
    void concurrentBeanCallsOnOneSessionObeyTheRules() throws Exception {
        String[] tools = {"bean_refund", "bean_note", "bean_balance", "bean_look"};
        List<Future<?>> calls = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            calls.add(threads.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 20; i++) {
                    call("s3", random.nextBoolean() ? "A" : "B", tools[random.nextInt(tools.length)], null);
                }
                return null;
            }));
        }
        for (Future<?> f : calls) {
            f.get(2, TimeUnit.MINUTES);
        }
        assertEquals(120, ToolProbe.history.size());
        assertEquals(List.of(), ToolProbe.history.violations());
    }

    @Test
    void aBeanCalledUnderTheFiltersWriteReentersItsPlace() throws Exception {
        // the filter holds a write of turn t; the bean's read of the same turn would wait forever
        // (until busy) if it asked the store: it re-enters instead
        assertTrue(call("s4", "t", "write_then_look", null).contains("reentered:looked"));
    }

    @Test
    void aBeanWriteUnderTheFiltersReadFailsFast() throws Exception {
        String body = call("s5", "t", "get_then_fix", null);
        assertTrue(body.contains("upgrade refused") && body.contains("Ledger.fix()"), body);
    }
}
