package dev.turnstile.internal.engine;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.Permit;
import dev.turnstile.TurnstileException;
import dev.turnstile.spi.Grant;
import dev.turnstile.spi.Watch;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call that waits without a thread: wake-ups of its session (and its re-check, and its deadline)
 * schedule one attempt at a time on the engine's waiter threads; between attempts nothing runs for
 * it. Its stage completes with the permit, the busy error at the deadline, or the store's failure.
 * Cancelling the stage withdraws the call; a place granted while it was being cancelled is released
 * at once.
 */
final class AsyncWait implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncWait.class);

    private final LockEngine engine;
    private final Acquisition a;
    private final Grant.Denied first;
    private final ScheduledExecutorService threads;
    private final CompletableFuture<Permit> result = new CompletableFuture<>();
    private Watch watch; // guarded by this; set once, before the first attempt
    private boolean started; // guarded by this: its watch is in place
    private volatile boolean settling; // this waiter completes the stage (not its caller)
    private boolean scheduled; // guarded by this: an attempt is queued or running
    private boolean again; // guarded by this: woken while one was queued or running
    private ScheduledFuture<?> timer; // guarded by this

    AsyncWait(LockEngine engine, Acquisition a, Grant.Denied first, ScheduledExecutorService threads) {
        this.engine = engine;
        this.a = a;
        this.first = first;
        this.threads = threads;
    }

    CompletionStage<Permit> start() {
        engine.waiting(this, true);
        // a wake-up may come before watch() returns: it is ignored, the first attempt below follows anyway
        Watch w = engine.store().watch(a.place, this);
        w.attempted(first); // its place in line, so that a wake-up during its next attempt still finds it
        synchronized (this) {
            watch = w;
            started = true;
        }
        if (result.isDone()) { // the engine closed meanwhile (closed() found no watch to close)
            stopWatching();
            return result;
        }
        result.whenComplete((permit, failure) -> {
            if (!settling) {
                cancelled(); // the caller ended it (cancel, orTimeout, complete...): withdraw the call
            }
        });
        // the first attempt once wake-ups are delivered (a release before that would be missed),
        // or after a re-check at the latest
        watch.subscribed().whenComplete((ok, failure) -> run());
        schedule(Math.min(left(), engine.config().recheckInterval().toNanos()));
        return result;
    }

    /** A wake-up (or the timer): one more attempt, now or right after the one running. */
    @Override
    public void run() {
        synchronized (this) {
            if (!started) {
                return; // start() makes the first attempt
            }
            if (result.isDone()) {
                watch.passOn(); // done: the wake-up is for somebody else
                return;
            }
            if (scheduled) {
                again = true;
                return;
            }
            scheduled = true;
            cancelTimer();
        }
        try {
            threads.execute(this::attemptSafely);
        } catch (RejectedExecutionException e) { // the engine is closing
            finish(new BackendUnavailableException("acquire", e, false));
        }
    }

    /** An attempt whose unexpected failure ends the call (an executor would swallow it, and the call would hang). */
    private void attemptSafely() {
        try {
            attempt();
        } catch (RuntimeException | Error e) {
            LOG.error("a waiting call failed unexpectedly; it ends with this error", e);
            withdrawn();
            finish(e);
        }
    }

    private void attempt() {
        if (result.isDone()) { // cancelled while this attempt was queued
            withdrawn();
            return;
        }
        Grant grant;
        try {
            grant = engine.attempt(a);
        } catch (TurnstileException e) {
            withdrawn();
            finish(e);
            return;
        }
        if (grant instanceof Grant.Granted granted) {
            Permit permit = engine.granted(a, granted);
            try {
                watch.attempted(grant);
            } finally {
                if (!settle(permit)) {
                    permit.close(); // cancelled meanwhile: nobody will use it
                }
                done();
            }
            return;
        }
        watch.attempted(grant);
        Grant.Denied denied = (Grant.Denied) grant;
        long left = left();
        if (result.isDone()) {
            withdrawn(); // cancelled while this attempt left its mark
        } else if (left <= 0) {
            stopWatching(); // the withdraw's wake-up goes to a waiter that can use it
            finish(engine.busy(a, denied));
        } else {
            waitFor(engine.nextCheck(denied, left));
        }
    }

    /** After a denied attempt: the next one on a wake-up, or when the re-check is due. */
    private void waitFor(Duration next) {
        boolean cancelled;
        boolean now = false;
        synchronized (this) {
            cancelled = result.isDone(); // while this attempt ran: cancelled() left the clean-up to it
            if (!cancelled) {
                scheduled = false;
                now = again;
                again = false;
                if (!now) {
                    schedule(next.toNanos());
                }
            }
        }
        if (cancelled) {
            withdrawn();
        } else if (now) {
            run();
        }
    }

    private void schedule(long nanos) {
        synchronized (this) {
            cancelTimer();
            try {
                timer = threads.schedule(this, Math.max(0, nanos), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                timer = null; // the engine is closing: run() reports it
            }
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void finish(Throwable failure) {
        synchronized (this) {
            settling = true;
        }
        result.completeExceptionally(failure);
        done();
    }

    /** Completes the stage with the permit; false when it was already ended (by its caller). */
    private boolean settle(Permit permit) {
        synchronized (this) {
            if (result.isDone()) {
                return false;
            }
            settling = true;
        }
        return result.complete(permit);
    }

    private void cancelled() {
        synchronized (this) {
            cancelTimer();
            if (scheduled) {
                return; // the attempt in flight sees the cancellation and cleans up
            }
            scheduled = true;
        }
        try {
            threads.execute(this::withdrawn);
        } catch (RejectedExecutionException e) {
            done();
        }
    }

    private void done() {
        stopWatching();
        engine.waiting(this, false);
    }

    /**
     * Done, and the call's waiting mark withdrawn. It stops watching first, so that the withdraw's
     * wake-up goes to a waiter that can use it, and counts as waiting until the withdraw is over.
     */
    private void withdrawn() {
        stopWatching();
        engine.withdrawQuietly(a);
        engine.waiting(this, false);
    }

    private void stopWatching() {
        Watch w;
        synchronized (this) {
            cancelTimer();
            w = watch;
        }
        if (w != null) {
            w.close();
        }
    }

    /** The engine closes: the call fails as if the store were unreachable. */
    void closed() {
        withdrawn();
        finish(new BackendUnavailableException("acquire", new IllegalStateException("the engine is closed"), false));
    }

    private long left() {
        return a.deadline - engine.now();
    }
}
