package dev.turnstile.engine;

import java.time.Duration;

/**
 * A waiter's view of wake-ups of one session. Read {@link #version()} before an attempt, then
 * {@link #await} with that value: a wake-up that arrived in between is not missed.
 */
public interface Watch extends AutoCloseable {

    long version();

    /** Waits until the version differs from {@code seen} or {@code max} passed; true when woken. */
    boolean await(long seen, Duration max) throws InterruptedException;

    @Override
    void close();
}
