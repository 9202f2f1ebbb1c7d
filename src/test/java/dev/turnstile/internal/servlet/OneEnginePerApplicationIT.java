package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.turnstile.internal.engine.RedisTestServers;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A web application has exactly one engine, also when a {@code @Guarded} bean is created at
 * start-up, before the filter's {@code init()} (embedded Tomcat + Weld servlet, real Redis).
 */
@ExtendWith(ArquillianExtension.class)
class OneEnginePerApplicationIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        StringBuilder params = new StringBuilder();
        TestWars.params("one" + Long.toHexString(System.nanoTime()))
                .forEach((k, v) -> params.append("<init-param><param-name>")
                        .append(k)
                        .append("</param-name><param-value>")
                        .append(v)
                        .append("</param-value></init-param>"));
        String webXml =
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <listener><listener-class>%s</listener-class></listener>
                  <filter><filter-name>turnstile</filter-name><filter-class>dev.turnstile.servlet.TurnstileFilter</filter-class>
                    <async-supported>true</async-supported>%s</filter>
                  <filter-mapping><filter-name>turnstile</filter-name><url-pattern>/mcp/*</url-pattern>
                    <dispatcher>REQUEST</dispatcher><dispatcher>ASYNC</dispatcher></filter-mapping>
                  <servlet><servlet-name>report</servlet-name><servlet-class>%s</servlet-class></servlet>
                  <servlet-mapping><servlet-name>report</servlet-name><url-pattern>/engine</url-pattern></servlet-mapping>
                </web-app>
                """.formatted(EarlyToolBean.Listener.class.getName(), params, EngineReportServlet.class.getName());
        return ShrinkWrap.create(WebArchive.class, "one-engine.war")
                .addClasses(EarlyToolBean.class, EarlyToolBean.Listener.class, EngineReportServlet.class)
                .addAsWebInfResource(
                        new StringAsset("<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" "
                                + "bean-discovery-mode=\"annotated\" version=\"4.0\"/>"),
                        "beans.xml")
                .setWebXML(new StringAsset(webXml));
    }

    @ArquillianResource
    URL base;

    @Test
    void aGuardedBeanCreatedBeforeTheFiltersInitUsesTheFiltersEngine() throws Exception {
        RedisTestServers.standalone();
        HttpResponse<String> report = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "engine"))
                                .header("Mcp-Session-Id", "s-" + System.nanoTime())
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals("one engine", report.body());
    }
}
