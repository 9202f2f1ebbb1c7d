package dev.turnstile.bench;

import dev.turnstile.Classifier;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileBuilder;
import dev.turnstile.config.GuardOptions;
import dev.turnstile.servlet.TurnstileFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import redis.clients.jedis.RedisClient;

/**
 * Phase 3: throughput and latency over HTTP. One embedded Tomcat 11 serves the echo servlet in
 * five web applications that differ only in their filter: none, TurnstileFilter on the in-process
 * store, TurnstileFilter on Redis, the Redisson filter, and the floor filter (two PINGs, no lock).
 * Each scenario runs its filters one after the other in slices (A B C D, D C B A, ...), so that
 * drifting load on the shared machine hits them alike; each slice also records the CPU and Redis
 * commands it cost.
 */
final class HttpPhase implements AutoCloseable {

    record Variant(String key, String label) {}

    /** Commands clients sent per answered call, counted with MONITOR in an untimed slice; names → per call. */
    record Sent(double perCall, Map<String, Double> byName) {}

    /**
     * One cell; {@code waits} is null for the filters without Turnstile's listener, {@code sent} for
     * cells without a MONITOR slice (all but the Redis-backed guards under contention).
     */
    record Row(
            LoadGenerator.Scenario scenario,
            Variant variant,
            LoadGenerator.Result result,
            double ratioVsNone,
            WaitCounter.Snapshot waits,
            CostMeter.Cost cost,
            Sent sent) {

        /** µs of CPU (this JVM with its load generator, plus redis-server) per answered call. */
        double cpuMicrosPerCall() {
            return 1e6 * (cost.jvmSeconds() + cost.redisSeconds()) / Math.max(1, result.calls());
        }

        double redisCpuMicrosPerCall() {
            return 1e6 * cost.redisSeconds() / Math.max(1, result.calls());
        }

        double commandsPerCall() {
            return (double) cost.commands() / Math.max(1, result.calls());
        }

        double scriptsPerCall() {
            return (double) cost.scripts() / Math.max(1, result.calls());
        }
    }

    static final String INDEPENDENT = "independent sessions";
    static final String TOOL_TIME = "tools that take time";
    static final String CONTENTION = "same-session contention";

    static final Variant NONE = new Variant("none", "no filter");
    static final Variant IN_PROCESS = new Variant("inproc", "Turnstile, in-process store");
    static final Variant REDIS = new Variant("redis", "Turnstile on Redis");
    static final Variant REDISSON = new Variant("redisson", "Redisson 4.7.0 filter");
    static final Variant FLOOR = new Variant("floor", "floor filter (2 PINGs, no lock)");
    static final List<Variant> VARIANTS = List.of(NONE, IN_PROCESS, REDIS, REDISSON, FLOOR);
    /** Under contention the floor filter (which locks nothing) would only show the unguarded case again. */
    static final List<Variant> CONTENTION_VARIANTS = List.of(NONE, IN_PROCESS, REDIS, REDISSON);

    private final String redisUrl;
    private final RedisAdmin admin;
    private final Settings settings;
    private final CostMeter meter;
    private final BenchServer server;
    private final Turnstile inProcess;
    private final Turnstile onRedis;
    private final Map<Variant, WaitCounter> waits = new HashMap<>();
    private final RedissonGuard redisson;
    private final RedisClient floorClient;
    private final int port;

