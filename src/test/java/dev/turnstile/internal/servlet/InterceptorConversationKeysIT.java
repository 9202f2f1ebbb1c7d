package dev.turnstile.internal.servlet;

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
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code @Guarded} beans behind the filter, for calls the filter bypasses (so that the interceptor
 * takes their places), when the conversation is keyed by a {@code params._meta} source: the
 * interceptor must lock the conversation the filter would lock.
 */
@ExtendWith(ArquillianExtension.class)
class InterceptorConversationKeysIT {

    static final String PREFIX = "ick" + Long.toHexString(System.nanoTime());

    @Deployment(testable = false)
    static WebArchive deployment() {
        StringBuilder params = new StringBuilder();
        TestWars.params(
                        PREFIX,
                        "turnstile.acquire-timeout",
                        "300ms",
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
        return ShrinkWrap.create(WebArchive.class, "cdikeys.war")
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

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() {
        RedisTestServers.standalone();
        ToolProbe.reset();
    }

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
    }

    /** A legacy-era call without a session id, its conversation in {@code _meta.sessionID} (opencode). */
    private RawPost refund(String conversation, String turn, String gate) {
        return RawPost.legacyCall(base, "bean_refund", "")
                .turn(turn)
                .rawBody("{\"jsonrpc\":\"2.0\",\"id\":1,"
                        + "\"method\":\"tools/call\",\"params\":{\"name\":\"bean_refund\",\"arguments\":{\"gate\":\""
                        + gate
                        + "\"},\"_meta\":{\"sessionID\":\"" + conversation + "\"}}}");
    }

    @Test
    void twoTurnsOfAConversationKeyedInMetaDoNotRunTogetherInGuardedBeans() throws Exception {
        String c = "conv-" + System.nanoTime();
        Future<HttpResponse<String>> held =
                threads.submit(() -> refund(c, "A", "k1").send());
        ToolProbe.awaitEntered("k1");
        ToolProbe.open("k2");
        HttpResponse<String> other = refund(c, "B", "k2").send();
        ToolProbe.open("k1");
        held.get(30, TimeUnit.SECONDS);
        assertTrue(
                other.body().contains("\"reason\":\"session_busy\""),
                "a write of turn B ran beside a write of turn A of the same conversation: " + other.body());
    }
}
