package dev.turnstile.bench;

import dev.turnstile.CallClass;
import dev.turnstile.Classifier;
import dev.turnstile.Turnstile;
import dev.turnstile.config.GuardOptions;
import dev.turnstile.servlet.TurnstileFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Phase 8: what learning tool classes from {@code readOnlyHint} costs the other calls. One embedded
 * Tomcat serves the echo servlet behind two {@link TurnstileFilter}s on one Turnstile engine on
 * Redis that differ only in {@code learn-annotations}: on, and taught first by a {@code tools/list}
 * answered with annotated tools ({@link EchoAnswers#TOOLS}), so that {@value #LEARNED_READ} is a
 * read by its annotation alone; and off, with {@value #LEARNED_READ} pinned as a read by a rule, so
 * that both take the same locks for the same calls. Counts the Redis commands of uncontended calls
 * (MONITOR, untimed), then measures throughput in pairs of slices that alternate the two filters.
 */
final class LearningPhase implements AutoCloseable {

    /** Read-only by its annotation only: no read prefix, no rule on the learning filter. */
    static final String LEARNED_READ = "fetch_invoice";

    static final String GROUP = "learning";
    static final HttpPhase.Variant ON = new HttpPhase.Variant("learn-on", "TurnstileFilter, learning on");
    static final HttpPhase.Variant OFF = new HttpPhase.Variant("learn-off", "TurnstileFilter, learning off");
    static final List<HttpPhase.Variant> VARIANTS = List.of(ON, OFF);
    private static final List<HttpPhase.Variant> REVERSED = List.of(OFF, ON);

    private static final String HOST = "127.0.0.1";
    private static final Duration LEARN_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(10);
    /** Calls through each filter before its commands are counted. */
    static final int WARM_CALLS = 20;

    /** Commands per uncontended call of one filter, one answer and one tool; {@code ranAs}: the filter's mode. */
    record CommandRow(
            HttpPhase.Variant variant, Answer answer, String tool, String ranAs, CommandCountPhase.Row counts) {}

    /** One filter in one cell: the merged result, its cost, the share of calls run as reads, req/s per slice. */
    record Row(
            LoadGenerator.Scenario scenario,
            HttpPhase.Variant variant,
            LoadGenerator.Result result,
            CostMeter.Cost cost,
            double readShare,
            double[] slices,
            double[] sliceCpu) {

        /** µs of CPU (this JVM with its load generator, plus redis-server) per answered call. */
        double cpuMicrosPerCall() {
            return 1e6 * (cost.jvmSeconds() + cost.redisSeconds()) / Math.max(1, result.calls());
        }
    }

    /** One scenario: both filters, and the ratios learning on / learning off of throughput and of CPU per call. */
    record Cell(LoadGenerator.Scenario scenario, Row on, Row off, PairedRatio ratio, PairedRatio cpuRatio) {}

    /** What the phase found; {@code learned}: what the engine had learned for the learning filter's endpoint. */
    record Results(long learnedAfterMillis, Map<String, String> learned, List<CommandRow> commands, List<Cell> cells) {}

    private final RedisAdmin admin;
    private final String redisUrl;
    private final Settings settings;
    private final CostMeter meter;
    private final Turnstile turnstile;
    private final ReleaseCounter releases = new ReleaseCounter();
    private final BenchServer server;
    private final Map<HttpPhase.Variant, EchoServlet> servlets = new LinkedHashMap<>();
    private final int port;

    LearningPhase(String redisUrl, RedisAdmin admin, Settings settings) throws Exception {
        this.redisUrl = redisUrl;
        this.admin = admin;
        this.settings = settings;
        this.meter = new CostMeter(admin);
        turnstile = Turnstile.builder().redisUrl(redisUrl).listener(releases).build();
        server = new BenchServer(200);
        servlets.put(
                ON,
                server.addApp(
                        ON.key(),
                        new TurnstileFilter(
                                turnstile,
                                Classifier.defaults(),
                                GuardOptions.defaults().withLearnAnnotations(true)),
                        Map.of()));
        servlets.put(
                OFF,
                server.addApp(
                        OFF.key(),
                        new TurnstileFilter(
                                turnstile,
                                Classifier.builder()
                                        .tool(LEARNED_READ, CallClass.READ)
                                        .build(),
                                GuardOptions.defaults().withLearnAnnotations(false)),
                        Map.of()));
        port = server.start();
    }

    /** The cells: each number of sessions, one caller each, read-heavy, with each kind of answer. */
    static List<LoadGenerator.Scenario> scenarios(Settings settings) {
        List<LoadGenerator.Scenario> list = new ArrayList<>();
        for (int sessions : settings.learning().sessions()) {
            String name = sessions + " session" + (sessions == 1 ? "" : "s") + " × 1 caller";
            for (Answer answer : answers(settings)) {
                list.add(new LoadGenerator.Scenario(
                        GROUP, name, sessions, 1, 0.9, LoadGenerator.Turns.ROTATING, 0, LEARNED_READ, answer));
            }
        }
        return list;
    }

    /** JSON answers, and SSE answers with each text size. */
    static List<Answer> answers(Settings settings) {
        List<Answer> answers = new ArrayList<>(List.of(Answer.JSON));
        settings.learning().sseResultBytes().forEach(bytes -> answers.add(new Answer(true, bytes)));
        return answers;
    }

    Results run(Consumer<String> progress) throws Exception {
        long learnedAfter = teach();
        Map<String, String> learned = learned();
        progress.accept("  learned " + learned + " " + learnedAfter + " ms after the tools/list answer");
        LoadGenerator load = new LoadGenerator(HOST, port);
        for (LoadGenerator.Scenario s : scenarios(settings)) { // JIT, pools; not counted
            for (HttpPhase.Variant v : VARIANTS) {
                load.run(
                        path(v),
                        s,
                        Duration.ZERO,
                        settings.httpGlobalWarmup().dividedBy(4),
                        settings.httpMaxRequests());
            }
        }
        List<CommandRow> commands = commands(progress);
        List<Cell> cells = new ArrayList<>();
        for (LoadGenerator.Scenario s : scenarios(settings)) {
            cells.add(cell(load, s, progress));
        }
        return new Results(learnedAfter, learned, commands, cells);
    }

    /** Sends one {@code tools/list} through each filter; returns when the learning one has learned (ms). */
    private long teach() throws Exception {
        try (RawHttpClient client = new RawHttpClient(HOST, port)) {
            for (HttpPhase.Variant v : VARIANTS) {
                check(
                        v,
                        "tools/list",
                        client.post(BenchRequests.toolsList(authority(), path(v), "learn-teach", 1, Answer.JSON)));
            }
        }
        long start = System.nanoTime();
        while (turnstile.toolClasses().classOf(path(ON), LEARNED_READ) != CallClass.READ) {
            if (System.nanoTime() - start > LEARN_TIMEOUT.toNanos()) {
                throw new IllegalStateException(ON.label() + ": " + LEARNED_READ + " was not learned as a read within "
                        + LEARN_TIMEOUT.toSeconds() + " s of the tools/list answer");
            }
            Thread.sleep(1);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** What the engine learned for the learning filter's endpoint, per tool of the list. */
    private Map<String, String> learned() {
        Map<String, String> learned = new LinkedHashMap<>();
        for (String tool : List.of(LEARNED_READ, LoadGenerator.WRITE_TOOL, LoadGenerator.READ_TOOL)) {
            CallClass c = turnstile.toolClasses().classOf(path(ON), tool);
            learned.put(tool, c == null ? "nothing" : c.name().toLowerCase(Locale.ROOT));
        }
        return learned;
    }

    /** Uncontended calls one after the other, each a turn of its own, with MONITOR on (untimed). */
    private List<CommandRow> commands(Consumer<String> progress) throws Exception {
        List<CommandRow> rows = new ArrayList<>();
        try (MonitorTap tap = new MonitorTap(redisUrl);
                RawHttpClient client = new RawHttpClient(HOST, port)) {
            tap.awaitStarted(admin);
            CommandCountPhase counter = new CommandCountPhase(admin, tap, settings);
            for (HttpPhase.Variant v : VARIANTS) {
                for (Answer a : answers(settings)) {
                    for (String tool : List.of(LEARNED_READ, LoadGenerator.WRITE_TOOL)) {
                        CommandRow row = commands(counter, client, v, a, tool);
                        rows.add(row);
                        progress.accept(String.format(
                                Locale.ROOT,
                                "  %-30s %-18s %-14s ran as %-5s %5.2f sent/call%s",
                                v.label(),
                                a.label(),
                                tool,
                                row.ranAs(),
                                row.counts().clientPerCall(),
                                row.counts().otherNames().isEmpty()
                                        ? ""
                                        : " (" + row.counts().otherNames() + ")"));
                    }
                }
            }
        }
        return rows;
    }

    private CommandRow commands(
            CommandCountPhase counter, RawHttpClient client, HttpPhase.Variant v, Answer a, String tool)
            throws Exception {
        String turns = "cmd-" + v.key() + "-" + (a.sse() ? "sse" : "json") + "-" + tool + "-";
        for (int i = 0; i < WARM_CALLS; i++) {
            call(client, v, turns + "warm-" + i, i, tool, a);
        }
        EchoServlet servlet = servlets.get(v);
        long reads = servlet.reads();
        long writes = servlet.writes();
        int n = settings.commandCalls();
        CommandCountPhase.Row counts =
                counter.sequential(v.label(), "uncontended " + tool, n, i -> call(client, v, turns + i, i, tool, a));
        return new CommandRow(v, a, tool, ranAs(servlet.reads() - reads, servlet.writes() - writes, n), counts);
    }

    /** One call, and the release of its place (which may come after the answer). */
    private void call(RawHttpClient client, HttpPhase.Variant v, String turn, long id, String tool, Answer answer)
            throws Exception {
        check(
                v,
                "tools/call " + tool,
                client.post(
                        BenchRequests.toolsCall(authority(), path(v), "learn-commands", turn, id, tool, 0, answer)));
        releases.awaitAllReleased(RELEASE_TIMEOUT);
    }

    private static String ranAs(long reads, long writes, int calls) {
        if (reads == calls && writes == 0) {
            return "read";
        }
        return writes == calls && reads == 0 ? "write" : reads + " reads, " + writes + " writes";
    }

    /** Pairs of slices, learning on and off back to back, alternating which goes first. */
    private Cell cell(LoadGenerator load, LoadGenerator.Scenario scenario, Consumer<String> progress) throws Exception {
        Map<HttpPhase.Variant, Slices> slices = new LinkedHashMap<>();
        VARIANTS.forEach(v -> slices.put(v, new Slices()));
        Settings.Learning s = settings.learning();
        for (int pair = 0; pair < s.pairs(); pair++) {
            for (HttpPhase.Variant v : pair % 2 == 0 ? VARIANTS : REVERSED) {
                EchoServlet servlet = servlets.get(v);
                long reads = servlet.reads();
                long writes = servlet.writes();
                CostMeter.Mark before = meter.mark();
                LoadGenerator.Result r =
                        load.run(path(v), scenario, s.sliceWarmup(), s.sliceMeasure(), settings.httpMaxRequests());
                slices.get(v).add(r, meter.since(before), servlet.reads() - reads, servlet.writes() - writes);
            }
        }
        Row on = slices.get(ON).row(scenario, ON);
        Row off = slices.get(OFF).row(scenario, OFF);
        Cell cell = new Cell(
                scenario,
                on,
                off,
                PairedRatio.of(on.result().throughput() / off.result().throughput(), on.slices(), off.slices()),
                PairedRatio.of(on.cpuMicrosPerCall() / off.cpuMicrosPerCall(), on.sliceCpu(), off.sliceCpu()));
        progress.accept(describe(cell));
        return cell;
    }

    private static String describe(Cell c) {
        LoadGenerator.Scenario s = c.scenario();
        return String.format(
                Locale.ROOT,
                "  %-24s %-18s on %8.0f req/s (%4.0f µs CPU/call)  off %8.0f req/s"
                        + " (%4.0f µs CPU/call)  on/off %s, CPU/call %s%s",
                s.name(),
                s.answer().label(),
                c.on().result().throughput(),
                c.on().cpuMicrosPerCall(),
                c.off().result().throughput(),
                c.off().cpuMicrosPerCall(),
                c.ratio().describe(),
                c.cpuRatio().describe(),
                c.on().result().errors() + c.off().result().errors() > 0
                        ? "  errors " + c.on().result().errors() + "/"
                                + c.off().result().errors()
                        : "");
    }

    /** One filter's slices of one cell. */
    private static final class Slices {
        private final List<LoadGenerator.Result> results = new ArrayList<>();
        private final List<Double> cpu = new ArrayList<>();
        private CostMeter.Cost cost = CostMeter.Cost.ZERO;
        private long reads;
        private long writes;

        void add(LoadGenerator.Result r, CostMeter.Cost c, long readCalls, long writeCalls) {
            results.add(r);
            cpu.add(1e6 * (c.jvmSeconds() + c.redisSeconds()) / Math.max(1, r.calls()));
            cost = cost.plus(c);
            reads += readCalls;
            writes += writeCalls;
        }

        Row row(LoadGenerator.Scenario scenario, HttpPhase.Variant variant) {
            double[] perSlice = results.stream()
                    .mapToDouble(LoadGenerator.Result::throughput)
                    .toArray();
            return new Row(
                    scenario,
                    variant,
                    LoadGenerator.Result.merge(results),
                    cost,
                    (double) reads / Math.max(1, reads + writes),
                    perSlice,
                    cpu.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    private static void check(HttpPhase.Variant v, String what, RawHttpClient.Response r) {
        if (r.status() != 200 || r.jsonRpcError()) {
            throw new IllegalStateException(v.label() + ": " + what + " answered HTTP " + r.status()
                    + (r.jsonRpcError() ? " with a JSON-RPC error" : ""));
        }
    }

    private String authority() {
        return HOST + ":" + port;
    }

    private static String path(HttpPhase.Variant v) {
        return "/" + v.key() + "/mcp";
    }

    @Override
    public void close() throws Exception {
        try { // the engine first: its threads started inside requests, and Tomcat reports such threads
            turnstile.close();
        } finally {
            server.close();
        }
    }
}