    HttpPhase(String redisUrl, RedisAdmin admin, Settings settings) throws Exception {
        this.redisUrl = redisUrl;
        this.admin = admin;
        this.settings = settings;
        this.meter = new CostMeter(admin);
        waits.put(IN_PROCESS, new WaitCounter());
        waits.put(REDIS, new WaitCounter());
        inProcess = Turnstile.builder().listener(waits.get(IN_PROCESS)).build();
        onRedis = Turnstile.builder()
                .redisUrl(redisUrl)
                .listener(waits.get(REDIS))
                .build();
        redisson = RedissonGuard.connect(redisUrl);
        floorClient = RedisAdmin.pooledClient(redisUrl, TurnstileBuilder.DEFAULT_REDIS_POOL_SIZE);
        server = new BenchServer(200);
        server.addApp(NONE.key(), null, Map.of());
        server.addApp(
                IN_PROCESS.key(),
                new TurnstileFilter(inProcess, Classifier.defaults(), GuardOptions.defaults()),
                Map.of());
        server.addApp(
                REDIS.key(), new TurnstileFilter(onRedis, Classifier.defaults(), GuardOptions.defaults()), Map.of());
        server.addApp(REDISSON.key(), new RedissonFilter(redisson), Map.of());
        server.addApp(FLOOR.key(), new FloorFilter(floorClient), Map.of());
        port = server.start();
    }

    static List<LoadGenerator.Scenario> scenarios(Settings settings) {
        List<LoadGenerator.Scenario> list = new ArrayList<>();
        for (int sessions : settings.httpSessions()) {
            String name = sessions + " session" + (sessions == 1 ? "" : "s") + " × 1 caller";
            list.add(new LoadGenerator.Scenario(INDEPENDENT, name, sessions, 1, 0.9, LoadGenerator.Turns.ROTATING, 0));
            list.add(new LoadGenerator.Scenario(INDEPENDENT, name, sessions, 1, 0.1, LoadGenerator.Turns.ROTATING, 0));
        }
        int most = settings.httpSessions().stream()
                .mapToInt(Integer::intValue)
                .max()
                .orElse(1);
        for (int millis : settings.httpToolMillis()) {
            list.add(new LoadGenerator.Scenario(
                    TOOL_TIME, most + " sessions × 1 caller", most, 1, 0.5, LoadGenerator.Turns.ROTATING, millis));
        }
        int c = settings.contentionCallers();
        list.add(new LoadGenerator.Scenario(
                CONTENTION,
                "1 session × " + c + " callers, one shared turn",
                1,
                c,
                0.9,
                LoadGenerator.Turns.SHARED,
                0));
        list.add(new LoadGenerator.Scenario(
                CONTENTION,
                "1 session × " + c + " callers, one shared turn",
                1,
                c,
                0.1,
                LoadGenerator.Turns.SHARED,
                0));
        list.add(new LoadGenerator.Scenario(
                CONTENTION,
                "1 session × " + c + " callers, every call its own turn",
                1,
                c,
                0.5,
                LoadGenerator.Turns.OWN,
                0));
        return list;
    }

    static List<Variant> variants(LoadGenerator.Scenario scenario) {
        return scenario.group().equals(CONTENTION) ? CONTENTION_VARIANTS : VARIANTS;
    }

    List<Row> run(Consumer<String> progress) throws Exception {
        LoadGenerator load = new LoadGenerator("127.0.0.1", port);
        LoadGenerator.Scenario warm =
                new LoadGenerator.Scenario("warm-up", "warm-up", 4, 2, 0.5, LoadGenerator.Turns.ROTATING, 0);
        for (Variant v : VARIANTS) { // JIT and connection pools, not counted
            load.run(path(v), warm, Duration.ZERO, settings.httpGlobalWarmup(), settings.httpMaxRequests());
        }
        waits.values().forEach(WaitCounter::reset);
        List<Row> rows = new ArrayList<>();
        for (LoadGenerator.Scenario scenario : scenarios(settings)) {
            rows.addAll(cell(load, scenario, progress));
        }
        return rows;
    }

