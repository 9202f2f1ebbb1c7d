package dev.turnstile.bench;

import dev.turnstile.config.SettingSource;
import dev.turnstile.config.TurnstileSettings;
import dev.turnstile.servlet.TurnstileFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Phase 6: do waiting calls pin container threads? A Tomcat with few request-handling threads
 * (16) serves two applications guarded by TurnstileFilter on Redis, configured the way a user
 * would (init-params {@code turnstile.redis-url}, {@code turnstile.wait-mode}), one with
 * {@code wait-mode=blocking}, one with {@code wait-mode=async}. One
 * session keeps 200 calls queued (200 callers, every call a write of its own turn, so they run one
 * at a time) while 8 other sessions call; the other sessions' throughput and latency are compared
 * with the same 8 sessions alone. The echo servlet counts the calls it got through an ASYNC
 * dispatch: none in the async row means that the filter of this build does not wait asynchronously
 * (it does not know {@code wait-mode}), and the row is reported as pending.
 */
final class PinningPhase implements AutoCloseable {

    /** The wait mode under test, as the filter's {@code wait-mode} setting. */
    static final String WAIT_MODE = "wait-mode";

    /** One row: the other sessions' result, and the busy session's (null without one). */
    record Row(
            String label,
            String waitMode,
            LoadGenerator.Result others,
            LoadGenerator.Result busy,
            long asyncDispatches) {}

    private final Settings.Pinning settings;
    private final BenchServer server;
    private final EchoServlet blocking;
    private final EchoServlet async;
    private final int port;

    PinningPhase(String redisUrl, Settings.Pinning settings) throws Exception {
        this.settings = settings;
        server = new BenchServer(settings.threads());
        blocking = server.addApp("blocking", new TurnstileFilter(), params(redisUrl, "blocking"));
        async = server.addApp("async", new TurnstileFilter(), params(redisUrl, "async"));
        port = server.start();
    }

    /** The filter's init-params, named {@code turnstile.<setting>} as in web.xml. */
    private static Map<String, String> params(String redisUrl, String waitMode) {
        return Map.of(
                SettingSource.PROPERTY_PREFIX + TurnstileSettings.REDIS_URL,
                redisUrl,
                SettingSource.PROPERTY_PREFIX + WAIT_MODE,
                waitMode);
    }

    List<Row> run(Consumer<String> progress) throws Exception {
        LoadGenerator load = new LoadGenerator("127.0.0.1", port);
        LoadGenerator.Scenario others = new LoadGenerator.Scenario(
                "pinning",
                settings.otherSessions() + " other sessions × 1 caller",
                settings.otherSessions(),
                1,
                0.5,
                LoadGenerator.Turns.ROTATING,
                settings.toolMillis());
        LoadGenerator.Scenario busy = new LoadGenerator.Scenario(
                "pinning",
                "1 session × " + settings.busyCalls() + " queued calls",
                1,
                settings.busyCalls(),
                0,
                LoadGenerator.Turns.OWN,
                settings.toolMillis());
        for (String app : List.of("blocking", "async")) { // JIT, pools and the wake-up connection, not counted
            load.run("/" + app + "/mcp", others, Duration.ZERO, settings.warmup(), Long.MAX_VALUE);
        }
        List<Row> rows = new ArrayList<>();
        rows.add(measure(
                load, "the " + settings.otherSessions() + " other sessions alone", "async", others, null, async));
        rows.add(measure(load, "one busy session, blocking waits", "blocking", others, busy, blocking));
        rows.add(measure(load, "one busy session, asynchronous waits", "async", others, busy, async));
        rows.forEach(r -> progress.accept(describe(r)));
        return rows;
    }

    /**
     * Starts the busy session (if any), lets its calls queue, runs the other sessions for the window,
     * and stops the busy session when the window ends: with blocking waits, an other session's call
     * may wait in the container's queue until then, so its latency is cut off there (a lower bound).
     */
    private Row measure(
            LoadGenerator load,
            String label,
            String mode,
            LoadGenerator.Scenario others,
            LoadGenerator.Scenario busy,
            EchoServlet servlet)
            throws Exception {
        String path = "/" + mode + "/mcp";
        long dispatchedBefore = servlet.asyncDispatched();
        LoadGenerator.Background background = busy == null ? null : load.start(path, busy);
        LoadGenerator.Result busyResult = null;
        ExecutorService runner = Executors.newSingleThreadExecutor();
        Future<LoadGenerator.Result> result;
        try {
            Thread.sleep(settings.settle().toMillis()); // the busy session's calls are queued by now
            // no warm-up part: a call held up behind the busy session counts from its start
            result = runner.submit(() -> load.run(path, others, Duration.ZERO, settings.measure(), Long.MAX_VALUE));
            Thread.sleep(settings.measure().toMillis());
        } finally {
            if (background != null) {
                busyResult = background.stop();
            }
            runner.shutdown();
        }
        return new Row(label, mode, result.get(), busyResult, servlet.asyncDispatched() - dispatchedBefore);
    }

    private static String describe(Row r) {
        LoadGenerator.Result o = r.others();
        return String.format(
                Locale.ROOT,
                "  %-40s %s=%-8s others %7.0f req/s  p50 %7.2f ms  p99 %8.2f ms  max %8.2f ms%s"
                        + "  ASYNC dispatches %d",
                r.label(),
                WAIT_MODE,
                r.waitMode(),
                o.throughput(),
                o.latency().p50(),
                o.latency().p99(),
                o.latency().max(),
                r.busy() == null
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                "  busy session %5.0f calls/s, %d busy errors",
                                r.busy().throughput(),
                                r.busy().errors()),
                r.asyncDispatches());
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
