package dev.turnstile.bench;

import dev.turnstile.Mode;
import dev.turnstile.TurnstileListener;
import java.time.Duration;

/**
 * Counts the places a Turnstile granted and released, and waits until every granted place was
 * released. The filter releases a call's place when the server's pass ends, which may be after the
 * client has its answer: counting commands call by call waits for that release, so that none
 * spills into the next call or past a snapshot.
 */
final class ReleaseCounter implements TurnstileListener {

    private long acquired; // guarded by this
    private long released; // guarded by this

    @Override
    public synchronized void acquired(String sessionHash, Mode mode, Duration waited) {
        acquired++;
    }

    @Override
    public synchronized void released(String sessionHash, Mode mode, Duration held, boolean wasHeld) {
        released++;
        notifyAll();
    }

    /** Waits until every place granted so far was released. */
    synchronized void awaitAllReleased(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (released < acquired) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException(
                        (acquired - released) + " places were not released within " + timeout.toMillis() + " ms");
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
