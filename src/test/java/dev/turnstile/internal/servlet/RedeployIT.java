package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.internal.engine.RedisTestServers;
import dev.turnstile.servlet.TurnstileAttributes;
import dev.turnstile.servlet.TurnstileFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.apache.catalina.Context;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Undeploying a web application that used Turnstile on Redis leaves no thread behind: the filter's
 * {@code destroy} closes the engine, which joins every thread it started (watchdog, clean-up,
 * wake-up reader and sender) and closes every connection. The application is deployed and
 * undeployed several times in a real Tomcat, each time with a call that had to wait (so the
 * wake-up connection was opened); Tomcat's own leak check must stay silent too.
 */
class RedeployIT {

    private static final int DEPLOYMENTS = 3;
    private static final List<String> OURS = List.of("turnstile", "commons-pool-evictor");

    private final Path base = Files.createTempDirectory("turnstile-redeploy");
    private final Tomcat tomcat = new Tomcat();
    private final List<String> leakWarnings = new CopyOnWriteArrayList<>();
    private final Handler leakLog = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message =
                    String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters());
            if (message.contains("turnstile") || message.contains("commons-pool")) {
                leakWarnings.add(message);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    RedeployIT() throws IOException {}

    @AfterEach
    void stop() throws Exception {
        Logger.getLogger("org.apache.catalina.loader").removeHandler(leakLog);
        tomcat.stop();
        tomcat.destroy();
    }

    @Test
    void undeployingLeavesNoTurnstileThreadBehind() throws Exception {
        RedisTestServers.standalone();
        Logger.getLogger("org.apache.catalina.loader").addHandler(leakLog);
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(0);
        tomcat.getConnector();
        tomcat.start();
        int port = tomcat.getConnector().getLocalPort();
        Set<Thread> before = turnstileThreads(); // other tests' engines in this JVM, if any

        for (int i = 0; i < DEPLOYMENTS; i++) {
            Context app = deploy("/app" + i);
            callsThatWait(URI.create("http://127.0.0.1:" + port + "/app" + i + "/mcp"), before);
            tomcat.getHost().removeChild(app); // stop and destroy, as an undeploy does
            assertEquals(List.of(), names(started(before)), "threads left after undeploy " + (i + 1));
        }
        assertEquals(List.of(), leakWarnings, "Tomcat found threads the application failed to stop");
    }

    private Context deploy(String path) throws IOException {
        Path docBase = Files.createDirectories(base.resolve("docs" + path));
        Context app = new StandardContext(); // configured first, started by addChild below
        app.setName(path);
        app.setPath(path);
        app.setDocBase(docBase.toString());
        app.addLifecycleListener(new Tomcat.FixContextListener());
        FilterDef filter = new FilterDef();
        filter.setFilterName("turnstile");
        filter.setFilterClass(TurnstileFilter.class.getName());
        filter.setAsyncSupported("true");
        TestWars.params("redeploy-" + UUID.randomUUID().toString().substring(0, 8))
                .forEach(filter::addInitParameter);
        app.addFilterDef(filter);
        FilterMap map = new FilterMap();
        map.setFilterName("turnstile");
        map.addURLPattern("/mcp/*");
        map.addURLPattern("/mcp");
        map.setDispatcher("REQUEST");
        map.setDispatcher("ASYNC");
        app.addFilterMap(map);
        Tomcat.addServlet(app, "tools", new HoldingServlet()).setAsyncSupported(true);
        app.addServletMappingDecoded("/mcp", "tools");
        tomcat.getHost().addChild(app);
        return app;
    }

    /** A write that holds its session until a second call of another turn is waiting for it. */
    private static void callsThatWait(URI endpoint, Set<Thread> before) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String session = "redeploy-" + UUID.randomUUID();
        CompletableFuture<HttpResponse<String>> first =
                client.sendAsync(call(endpoint, session, "t1", "hold"), HttpResponse.BodyHandlers.ofString());
        if (!HoldingServlet.entered(session).await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the first call never ran: " + first.get().body());
        }
        CompletableFuture<HttpResponse<String>> second =
                client.sendAsync(call(endpoint, session, "t2", "pass"), HttpResponse.BodyHandlers.ofString());
        // the second call waits, and so opens the wake-up connection, until the first ends
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (names(started(before)).stream().noneMatch(t -> t.startsWith("turnstile-wake-"))) {
            if (second.isDone()) {
                throw new AssertionError(
                        "the second call did not wait: " + second.get().body());
            }
            assertTrue(System.nanoTime() < giveUp, "no wake-up connection was opened: " + names(started(before)));
            Thread.sleep(5);
        }
        HoldingServlet.release(session);
        assertEquals(200, first.get(30, TimeUnit.SECONDS).statusCode());
        HttpResponse<String> waited = second.get(30, TimeUnit.SECONDS);
        assertTrue(waited.body().contains("\"result\""), waited.body());
    }

    private static HttpRequest call(URI endpoint, String session, String turn, String tool) {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{}}}";
        return HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .header("Mcp-Session-Id", session)
                .header("X-Mcp-Turn-Id", turn)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static Set<Thread> turnstileThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> OURS.stream().anyMatch(t.getName()::startsWith))
                .collect(Collectors.toSet());
    }

    private static Set<Thread> started(Set<Thread> before) {
        Set<Thread> now = turnstileThreads();
        now.removeAll(before);
        return now;
    }

    private static List<String> names(Set<Thread> threads) {
        return threads.stream().map(Thread::getName).sorted().toList();
    }

    /** Answers every call; a call of the tool {@code hold} waits until its session is released. */
    public static final class HoldingServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final ConcurrentHashMap<String, CountDownLatch> ENTERED = new ConcurrentHashMap<>();
        private static final ConcurrentHashMap<String, CountDownLatch> RELEASED = new ConcurrentHashMap<>();

        static CountDownLatch entered(String session) {
            return ENTERED.computeIfAbsent(session, s -> new CountDownLatch(1));
        }

        static void release(String session) {
            RELEASED.computeIfAbsent(session, s -> new CountDownLatch(1)).countDown();
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String body = new String(req.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            String session = req.getHeader("Mcp-Session-Id");
            if (body.contains("\"hold\"")) {
                entered(session).countDown();
                try {
                    RELEASED.computeIfAbsent(session, s -> new CountDownLatch(1))
                            .await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            resp.setContentType("application/json");
            resp.getWriter()
                    .write("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"mode\":\""
                            + req.getAttribute(TurnstileAttributes.MODE) + "\"}}");
        }
    }
}
