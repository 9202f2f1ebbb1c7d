package dev.turnstile.bench;

import dev.turnstile.Classifier;
import dev.turnstile.Turnstile;
import dev.turnstile.config.GuardOptions;
import dev.turnstile.servlet.TurnstileFilter;
import jakarta.servlet.Filter;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * Phase 3: throughput and latency over HTTP. One embedded Tomcat 11 serves the echo servlet in
 * four web applications that differ only in their filter: none, TurnstileFilter on the in-process
 * store, TurnstileFilter on Redis, the Redisson filter. Each scenario runs the four one after the
 * other in slices (A B C D, D C B A, ...), so that drifting load on the shared machine hits them alike.
 */
final class HttpPhase implements AutoCloseable {

    record Variant(String key, String label) {}

    /** One cell; {@code waits} is null for the filters without Turnstile's listener. */
    record Row(LoadGenerator.Scenario scenario, Variant variant, LoadGenerator.Result result, double ratioVsNone,
               WaitCounter.Snapshot waits) {}

    static final Variant NONE = new Variant("none", "no filter");
    static final Variant IN_PROCESS = new Variant("inproc", "Turnstile, in-process store");
    static final Variant REDIS = new Variant("redis", "Turnstile on Redis");
    static final Variant REDISSON = new Variant("redisson", "Redisson 4.7.0 filter");
    static final List<Variant> VARIANTS = List.of(NONE, IN_PROCESS, REDIS, REDISSON);

    private static final java.util.logging.Logger TOMCAT_LOG = java.util.logging.Logger.getLogger("org.apache");

    private final Settings settings;
    private final Path baseDir;
    private final Tomcat tomcat;
    private final Turnstile inProcess;
    private final Turnstile onRedis;
    private final java.util.Map<Variant, WaitCounter> waits = new java.util.HashMap<>();
    private final RedissonGuard redisson;
    private final int port;

    HttpPhase(String redisUrl, Settings settings) throws Exception {
        this.settings = settings;
        TOMCAT_LOG.setLevel(java.util.logging.Level.WARNING);
        baseDir = Files.createTempDirectory("turnstile-bench-tomcat");
        waits.put(IN_PROCESS, new WaitCounter());
        waits.put(REDIS, new WaitCounter());
        inProcess = Turnstile.builder().listener(waits.get(IN_PROCESS)).build();
        onRedis = Turnstile.builder().redisUrl(redisUrl).listener(waits.get(REDIS)).build();
        redisson = RedissonGuard.connect(redisUrl);
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxKeepAliveRequests", "-1");
        connector.setProperty("maxThreads", "200");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        tomcat.getHost().setAutoDeploy(false);
        addApp(NONE, null);
        addApp(IN_PROCESS, new TurnstileFilter(inProcess, Classifier.defaults(), GuardOptions.defaults()));
        addApp(REDIS, new TurnstileFilter(onRedis, Classifier.defaults(), GuardOptions.defaults()));
        addApp(REDISSON, new RedissonFilter(redisson));
        tomcat.start();
        port = connector.getLocalPort();
    }

    private void addApp(Variant variant, Filter filter) throws IOException {
        File docBase = Files.createDirectories(baseDir.resolve("docs-" + variant.key())).toFile();
        Context ctx = tomcat.addContext("/" + variant.key(), docBase.getAbsolutePath());
        if (ctx instanceof StandardContext standard) { // no leak detection on stop (it needs --add-opens)
            standard.setClearReferencesThreadLocals(false);
            standard.setClearReferencesRmiTargets(false);
        }
        Tomcat.addServlet(ctx, "mcp", new EchoServlet());
        ctx.addServletMappingDecoded("/mcp", "mcp");
        if (filter != null) {
            FilterDef def = new FilterDef();
            def.setFilterName("guard");
            def.setFilter(filter);
            def.setAsyncSupported("true");
            ctx.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName("guard");
            map.addURLPatternDecoded("/mcp");
            map.setDispatcher("REQUEST"); // and ASYNC: a call that waits resumes on an ASYNC dispatch
            map.setDispatcher("ASYNC");
            ctx.addFilterMap(map);
        }
    }

