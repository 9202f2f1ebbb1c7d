package dev.turnstile.faults;

import dev.turnstile.Mode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The run's environment as the faults see it: the Redis servers, the cluster, the proxy, the
 * three workers (replaced when one is killed and started again) and the settings.
 */
final class FaultContext {

    /** The worker whose Redis connections go through the proxy on standalone phases. */
    static final int PROXIED_WORKER = 2;

    static final int WORKERS = 3;
    /** A hold this long is one that only a kill ends; the tail does not wait for it. */
    private static final long FOREVER_NANOS = Duration.ofMinutes(10).toNanos();

    final ChildProcesses children;
    final String classpath;
    final Path work;
    final LoadSettings load;
    final Sizes sizes;
    final RedisServer aof;
    final RedisServer volatileServer;
    final LocalCluster cluster;
    final NetProxy proxy;
    final Random random;
    private final List<WorkerHandle> workers = new ArrayList<>();
    private final String[] phaseCommands = new String[WORKERS];
    private final int[] incarnations = new int[WORKERS];
    private PhasePlan.Backend backend;

    FaultContext(
            ChildProcesses children,
            String classpath,
            Path work,
            LoadSettings load,
            Sizes sizes,
            RedisServer aof,
            RedisServer volatileServer,
            LocalCluster cluster,
            NetProxy proxy,
            long seed) {
        this.children = children;
        this.classpath = classpath;
        this.work = work;
        this.load = load;
        this.sizes = sizes;
        this.aof = aof;
        this.volatileServer = volatileServer;
        this.cluster = cluster;
        this.proxy = proxy;
        this.random = new Random(seed);
    }

    void startWorkers() throws IOException {
        for (int i = 0; i < WORKERS; i++) {
            incarnations[i] = 1;
            workers.add(WorkerHandle.start(children, classpath, work, tag(i), i, load));
        }
        for (WorkerHandle w : workers) {
            w.awaitReady();
        }
    }

    private String tag(int i) {
        return "w" + i + (incarnations[i] > 1 ? "." + incarnations[i] : "");
    }

    List<WorkerHandle> workers() {
        return List.copyOf(workers);
    }

    WorkerHandle worker(int i) {
        return workers.get(i);
    }

    /** Starts a phase in every worker; returns once all said STARTED. */
    void startPhase(PhaseFacts facts, long turnBase) throws IOException {
        backend = facts.plan.backend();
        if (backend.standalone()) {
            proxy.target(standalone().port());
        }
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            phaseCommands[i] = "phase " + facts.index + " " + facts.plan.name() + " " + facts.keyPrefix + " "
                    + (backend.standalone() ? "standalone " : "cluster ") + target(i) + " " + turnBase + " "
                    + facts.plan.load().name();
            answers.add(workers.get(i).send(phaseCommands[i]));
        }
        for (int i = 0; i < WORKERS; i++) {
            workers.get(i).await(answers.get(i), Duration.ofSeconds(60), "phase");
        }
    }

    private String target(int worker) {
        if (!backend.standalone()) {
            return cluster.seeds();
        }
        return worker == PROXIED_WORKER ? proxy.url() : standalone().url();
    }

    /** The standalone server of the current phase. */
    RedisServer standalone() {
        return backend == PhasePlan.Backend.STANDALONE_VOLATILE ? volatileServer : aof;
    }

    /** Kills worker {@code i} with SIGKILL, records it, and starts a new one in the same phase. */
    void killAndRestartWorker(int i, PhaseFacts facts) throws IOException, InterruptedException {
        WorkerHandle victim = workers.get(i);
        long at = victim.kill9();
        facts.kills.add(new PhaseFacts.Kill(victim.tag(), at));
        facts.faultStarts(at);
        facts.faultEnds(at);
        incarnations[i]++;
        WorkerHandle fresh = WorkerHandle.start(children, classpath, work, tag(i), i, load);
        fresh.awaitReady();
        fresh.call(phaseCommands[i], Duration.ofSeconds(60));
        workers.set(i, fresh);
        facts.note("worker " + victim.tag() + " killed; " + fresh.tag() + " joined " + millis(System.nanoTime() - at)
                + " ms later");
    }

    /**
     * Makes worker {@code w} take a place in {@code session} and keep it until {@code exitAt} (or
     * the drain): a holder across the fault. Returns the session hash, or null when the place
     * could not be had (noted; not a failure of the run).
     */
    String hold(int w, int session, Mode mode, long exitAt, PhaseFacts facts) throws IOException {
        String answer = workers.get(w)
                .call(
                        "hold " + session + " " + mode.name() + " " + exitAt,
                        load.acquireTimeout().plusSeconds(10));
        if (exitAt - System.nanoTime() < FOREVER_NANOS) {
            facts.holdEnds(exitAt);
        }
        if (!answer.startsWith("HELD ")) {
            facts.note("hold of session-" + session + " by " + workers.get(w).tag() + " failed: " + answer);
            return null;
        }
        return answer.split(" ")[1];
    }

    /**
     * The session hashes the workers have seen so far ({@code Permit.sessionHash()} in their
     * histories), by session index. The same in every phase: the key prefix is not part of it.
     */
    Map<Integer, String> sessionHashes() throws IOException {
        Map<Integer, String> hashes = new HashMap<>();
        for (WorkerHandle w : workers) {
            try (BufferedReader in = Files.newBufferedReader(w.history(), StandardCharsets.UTF_8)) {
                String line;
                while (hashes.size() < load.sessions() && (line = in.readLine()) != null) {
                    String[] f = line.split("\t");
                    if (f[0].equals(HistoryFile.ENTER) && f.length >= 13) {
                        hashes.putIfAbsent(Integer.parseInt(f[4]), f[12]);
                    }
                }
            }
        }
        return hashes;
    }

    static void sleepUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    static long after(Duration d) {
        return System.nanoTime() + d.toNanos();
    }

    static long millis(long nanos) {
        return Math.round(nanos / 1e6);
    }
}
