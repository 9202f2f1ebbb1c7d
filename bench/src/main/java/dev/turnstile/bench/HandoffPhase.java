package dev.turnstile.bench;

import dev.turnstile.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Phase 2: hand-off latency. In each round a holder of turn A holds a session; a caller of turn B
 * of the same session starts waiting; after a random delay (uniform over 2 ms .. 2 ms + max delay,
 * so that a poller's phase is uniform too) the holder releases. The latency is from just before
 * the holder's release call to just after the waiter's acquire returned (same JVM clock). Several
 * independent session pairs run side by side to keep the phase short; every guard gets the same
 * schedule, and the caller alternates the guards in chunks.
 */
final class HandoffPhase {

    private final Settings settings;

    HandoffPhase(Settings settings) {
        this.settings = settings;
    }

    /** @return hand-off latencies in nanoseconds, {@code rounds} per session pair */
    long[] run(Guard guard, int rounds) throws Exception {
        int pairs = settings.handoffPairs();
        ExecutorService pool = Executors.newFixedThreadPool(pairs * 2);
        try {
            List<LongList> samples = new ArrayList<>();
            List<Future<?>> futures = new ArrayList<>();
            String run = Long.toHexString(System.nanoTime());
            for (int p = 0; p < pairs; p++) {
                LongList sample = new LongList();
                samples.add(sample);
                String session = "handoff-" + run + "-" + p;
                CyclicBarrier start = new CyclicBarrier(2);
                CyclicBarrier done = new CyclicBarrier(2);
                long[] released = new long[1];
                futures.add(pool.submit(() -> holder(guard, session, rounds, start, done, released)));
                futures.add(pool.submit(() -> waiter(guard, session, rounds, start, done, released, sample)));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES);
            }
            return LongList.concat(samples);
        } finally {
            pool.shutdownNow();
        }
    }

    private Void holder(
            Guard guard, String session, int rounds, CyclicBarrier start, CyclicBarrier done, long[] released)
            throws Exception {
        long span = settings.handoffMaxDelay().toNanos();
        for (int r = 0; r < rounds; r++) {
            Guard.Held held = guard.acquire(session, "a-" + r, Mode.WRITE);
            start.await(); // the waiter starts its acquire now
            LockSupport.parkNanos(2_000_000 + ThreadLocalRandom.current().nextLong(span));
            synchronized (released) {
                released[0] = System.nanoTime();
            }
            held.close();
            done.await(); // the waiter got in and left
        }
        return null;
    }

    private Void waiter(
            Guard guard,
            String session,
            int rounds,
            CyclicBarrier start,
            CyclicBarrier done,
            long[] released,
            LongList sample)
            throws Exception {
        for (int r = 0; r < rounds; r++) {
            start.await();
            Guard.Held held = guard.acquire(session, "b-" + r, Mode.WRITE);
            long got = System.nanoTime();
            held.close();
            long from;
            synchronized (released) {
                from = released[0];
            }
            sample.add(got - from);
            done.await();
        }
        return null;
    }
}