    static List<LoadGenerator.Scenario> scenarios(Settings settings) {
        List<LoadGenerator.Scenario> list = new ArrayList<>();
        for (int sessions : settings.httpSessions()) {
            list.add(new LoadGenerator.Scenario("independent sessions", sessions + " session" + (sessions == 1 ? "" : "s")
                    + " × 1 caller", sessions, 1, 0.9, LoadGenerator.Turns.ROTATING));
            list.add(new LoadGenerator.Scenario("independent sessions", sessions + " session" + (sessions == 1 ? "" : "s")
                    + " × 1 caller", sessions, 1, 0.1, LoadGenerator.Turns.ROTATING));
        }
        int c = settings.contentionCallers();
        list.add(new LoadGenerator.Scenario("same-session contention", "1 session × " + c + " callers, one shared turn",
                1, c, 0.9, LoadGenerator.Turns.SHARED));
        list.add(new LoadGenerator.Scenario("same-session contention", "1 session × " + c + " callers, one shared turn",
                1, c, 0.1, LoadGenerator.Turns.SHARED));
        list.add(new LoadGenerator.Scenario("same-session contention", "1 session × " + c + " callers, every call its own turn",
                1, c, 0.5, LoadGenerator.Turns.OWN));
        return list;
    }

    List<Row> run(java.util.function.Consumer<String> progress) throws Exception {
        LoadGenerator load = new LoadGenerator("127.0.0.1", port);
        LoadGenerator.Scenario warm = new LoadGenerator.Scenario("warm-up", "warm-up", 4, 2, 0.5,
                LoadGenerator.Turns.ROTATING);
        for (Variant v : VARIANTS) { // JIT and connection pools, not counted
            load.run(path(v), warm, java.time.Duration.ZERO, settings.httpGlobalWarmup(), settings.httpMaxRequests());
        }
        waits.values().forEach(WaitCounter::reset);
        List<Row> rows = new ArrayList<>();
        for (LoadGenerator.Scenario scenario : scenarios(settings)) {
            java.util.Map<Variant, List<LoadGenerator.Result>> parts = new java.util.LinkedHashMap<>();
            java.util.Map<Variant, List<WaitCounter.Snapshot>> waited = new java.util.HashMap<>();
            VARIANTS.forEach(v -> parts.put(v, new ArrayList<>()));
            for (int slice = 0; slice < settings.httpSlices(); slice++) {
                List<Variant> order = new ArrayList<>(VARIANTS);
                if (slice % 2 == 1) {
                    java.util.Collections.reverse(order); // A B C D, D C B A, A B C D, ...
                }
                for (Variant v : order) {
                    parts.get(v).add(load.run(path(v), scenario, settings.httpSliceWarmup(), settings.httpSliceMeasure(),
                            settings.httpMaxRequests()));
                    if (waits.containsKey(v)) { // counted over warm-up and measurement alike
                        waited.computeIfAbsent(v, k -> new ArrayList<>()).add(waits.get(v).reset());
                    }
                }
            }
            double none = Double.NaN;
            for (Variant v : VARIANTS) {
                LoadGenerator.Result r = LoadGenerator.Result.merge(parts.get(v));
                if (v == NONE) {
                    none = r.throughput();
                }
                WaitCounter.Snapshot w = merge(waited.get(v));
                rows.add(new Row(scenario, v, r, r.throughput() / none, w));
                progress.accept(String.format(java.util.Locale.ROOT, "  %-66s %-28s %9.0f req/s  p50 %6.2f ms  p99 %7.2f ms%s%s",
                        scenario.name() + ", " + scenario.mix(), v.label(), r.throughput(), r.latency().p50(),
                        r.latency().p99(), w == null ? "" : String.format(java.util.Locale.ROOT, "  waited %.1f %% (max %.0f ms)",
                                100 * w.waitedShare(), w.maxWaitMs()), r.errors() > 0 ? "  errors " + r.errors() : ""));
            }
        }
        return rows;
    }

    private static WaitCounter.Snapshot merge(List<WaitCounter.Snapshot> parts) {
        if (parts == null) {
            return null;
        }
        long acquired = 0;
        long waited = 0;
        long busy = 0;
        double max = 0;
        for (WaitCounter.Snapshot p : parts) {
            acquired += p.acquired();
            waited += p.waited();
            busy += p.busy();
            max = Math.max(max, p.maxWaitMs());
        }
        return new WaitCounter.Snapshot(acquired, waited, busy, max);
    }

    private static String path(Variant v) {
        return "/" + v.key() + "/mcp";
    }

    @Override
    public void close() throws Exception {
        try {
            tomcat.stop();
            tomcat.destroy();
        } finally {
            onRedis.close();
            inProcess.close();
            redisson.close();
            try (Stream<Path> files = Files.walk(baseDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
