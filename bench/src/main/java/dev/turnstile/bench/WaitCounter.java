package dev.turnstile.bench;

import dev.turnstile.BusyReason;
import dev.turnstile.Mode;
import dev.turnstile.TurnstileListener;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/** Counts the calls that had to wait (and for how long) through Turnstile's listener. */
final class WaitCounter implements TurnstileListener {

    /** Counts since the previous snapshot. */
    record Snapshot(long acquired, long waited, long busy, double maxWaitMs) {
        double waitedShare() {
            return acquired == 0 ? 0 : (double) waited / acquired;
        }
    }

    private final AtomicLong acquired = new AtomicLong();
    private final AtomicLong waited = new AtomicLong();
    private final AtomicLong busy = new AtomicLong();
    private final LongAccumulator maxWait = new LongAccumulator(Math::max, 0);

    @Override
    public void acquired(String sessionHash, Mode mode, Duration wait) {
        acquired.incrementAndGet();
        maxWait.accumulate(wait.toNanos());
    }

    @Override
    public void waited(String sessionHash, Mode mode, BusyReason reason) {
        waited.incrementAndGet();
    }

    @Override
    public void busy(String sessionHash, Mode mode, BusyReason reason, Duration wait) {
        busy.incrementAndGet();
    }

    /** Returns the counts so far and starts over. */
    Snapshot reset() {
        return new Snapshot(
                acquired.getAndSet(0), waited.getAndSet(0), busy.getAndSet(0), maxWait.getThenReset() / 1e6);
    }
}
