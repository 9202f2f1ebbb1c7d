package dev.turnstile.bench;

import dev.turnstile.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Phase 4: many sessions holding places at once. On a flushed Redis, N sessions each take one place
 * (even sessions a read, odd ones a write) and hold it; used_memory and the key count are read;
 * then all release, and the keys left are classified: lock keys (must be none) and long-retention
 * records (Turnstile's fence counters), with their size (MEMORY USAGE) and TTL.
 */
final class ScalePhase {

    record Row(
            String guard,
            int sessions,
            double bytesPerSession,
            double keysPerSession,
            long lockKeysLeft,
            String lockKeysTtl,
            long retained,
            double retainedBytes,
            String retainedTtl,
            double bytesLeftPerSession,
            double seconds) {}

    private final RedisAdmin admin;
    private final Settings settings;

    ScalePhase(RedisAdmin admin, Settings settings) {
        this.admin = admin;
        this.settings = settings;
    }

    /** @param retained which keys are long-retention records rather than lock state */
    Row run(Guard guard, Predicate<String> retained) throws Exception {
        int n = settings.scaleSessions();
        int threads = settings.scaleThreads();
        admin.flushAll();
        for (int i = 0; i < 4; i++) {
            guard.acquire("scale-warm", "w-" + i, i % 2 == 0 ? Mode.READ : Mode.WRITE)
                    .close();
        }
        admin.flushAll();
        Thread.sleep(100);
        long baseMemory = admin.usedMemory();
        long baseKeys = admin.dbSize();
        long start = System.nanoTime();
        CountDownLatch allHeld = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int first = t;
                futures.add(pool.submit(() -> {
                    List<Guard.Held> held = new ArrayList<>();
                    try {
                        for (int i = first; i < n; i += threads) {
                            held.add(guard.acquire("scale-" + i, "turn-" + i, i % 2 == 0 ? Mode.READ : Mode.WRITE));
                        }
                    } finally {
                        allHeld.countDown();
                    }
                    release.await();
                    held.forEach(Guard.Held::close); // on the thread that took them
                    return null;
                }));
            }
            allHeld.await(5, TimeUnit.MINUTES);
            long heldMemory = admin.usedMemory();
            long heldKeys = admin.dbSize();
            release.countDown();
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Thread.sleep(100);
            long afterMemory = admin.usedMemory();
            List<String> lockKeys = new ArrayList<>();
            List<String> records = new ArrayList<>();
            for (String key : admin.keys("*")) {
                (retained.test(key) ? records : lockKeys).add(key);
            }
            long recordBytes = 0;
            List<String> sample = records.subList(0, Math.min(records.size(), 1000));
            for (String key : sample) {
                recordBytes += admin.memoryUsage(key);
            }
            return new Row(
                    guard.name(),
                    n,
                    (double) (heldMemory - baseMemory) / n,
                    (double) (heldKeys - baseKeys) / n,
                    lockKeys.size(),
                    ttlRange(lockKeys),
                    records.size(),
                    sample.isEmpty() ? 0 : (double) recordBytes / sample.size(),
                    ttlRange(records),
                    (double) (afterMemory - baseMemory) / n,
                    seconds);
        } finally {
            release.countDown();
            pool.shutdownNow();
            admin.flushAll();
        }
    }

    /** The TTL range of (a sample of) keys, as text; "-" for none. */
    private String ttlRange(List<String> keys) {
        if (keys.isEmpty()) {
            return "-";
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (String key : keys.subList(0, Math.min(keys.size(), 200))) {
            long pttl = admin.pttl(key);
            min = Math.min(min, pttl);
            max = Math.max(max, pttl);
        }
        if (min < 0) {
            return min == -1 ? "none (no TTL!)" : "gone";
        }
        return Report.duration(min) + (max - min > 1000 ? " – " + Report.duration(max) : "");
    }
}
