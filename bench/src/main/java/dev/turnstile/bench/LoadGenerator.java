package dev.turnstile.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop HTTP load: {@code sessions × callersPerSession} callers, each on its own keep-alive
 * connection, sending MCP {@code tools/call} requests back to back. A read is {@code get_item}
 * (read by the default classifier) unless the scenario names another read tool, a write
 * {@code update_item}; a tool takes {@code toolMillis} in the echo servlet, which answers as the
 * scenario's {@link Answer} asks. Bounded by time and by a request count (or runs in the background
 * until stopped); the warm-up part is not counted.
 */
final class LoadGenerator {

    /** How callers pick turn ids. */
    enum Turns {
        /** Each caller starts a new turn every 10 calls (no caller shares a turn). */
        ROTATING,
        /** All callers of a session send the same turn id: reads share, writes take turns. */
        SHARED,
        /** Every call is a turn of its own: all calls of a session take turns. */
        OWN
    }

    /** The tool of the reads unless a scenario names another: a read by its prefix. */
    static final String READ_TOOL = "get_item";
    /** The tool of the writes. */
    static final String WRITE_TOOL = "update_item";

    record Scenario(
            String group,
            String name,
            int sessions,
            int callersPerSession,
            double readShare,
            Turns turns,
            int toolMillis,
            String readTool,
            Answer answer) {

        /** Reads of {@link #READ_TOOL}, JSON answers. */
        Scenario(
                String group,
                String name,
                int sessions,
                int callersPerSession,
                double readShare,
                Turns turns,
                int toolMillis) {
            this(group, name, sessions, callersPerSession, readShare, turns, toolMillis, READ_TOOL, Answer.JSON);
        }

        String mix() {
            if (Math.abs(readShare - 0.5) < 1e-9) {
                return "mixed 50/50";
            }
            return readShare > 0.5
                    ? "read-heavy " + pct(readShare) + "/" + pct(1 - readShare)
                    : "write-heavy " + pct(readShare) + "/" + pct(1 - readShare);
        }

        private static String pct(double share) {
            return Long.toString(Math.round(share * 100));
        }
    }

    /**
     * One run (or several merged): successful calls per second, their latencies (ns), errors; {@code calls}
     * counts every answered call, warm-up included (for per-call CPU and Redis figures).
     */
    record Result(
            double throughput, Stats latency, long ok, long errors, double seconds, long[] latencies, long calls) {

        static Result merge(List<Result> parts) {
            long ok = 0;
            long errors = 0;
            double seconds = 0;
            long calls = 0;
            List<LongList> all = new ArrayList<>();
            for (Result r : parts) {
                ok += r.ok;
                errors += r.errors;
                seconds += r.seconds;
                calls += r.calls;
                LongList l = new LongList();
                for (long v : r.latencies) {
                    l.add(v);
                }
                all.add(l);
            }
            long[] latencies = LongList.concat(all);
            return new Result(
                    ok / Math.max(1e-9, seconds), Stats.ofNanos(latencies), ok, errors, seconds, latencies, calls);
        }
    }

    /** A load running in the background until {@link #stop()}. */
    final class Background {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ExecutorService runner = Executors.newSingleThreadExecutor();
        private final Future<Result> result;

        private Background(String path, Scenario scenario) {
            result = runner.submit(() ->
                    LoadGenerator.this.run(path, scenario, Duration.ZERO, Duration.ofHours(1), Long.MAX_VALUE, stop));
        }

        /** Stops sending; waits for the answers still due and returns what the load got. */
        Result stop() throws Exception {
            stop.set(true);
            try {
                return result.get(5, TimeUnit.MINUTES);
            } finally {
                runner.shutdownNow();
            }
        }
    }

    private static final AtomicLong CELLS = new AtomicLong();

    private final String host;
    private final int port;

    LoadGenerator(String host, int port) {
        this.host = host;
        this.port = port;
    }

    Result run(String path, Scenario scenario, Duration warmup, Duration measure, long maxRequests) throws Exception {
        return run(path, scenario, warmup, measure, maxRequests, new AtomicBoolean());
    }

