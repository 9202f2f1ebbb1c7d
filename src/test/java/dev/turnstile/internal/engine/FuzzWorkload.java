package dev.turnstile.internal.engine;

import dev.turnstile.BusyException;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import dev.turnstile.testing.OverlapHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Many threads doing random reads and writes over a few sessions and turns (and calls without a
 * turn id), recording every guarded section in an {@link OverlapHistory}, and how long the calls of
 * each turn waited for their place at the longest (a starved turn shows there).
 */
final class FuzzWorkload {

    record Outcome(OverlapHistory history, int calls, int busy, Map<String, Duration> longestWaitPerTurn) {

        /** The longest waits, one line. */
        String waits() {
            return new TreeMap<>(longestWaitPerTurn)
                    .entrySet().stream()
                            .map(e -> "turn " + e.getKey() + " " + e.getValue().toMillis() + " ms")
                            .collect(java.util.stream.Collectors.joining(", ", "longest wait: ", ""));
        }
    }

    private FuzzWorkload() {}

    static Outcome run(List<? extends Turnstile> engines, int threads, int callsPerThread) throws Exception {
        OverlapHistory history = new OverlapHistory();
        Map<String, Duration> longest = new ConcurrentHashMap<>();
        String[] sessions = {
            "fuzz-" + Hashing.randomToken(), "fuzz-" + Hashing.randomToken(), "fuzz-" + Hashing.randomToken()
        };
        String[] turns = {"a", "b", null};
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Turnstile engine = engines.get(t % engines.size());
                workers.add(pool.submit(() -> {
                    start.await();
                    int busy = 0;
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < callsPerThread; i++) {
                        String s = sessions[random.nextInt(sessions.length)];
                        String turn = turns[random.nextInt(turns.length)];
                        Mode mode = random.nextInt(3) == 0 ? Mode.WRITE : Mode.READ;
                        long asked = System.nanoTime();
                        try (Permit p = engine.acquire(s, turn, mode)) {
                            longest.merge(
                                    turn == null ? "(none)" : turn,
                                    Duration.ofNanos(System.nanoTime() - asked),
                                    (x, y) -> x.compareTo(y) >= 0 ? x : y);
                            long enter = history.enter();
                            LockSupport.parkNanos(random.nextLong(20_000, 300_000)); // the tool works
                            history.exit(s, turn, mode, enter);
                        } catch (BusyException e) {
                            busy++;
                        }
                    }
                    return busy;
                }));
            }
            start.countDown();
            int busy = 0;
            for (Future<Integer> f : workers) {
                busy += f.get(5, TimeUnit.MINUTES);
            }
            return new Outcome(history, threads * callsPerThread, busy, Map.copyOf(longest));
        } finally {
            pool.shutdownNow();
        }
    }
}
