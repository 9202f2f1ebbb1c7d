package dev.turnstile.bench;

import dev.turnstile.Mode;

/**
 * One way to guard a tool call, so that every phase can run the same workload on Turnstile, the
 * seed's algorithm and the Redisson guard. {@link Held#close()} must run on the acquiring thread
 * (the Redisson guard's inner lock is thread-bound).
 */
interface Guard extends AutoCloseable {

    /** A place held by one call. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Short name for tables. */
    String name();

    /** Takes a place (waits up to the guard's acquire timeout); throws when the deadline passes. */
    Held acquire(String sessionId, String turnId, Mode mode);

    @Override
    void close();
}
