package dev.turnstile.spi;

import java.util.concurrent.CompletableFuture;

/**
 * A waiter's registration for wake-ups of its session (see {@link LockStore#watch}). Its
 * {@code onWake} runs when it may get in now: a release of the session (the process's waiters are
 * woken one at a time, in the order they came, so that a release does not set off a herd of
 * retries), or a lost or restored subscription (all of them). Read it as "look again", never as
 * "granted".
 */
public interface Watch extends AutoCloseable {

    /**
     * Whether wake-ups are delivered yet.
     *
     * @return a future that completes once wake-ups are delivered; it may never complete (an
     *         unreachable store)
     */
    CompletableFuture<Void> subscribed();

    /**
     * How the waiter's last attempt ended, the one before it began to watch included. A denial tells
     * the waiter's place among the waiting calls, so that a release wakes the one that came first
     * even while its next attempt is on its way; after a wake-up, the outcome wakes the next waiter
     * who may get in: after a granted read, the next waiter; after a denial that names another turn
     * as first in line, a waiter of that turn.
     *
     * @param grant the answer of the attempt
     */
    void attempted(Grant grant);

    /** The waiter got a wake-up it cannot use (it is done): the next waiter gets it instead. */
    void passOn();

    /** Ends the registration (idempotent). */
    @Override
    void close();
}