    /** One scenario: every filter in alternating slices; one row per filter. */
    private List<Row> cell(LoadGenerator load, LoadGenerator.Scenario scenario, Consumer<String> progress)
            throws Exception {
        List<Variant> variants = variants(scenario);
        Map<Variant, List<LoadGenerator.Result>> parts = new LinkedHashMap<>();
        Map<Variant, List<WaitCounter.Snapshot>> waited = new HashMap<>();
        Map<Variant, CostMeter.Cost> costs = new HashMap<>();
        variants.forEach(v -> parts.put(v, new ArrayList<>()));
        for (int slice = 0; slice < settings.httpSlices(); slice++) {
            List<Variant> order = new ArrayList<>(variants);
            if (slice % 2 == 1) {
                Collections.reverse(order); // A B C D, D C B A, A B C D, ...
            }
            for (Variant v : order) {
                CostMeter.Mark before = meter.mark();
                parts.get(v)
                        .add(load.run(
                                path(v),
                                scenario,
                                settings.httpSliceWarmup(),
                                settings.httpSliceMeasure(),
                                settings.httpMaxRequests()));
                costs.merge(v, meter.since(before), CostMeter.Cost::plus);
                if (waits.containsKey(v)) { // counted over warm-up and measurement alike
                    waited.computeIfAbsent(v, k -> new ArrayList<>())
                            .add(waits.get(v).reset());
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        double none = LoadGenerator.Result.merge(parts.get(NONE)).throughput();
        for (Variant v : variants) {
            LoadGenerator.Result r = LoadGenerator.Result.merge(parts.get(v));
            Sent sent = scenario.group().equals(CONTENTION) && (v == REDIS || v == REDISSON)
                    ? sent(load, scenario, v)
                    : null;
            Row row = new Row(scenario, v, r, r.throughput() / none, merge(waited.get(v)), costs.get(v), sent);
            rows.add(row);
            progress.accept(describe(row));
        }
        return rows;
    }

    /** One more, untimed slice with MONITOR on: the commands clients sent per call. */
    private Sent sent(LoadGenerator load, LoadGenerator.Scenario scenario, Variant v) throws Exception {
        try (SentCounter counter = SentCounter.open(redisUrl, admin)) {
            Map<String, Long> before = counter.sent();
            LoadGenerator.Result r = load.run(
                    path(v),
                    scenario,
                    Duration.ZERO,
                    settings.httpSliceMeasure().dividedBy(2),
                    settings.httpMaxRequests());
            Map<String, Long> delta = SentCounter.delta(before, counter.sent());
            double calls = Math.max(1, r.calls());
            Map<String, Double> byName = new java.util.TreeMap<>();
            delta.forEach((name, n) -> byName.put(name, n / calls));
            return new Sent(delta.values().stream().mapToLong(Long::longValue).sum() / calls, byName);
        }
    }

    private static String describe(Row row) {
        LoadGenerator.Result r = row.result();
        WaitCounter.Snapshot w = row.waits();
        LoadGenerator.Scenario s = row.scenario();
        return String.format(
                Locale.ROOT,
                "  %-62s %-31s %8.0f req/s  p50 %6.2f ms  p99 %7.2f ms  %5.0f µs CPU/call" + "  %5.1f cmd/call%s%s%s",
                s.name() + ", " + s.mix() + (s.toolMillis() > 0 ? ", tools " + s.toolMillis() + " ms" : ""),
                row.variant().label(),
                r.throughput(),
                r.latency().p50(),
                r.latency().p99(),
                row.cpuMicrosPerCall(),
                row.commandsPerCall(),
                w == null
                        ? ""
                        : String.format(
                                Locale.ROOT, "  waited %.1f %% (max %.0f ms)", 100 * w.waitedShare(), w.maxWaitMs()),
                r.errors() > 0 ? "  errors " + r.errors() : "",
                row.sent() == null
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                "  sent %.2f/call %s",
                                row.sent().perCall(),
                                row.sent().byName()));
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
        try { // the engines first: their wake-up threads started inside requests, and Tomcat reports such threads
            onRedis.close();
            inProcess.close();
            redisson.close();
            floorClient.close();
        } finally {
            server.close();
        }
    }
}
