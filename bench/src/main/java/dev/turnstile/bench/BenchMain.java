package dev.turnstile.bench;

import dev.turnstile.Turnstile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs every phase against one Redis and writes results.md and handoff.svg. Started by bench/run:
 * {@code java -jar benchmarks.jar --redis redis://127.0.0.1:PORT --out DIR [--smoke] [--lib TEXT]}.
 * Nothing here is a test: it measures and reports, and fails only when something breaks.
 */
public final class BenchMain {

    static {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    }

    static final String IN_PROCESS_CONTROL = "Turnstile in-process (control)";

    private BenchMain() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1); // Redisson and Tomcat may leave non-daemon threads behind
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        String redisUrl = null;
        Path out = Path.of("results");
        boolean smoke = false;
        String lib = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--redis" -> redisUrl = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                case "--smoke" -> smoke = true;
                case "--lib" -> lib = args[++i];
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (redisUrl == null) {
            throw new IllegalArgumentException("--redis redis://host:port is required");
        }
        Settings settings = smoke ? Settings.smokeRun() : Settings.fullRun();
        Files.createDirectories(out);
        long start = System.nanoTime();
        Report report = new Report();
        report.settings = settings;
        try (RedisAdmin admin = new RedisAdmin(redisUrl)) {
            report.env = Environment.collect(admin, lib);
            runEnginePhases(redisUrl, admin, settings, report);
            progress("fairness: a turn whose reads keep overlapping, and a call of another turn (phase 7)");
            report.fairness.addAll(new FairnessPhase(settings.fairness()).run(redisUrl, BenchMain::progress));
            progress("HTTP throughput (phase 3)");
            try (HttpPhase http = new HttpPhase(redisUrl, admin, settings)) {
                CpuMeter cpu = new CpuMeter(admin);
                CpuMeter.Reading before = cpu.read();
                report.http.addAll(http.run(BenchMain::progress));
                report.httpCpu = CpuMeter.describe(before, cpu.read());
                progress("  " + report.httpCpu);
            }
            progress("learning from readOnlyHint: learning on against learning off (phase 8)");
            try (LearningPhase learning = new LearningPhase(redisUrl, admin, settings)) {
                CpuMeter cpu = new CpuMeter(admin);
                CpuMeter.Reading before = cpu.read();
                report.learning = learning.run(BenchMain::progress);
                report.learningCpu = CpuMeter.describe(before, cpu.read());
                progress("  " + report.learningCpu);
            }
            progress("thread pinning: " + settings.pinning().threads()
                    + " container threads, one busy session (phase 6)");
            try (PinningPhase pinning = new PinningPhase(redisUrl, settings.pinning())) {
                report.pinning.addAll(pinning.run(BenchMain::progress));
            }
            progress("JMH floor (phase 5)");
            CpuMeter cpu = new CpuMeter(admin);
            CpuMeter.Reading before = cpu.read();
            report.floor.addAll(new FloorPhase(settings).run(redisUrl));
            report.floorCpu = CpuMeter.describe(before, cpu.read());
            report.floor.forEach(
                    r -> progress(String.format(Locale.ROOT, "  %-34s %8.1f µs/op", r.benchmark(), r.microsPerOp())));
        }
        report.seconds = (System.nanoTime() - start) / 1e9;
        report.loadAfter = Environment.loadAverage();
        Files.writeString(out.resolve("results.md"), report.markdown(), StandardCharsets.UTF_8);
        Files.writeString(
                out.resolve("handoff.svg"),
                HandoffSvg.render(
                        report.handoffs,
                        Report.HANDOFF_TARGET_MS,
                        "loopback Redis, " + report.env.cores() + " cores; " + settings.handoffPairs()
                                + " session pairs × " + settings.handoffRoundsPerPair() + " hand-offs per guard"),
                StandardCharsets.UTF_8);
        System.out.print(report.summary());
        System.out.println("wrote " + out.resolve("results.md") + " and " + out.resolve("handoff.svg"));
    }

    /** Phases 1, 2 and 4 drive the guards directly. */
    private static void runEnginePhases(String redisUrl, RedisAdmin admin, Settings settings, Report report)
            throws Exception {
        try (TurnstileGuard turnstile = TurnstileGuard.redis(redisUrl);
                TurnstileGuard control = new TurnstileGuard(
                        IN_PROCESS_CONTROL, Turnstile.builder().build());
                SeedBaseline seed = new SeedBaseline(RedisAdmin.pooledClient(redisUrl, 64));
                RedissonGuard redisson = RedissonGuard.connect(redisUrl)) {
            List<Guard> guards = List.of(turnstile, seed, redisson);
            commands(redisUrl, admin, settings, report, guards);
            List<Guard> handoffGuards = new ArrayList<>(guards);
            handoffGuards.add(control); // the same hand-off without Redis: what this JVM and machine add by themselves
            handoffs(admin, settings, report, handoffGuards);
            progress("scale: " + settings.scaleSessions() + " sessions holding at once (phase 4)");
            ScalePhase scale = new ScalePhase(admin, settings);
            for (Guard g : guards) {
                ScalePhase.Row r = scale.run(g, g == turnstile ? key -> key.endsWith(":fence") : key -> false);
                report.scale.add(r);
                progress(String.format(
                        Locale.ROOT,
                        "  %-22s %.0f B/session, %d lock keys left, %d records left (%.1f s)",
                        r.guard(),
                        r.bytesPerSession(),
                        r.lockKeysLeft(),
                        r.retained(),
                        r.seconds()));
            }
        }
    }

    private static void commands(
            String redisUrl, RedisAdmin admin, Settings settings, Report report, List<Guard> guards) throws Exception {
        progress("Redis commands per call (phase 1)");
        try (MonitorTap tap = new MonitorTap(redisUrl)) {
            CommandCountPhase commands = new CommandCountPhase(admin, tap, settings);
            for (Guard g : guards) {
                for (CommandCountPhase.Row r : commands.run(g)) {
                    report.commands.add(r);
                    progress(String.format(
                            Locale.ROOT,
                            "  %-22s %-44s %5.2f sent/call (%s EVALSHA, %s EVAL%s)%s",
                            r.guard(),
                            r.scenario(),
                            r.clientPerCall(),
                            Report.num(r.evalshaPerCall(), 2),
                            Report.num(r.evalPerCall(), 2),
                            r.otherNames().isEmpty() ? "" : ", " + r.otherNames(),
                            Double.isNaN(r.duringWait())
                                    ? ""
                                    : ", " + Report.num(r.duringWait(), 1) + " while waiting"));
                }
            }
        }
    }

    /** Hand-offs in chunks that alternate between the guards. */
    private static void handoffs(RedisAdmin admin, Settings settings, Report report, List<Guard> guards)
            throws Exception {
        progress("hand-off latency (phase 2)");
        HandoffPhase handoff = new HandoffPhase(settings);
        CpuMeter cpu = new CpuMeter(admin);
        CpuMeter.Reading before = cpu.read();
        Map<Guard, List<long[]>> chunks = new LinkedHashMap<>();
        int perChunk = settings.handoffRoundsPerPair() / settings.handoffChunks();
        for (int c = 0; c < settings.handoffChunks(); c++) {
            for (Guard g : guards) {
                chunks.computeIfAbsent(g, k -> new ArrayList<>()).add(handoff.run(g, perChunk));
            }
        }
        report.handoffCpu = CpuMeter.describe(before, cpu.read());
        chunks.forEach((g, parts) -> {
            long[] sample = parts.stream().flatMapToLong(Arrays::stream).toArray();
            report.handoffs.put(g.name(), sample);
            Stats s = Stats.ofNanos(sample);
            progress(String.format(
                    Locale.ROOT,
                    "  %-30s n=%d p50 %.2f ms p99 %.2f ms max %.2f ms",
                    g.name(),
                    s.count(),
                    s.p50(),
                    s.p99(),
                    s.max()));
        });
        progress("  " + report.handoffCpu);
    }

    static void progress(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
