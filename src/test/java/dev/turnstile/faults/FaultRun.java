package dev.turnstile.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fault run: starts its own Redis servers (a standalone one with AOF, one without
 * persistence, a 3+3 Cluster), a proxy, and three worker JVMs ({@link FaultWorker}) that guard
 * the same sessions with the real engine; runs each phase of {@link Phases} (one fault each, then
 * mixed); merges all histories and checks them ({@link Checker}); writes {@code results.md}.
 * Stops everything it started, also on failure. Exit status: 0 when every MUST check held, 1 when
 * one failed, 2 when the run itself could not complete. Options: {@link RunOptions}.
 */
public final class FaultRun {

    private final RunOptions options;
    private String redisVersion = "?";

    private FaultRun(RunOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        int rc;
        try {
            rc = new FaultRun(RunOptions.parse(args)).run();
        } catch (IllegalArgumentException e) {
            System.err.println("fault run: " + e.getMessage());
            rc = 2;
        } catch (Exception e) {
            e.printStackTrace();
            rc = 2;
        }
        System.exit(rc);
    }

    private int run() throws IOException {
        Files.createDirectories(options.work());
        Files.createDirectories(options.out());
        ChildProcesses children = new ChildProcesses(options.work().resolve("children.pids"));
        List<PhaseFacts> done = new ArrayList<>();
        String abort = null;
        FaultContext ctx = null;
        try {
            ctx = environment(children);
            phases(ctx, done);
        } catch (Exception e) {
            abort = e.toString();
            e.printStackTrace();
        } finally {
            if (ctx != null) {
                ctx.workers().forEach(WorkerHandle::quit);
                ctx.proxy.close();
            }
            children.stopAll();
        }
        return report(done, abort);
    }

    /** The Redis servers, the cluster, the proxy and the workers. */
    private FaultContext environment(ChildProcesses children) throws IOException, InterruptedException {
        RedisServer aof = server(children, "standalone-aof", RedisServer.aofAlwaysArgs());
        RedisServer vol = server(children, "standalone-volatile", RedisServer.volatileArgs());
        redisVersion = version(aof);
        say("starting the local cluster (3 masters, 3 replicas)");
        LocalCluster cluster =
                LocalCluster.start(children, options.work(), options.sizes().nodeTimeoutMillis());
        NetProxy proxy = new NetProxy(aof.port());
        FaultContext ctx = new FaultContext(
                children,
                System.getProperty("java.class.path"),
                options.work(),
                options.load(),
                options.sizes(),
                aof,
                vol,
                cluster,
                proxy,
                options.seed());
        say("starting 3 workers");
        try {
            ctx.startWorkers();
        } catch (IOException e) {
            proxy.close();
            throw e;
        }
        return ctx;
    }

    private void phases(FaultContext ctx, List<PhaseFacts> done) throws Exception {
        List<PhasePlan> plans = Phases.all(options.sizes(), options.load());
        PhaseRunner runner = new PhaseRunner(ctx);
        for (int i = 0; i < plans.size(); i++) {
            PhasePlan plan = plans.get(i);
            if (!options.phases().isEmpty() && !options.phases().contains(plan.name())) {
                continue;
            }
            say("phase " + (i + 1) + " " + plan.name() + ": " + plan.fault());
            long t0 = System.nanoTime();
            done.add(runner.run(plan, i + 1));
            say("phase " + plan.name() + " done in " + FaultContext.millis(System.nanoTime() - t0) + " ms");
        }
    }

    private RedisServer server(ChildProcesses children, String name, List<String> args)
            throws IOException, InterruptedException {
        RedisServer s = new RedisServer(children, Ports.free(), options.work().resolve(name), args);
        s.start();
        return s;
    }

    private static String version(RedisServer s) {
        for (String line : RedisAdmin.info(s.address(), "server").split("\r?\n")) {
            if (line.startsWith("redis_version:")) {
                return line.substring("redis_version:".length());
            }
        }
        return "?";
    }

    private int report(List<PhaseFacts> done, String abort) throws IOException {
        Map<Integer, PhaseHistory> histories = readHistories();
        List<PhaseReport> reports = new ArrayList<>();
        for (PhaseFacts f : done) {
            reports.add(Checker.check(histories.get(f.index), f, options.load()));
        }
        String header = "Run " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + (options.label().isEmpty() ? "" : " on " + options.label()) + "; redis-server " + redisVersion
                + "; three worker JVMs, worker w2"
                + " reaches the standalone server through the run's proxy; cluster-node-timeout "
                + options.sizes().nodeTimeoutMillis() + " ms.";
        String md = ResultsTable.render(options, header, reports, abort);
        Path file = options.out().resolve("results.md");
        Files.writeString(file, md, StandardCharsets.UTF_8);
        System.out.println();
        System.out.print(md);
        say("results in " + file);
        if (abort != null) {
            return 2;
        }
        return reports.stream().allMatch(PhaseReport::passed) ? 0 : 1;
    }

    private Map<Integer, PhaseHistory> readHistories() throws IOException {
        Map<Integer, PhaseHistory> phases = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(options.work(), "history-*.tsv")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                HistoryFile.read(f, name.substring("history-".length(), name.length() - ".tsv".length()), phases);
            }
        }
        return phases;
    }

    static void say(String text) {
        System.out.println("fault run: " + text);
        System.out.flush();
    }
}