    /** Starts {@code scenario} in the background, counted from its first call on. */
    Background start(String path, Scenario scenario) {
        return new Background(path, scenario);
    }

    private Result run(
            String path, Scenario scenario, Duration warmup, Duration measure, long maxRequests, AtomicBoolean stop)
            throws Exception {
        int callers = scenario.sessions() * scenario.callersPerSession();
        String cell = Long.toString(CELLS.incrementAndGet(), 36) + Long.toString(System.nanoTime() % 100_000, 36);
        long[] times = new long[2]; // warm-up end, measurement end
        CyclicBarrier start = new CyclicBarrier(callers, () -> {
            long now = System.nanoTime();
            times[0] = now + warmup.toNanos();
            times[1] = times[0] + measure.toNanos();
        });
        AtomicLong counted = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<Future<Caller>> futures = new ArrayList<>();
        try {
            for (int s = 0; s < scenario.sessions(); s++) {
                for (int c = 0; c < scenario.callersPerSession(); c++) {
                    Caller caller = new Caller(path, scenario, "s-" + cell + "-" + s, c);
                    futures.add(pool.submit(() -> caller.run(start, times, counted, maxRequests, stop)));
                }
            }
            List<LongList> latencies = new ArrayList<>();
            long ok = 0;
            long errors = 0;
            long calls = 0;
            long lastEnd = 0;
            for (Future<Caller> f : futures) {
                Caller c = f.get(measure.toSeconds() + warmup.toSeconds() + 120, TimeUnit.SECONDS);
                latencies.add(c.latencies);
                ok += c.ok;
                errors += c.errors;
                calls += c.calls;
                lastEnd = Math.max(lastEnd, c.lastEnd);
            }
            double seconds = Math.max(1e-9, (lastEnd - times[0]) / 1e9);
            long[] all = LongList.concat(latencies);
            return new Result(ok / seconds, Stats.ofNanos(all), ok, errors, seconds, all, calls);
        } finally {
            pool.shutdownNow();
        }
    }

    private final class Caller {
        private final String path;
        private final Scenario scenario;
        private final String session;
        private final int index;
        final LongList latencies = new LongList();
        long ok;
        long errors;
        long calls;
        long lastEnd;

        Caller(String path, Scenario scenario, String session, int index) {
            this.path = path;
            this.scenario = scenario;
            this.session = session;
            this.index = index;
        }

        Caller run(CyclicBarrier start, long[] times, AtomicLong counted, long maxRequests, AtomicBoolean stop)
                throws Exception {
            try (RawHttpClient client = new RawHttpClient(host, port)) {
                start.await();
                long warmEnd;
                long end;
                synchronized (times) {
                    warmEnd = times[0];
                    end = times[1];
                }
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (long n = 0; ; n++) {
                    long t0 = System.nanoTime();
                    if (t0 >= end || counted.get() >= maxRequests || stop.get()) {
                        return this;
                    }
                    boolean read = random.nextDouble() < scenario.readShare();
                    RawHttpClient.Response response = client.post(request(n, read));
                    long t1 = System.nanoTime();
                    calls++;
                    if (t0 >= warmEnd) {
                        counted.incrementAndGet();
                        lastEnd = t1;
                        if (response.status() == 200 && !response.jsonRpcError()) {
                            ok++;
                            latencies.add(t1 - t0);
                        } else {
                            errors++;
                        }
                    }
                }
            }
        }

        private byte[] request(long n, boolean read) {
            String turn = switch (scenario.turns()) {
                case ROTATING -> "t-" + session + "-" + index + "-" + (n / 10);
                case SHARED -> "t-" + session;
                case OWN -> "t-" + session + "-" + index + "-" + n;
            };
            return BenchRequests.toolsCall(
                    host + ":" + port,
                    path,
                    session,
                    turn,
                    n,
                    read ? scenario.readTool() : WRITE_TOOL,
                    scenario.toolMillis(),
                    scenario.answer());
        }
    }
}
