package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.BusyReason;
import dev.turnstile.Classifier;
import dev.turnstile.Mode;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileListener;
import dev.turnstile.config.GuardOptions;
import dev.turnstile.config.WaitMode;
import dev.turnstile.internal.engine.RedisTestServers;
import dev.turnstile.servlet.TurnstileFilter;
import dev.turnstile.testing.OverlapHistory.Section;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rule 1 at the thread-pool level: a Tomcat with 8 request threads, the MCP Java SDK's servlet
 * behind the filter on real Redis, one session holding its place while 40 calls of other turns
 * queue behind it. With asynchronous waits a call of another session is served while they all wait
 * (judged from the tools' history: it ran inside the holder's section, before any queued call);
 * with blocking waits the 8 threads are pinned and it runs only after the holder left.
 */
class FilterThreadLimitIT {

    private static final int THREADS = 8;
    private static final int QUEUED = 40;
    private static final String GATE = "thread-limit-holder";

    private final Path base = Files.createTempDirectory("turnstile-threads");
    private final Tomcat tomcat = new Tomcat();
    private final ExecutorService clients = Executors.newCachedThreadPool();
    private final AtomicInteger waited = new AtomicInteger();
    private Turnstile turnstile;

    FilterThreadLimitIT() throws IOException {}

    @AfterEach
    void stop() throws Exception {
        ToolProbe.open(GATE);
        clients.shutdownNow();
        tomcat.stop();
        tomcat.destroy();
        if (turnstile != null) {
            turnstile.close();
        }
    }

    @Test
    void withAsynchronousWaitsAnotherSessionIsServedWhileManyMoreCallsThanThreadsWait() throws Exception {
        Scenario s = new Scenario(start(WaitMode.ASYNC));
        s.holdAndQueue();
        s.awaitWaiting(QUEUED); // 40 calls wait, with 8 threads
        Future<HttpResponse<String>> other = s.otherSession();
        HttpResponse<String> answer = other.get(60, TimeUnit.SECONDS);
        assertTrue(answer.body().contains("\"result\""), answer.body());
        s.release();

        Section holder = s.holderSection();
        Section served = s.otherSection();
        assertTrue(
                served.exit() < holder.exit(),
                "the other session ran while the holder held: " + served + " / " + holder);
        assertEquals(List.of(holder), s.firstSessionEnteredBefore(served), "no queued call got in before it");
        assertEquals(QUEUED, waited.get(), "every queued call had to wait");
    }

    @Test
    void withBlockingWaitsTheThreadsArePinnedAndAnotherSessionWaitsForTheHolder() throws Exception {
        Scenario s = new Scenario(start(WaitMode.BLOCKING));
        s.holdAndQueue();
        s.awaitWaiting(THREADS - 1); // every request thread but the holder's (the SDK runs the tool on it) waits
        Future<HttpResponse<String>> other = s.otherSession();
        // it cannot get a thread while the holder holds (the waiting calls' deadline is a minute away)
        assertThrows(TimeoutException.class, () -> other.get(3, TimeUnit.SECONDS));
        s.release();
        assertTrue(other.get(60, TimeUnit.SECONDS).body().contains("\"result\""));
        assertTrue(s.otherSection().enter() > s.holderSection().exit(), "it ran only after the holder left");
    }

    private URL start(WaitMode mode) throws Exception {
        ToolProbe.reset();
        turnstile = Turnstile.builder()
                .redisUrl(RedisTestServers.standaloneUrl())
                .keyPrefix("threads" + Long.toHexString(System.nanoTime()))
                .acquireTimeout(Duration.ofMinutes(1))
                .listener(new TurnstileListener() {
                    @Override
                    public void waited(String sessionHash, Mode m, BusyReason reason) {
                        waited.incrementAndGet();
                    }
                })
                .build();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("maxThreads", Integer.toString(THREADS));
        tomcat.getConnector().setProperty("minSpareThreads", Integer.toString(THREADS));
        Context app = tomcat.addContext(
                "/app", Files.createDirectories(base.resolve("docs")).toString());
        app.addApplicationListener(McpTestApp.class.getName());
        FilterDef filter = new FilterDef();
        filter.setFilterName("turnstile");
        filter.setFilter(new TurnstileFilter(
                turnstile, Classifier.defaults(), GuardOptions.defaults().withWaitMode(mode)));
        filter.setAsyncSupported("true");
        app.addFilterDef(filter);
        FilterMap map = new FilterMap();
        map.setFilterName("turnstile");
        map.addURLPattern("/mcp/*");
        map.addURLPattern("/mcp");
        map.setDispatcher("REQUEST");
        map.setDispatcher("ASYNC");
        app.addFilterMap(map);
        tomcat.start();
        return new URL("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/app/");
    }

    /** Two MCP sessions: the first holds its place at a gate while 40 calls of other turns queue. */
    private final class Scenario {
        private final McpHttp first;
        private final McpHttp second;
        private final List<Future<HttpResponse<String>>> firstCalls = new ArrayList<>();

        Scenario(URL app) throws Exception {
            first = McpHttp.open(app);
            second = McpHttp.open(app); // opened before the threads are taken
        }

        void holdAndQueue() throws InterruptedException {
            firstCalls.add(call(first, "T0", "write_item", Map.of("gate", GATE)));
            ToolProbe.awaitEntered(GATE);
            for (int i = 1; i <= QUEUED; i++) {
                firstCalls.add(call(first, "T" + i, "write_item", Map.of("hold_ms", 5)));
            }
        }

        void awaitWaiting(int calls) throws InterruptedException {
            WaitingCalls.awaitTrue(() -> waited.get() >= calls, "fewer than " + calls + " calls wait");
        }

        Future<HttpResponse<String>> otherSession() {
            return call(second, "U", "get_item", Map.of());
        }

        /** Opens the holder's gate; every queued call is then served (or answered busy). */
        void release() throws Exception {
            ToolProbe.open(GATE);
            for (Future<HttpResponse<String>> f : firstCalls) {
                String message = McpHttp.message(f.get(2, TimeUnit.MINUTES));
                assertTrue(message.contains("\"result\"") || message.contains("\"code\":-32002"), message);
            }
            assertEquals(List.of(), ToolProbe.history.violations());
        }

        Section holderSection() {
            return sections(first.sessionId).stream()
                    .filter(s -> "T0".equals(s.turn()))
                    .findFirst()
                    .orElseThrow();
        }

        Section otherSection() {
            List<Section> other = sections(second.sessionId);
            assertEquals(1, other.size(), other.toString());
            return other.get(0);
        }

        List<Section> firstSessionEnteredBefore(Section section) {
            return sections(first.sessionId).stream()
                    .filter(s -> s.enter() < section.enter())
                    .toList();
        }

        private List<Section> sections(String session) {
            return ToolProbe.history.sections().stream()
                    .filter(s -> session.equals(s.session()))
                    .toList();
        }

        private Future<HttpResponse<String>> call(McpHttp session, String turn, String tool, Map<String, Object> args) {
            return clients.submit(() -> session.post(turn, McpHttp.toolCall(McpHttp.nextId(), tool, args)));
        }
    }
}
