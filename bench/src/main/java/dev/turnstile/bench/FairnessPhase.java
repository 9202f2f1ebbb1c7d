package dev.turnstile.bench;

import dev.turnstile.BusyException;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileBuilder;
import dev.turnstile.TurnstileConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * Phase 7: can one turn starve another? Per round, on a fresh session, turn A runs two readers in
 * a loop, each holding its place for {@code hold} and started {@code hold/2} apart, so that a read of
 * A is always in flight; then a write of turn B arrives and waits. With {@code turn-grace} off (v1)
 * B waits for its whole acquire timeout; with the default grace, A's new calls queue behind B once
 * B has waited that long. Measured on the engine directly, on Redis and on the in-process store.
 */
final class FairnessPhase {

    /** One store and grace: the other turn's waits (ms; busy ones at their deadline) and the holding turn's. */
    record Row(
            String store,
            String grace,
            int rounds,
            int served,
            int busy,
            double longestWaitMs,
            double shortestWaitMs,
            double holderLongestWaitMs,
            long holderCalls,
            long timeoutMs) {}

    private final Settings.Fairness settings;

    FairnessPhase(Settings.Fairness settings) {
        this.settings = settings;
    }

    List<Row> run(String redisUrl, java.util.function.Consumer<String> progress) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String store : List.of("Redis", "in-process")) {
            for (boolean v1 : List.of(true, false)) {
                TurnstileBuilder b = Turnstile.builder()
                        .acquireTimeout(settings.timeout())
                        .turnGrace(v1 ? TurnstileConfig.TURN_GRACE_OFF : TurnstileConfig.DEFAULT_TURN_GRACE);
                try (Turnstile turnstile = (store.equals("Redis") ? b.redisUrl(redisUrl) : b).build()) {
                    Row r = rounds(
                            turnstile,
                            store,
                            v1 ? "off (v1)" : TurnstileConfig.DEFAULT_TURN_GRACE.toMillis() + " ms (default)",
                            v1 ? settings.v1Rounds() : settings.rounds());
                    rows.add(r);
                    progress.accept(String.format(
                            Locale.ROOT,
                            "  %-10s turn-grace %-14s other turn: %d served, %d busy, "
                                    + "longest wait %.0f ms; holding turn: %d calls, longest wait %.0f ms",
                            r.store(),
                            r.grace(),
                            r.served(),
                            r.busy(),
                            r.longestWaitMs(),
                            r.holderCalls(),
                            r.holderLongestWaitMs()));
                }
            }
        }
        return rows;
    }

    private Row rounds(Turnstile turnstile, String store, String grace, int rounds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        LongAccumulator holderWait = new LongAccumulator(Math::max, 0);
        long[] holderCalls = new long[1];
        int served = 0;
        double longest = 0;
        double shortest = Double.MAX_VALUE;
        try {
            for (int round = 0; round < rounds; round++) {
                String session = "fair-" + store + "-" + grace.charAt(0) + "-" + round + "-" + System.nanoTime();
                double[] waited = new double[1];
                boolean ok = round(turnstile, session, pool, holderWait, holderCalls, waited);
                served += ok ? 1 : 0;
                longest = Math.max(longest, waited[0]);
                shortest = Math.min(shortest, waited[0]);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Row(
                store,
                grace,
                rounds,
                served,
                rounds - served,
                longest,
                shortest,
                holderWait.get() / 1e6,
                holderCalls[0],
                settings.timeout().toMillis());
    }

    /** One round; returns whether turn B got its place, and its wait in {@code waited[0]} (ms). */
    private boolean round(
            Turnstile turnstile,
            String session,
            ExecutorService pool,
            LongAccumulator holderWait,
            long[] holderCalls,
            double[] waited)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        long hold = settings.hold().toMillis();
        List<Future<Long>> readers = List.of(
                pool.submit(() -> reader(turnstile, session, 0, stop, holderWait)),
                pool.submit(() -> reader(turnstile, session, hold / 2, stop, holderWait)));
        boolean ok;
        try {
            Thread.sleep(settings.settle().toMillis()); // both readers are looping, overlapping
            long t0 = System.nanoTime();
            try (Permit p = turnstile.acquire(session, "turn-b", Mode.WRITE)) {
                waited[0] = (System.nanoTime() - t0) / 1e6;
                Thread.sleep(hold);
                ok = true;
            } catch (BusyException e) {
                waited[0] = (System.nanoTime() - t0) / 1e6;
                ok = false;
            }
        } finally {
            stop.set(true);
        }
        for (Future<Long> r : readers) {
            holderCalls[0] += r.get(settings.timeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
        }
        return ok;
    }

    /** Turn A's reader: acquire, hold, release, again, until stopped; returns its calls. */
    private long reader(
            Turnstile turnstile, String session, long offsetMillis, AtomicBoolean stop, LongAccumulator longestWait)
            throws InterruptedException {
        Thread.sleep(offsetMillis);
        long calls = 0;
        while (!stop.get()) {
            long t0 = System.nanoTime();
            try (Permit p = turnstile.acquire(session, "turn-a", Mode.READ)) {
                longestWait.accumulate(System.nanoTime() - t0);
                calls++;
                Thread.sleep(settings.hold().toMillis());
            } catch (BusyException e) {
                longestWait.accumulate(System.nanoTime() - t0);
            }
        }
        return calls;
    }
}
