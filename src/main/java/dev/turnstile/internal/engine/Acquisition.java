package dev.turnstile.internal.engine;

import dev.turnstile.spi.Place;
import java.time.Duration;

/**
 * One call's acquisition: its place, its waiting mark, its one deadline, and what its attempts left
 * in the store. Used by one thread at a time (the caller's, or the asynchronous waiter's attempt).
 */
final class Acquisition {

    final Place place;
    final Duration mark;
    final long start;
    final long deadline;
    volatile long sentAt;
    volatile boolean marked;
    volatile String arrival = ""; // among the waiting calls of its turn, from its last denial

    Acquisition(Place place, Duration mark, long start, Duration timeout) {
        this.place = place;
        this.mark = mark;
        this.start = start;
        this.deadline = start + timeout.toNanos();
    }
}
