package dev.turnstile.internal.engine;

import dev.turnstile.CleanupOutcome;
import dev.turnstile.spi.LockStore;
import dev.turnstile.spi.Place;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background clean-up after faults, so that a fault of length T blocks a session for about T, not
 * for a lease: the place an acquire may have been granted after its caller gave up (the answer came
 * too late), a waiting writer's mark whose withdraw failed, and releases that failed. Each task is
 * token-scoped and retried until one attempt is acknowledged, each with its own back-off (25 ms
 * doubling to {@link #MAX_BACKOFF}); a task that fails goes behind the others, so a node that stays
 * down does not hold up the clean-ups of other nodes. After consecutive failures every attempt waits
 * as long too, so an outage does not turn into a storm of retries. One daemon thread, started at
 * the first task.
 */
final class Cleanup {

    private static final Logger LOG = LoggerFactory.getLogger(Cleanup.class);

    static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
    /** The most tasks kept; beyond it the oldest is given up (what it left expires with its lease). */
    static final int MAX_PENDING = 10_000;

    /** One clean-up: its attempt, and what to report. */
    interface Task {
        Place place();

        /** "acquire", "withdraw" or "release". */
        String operation();

        /** One attempt; true when something was left and is now gone. */
        boolean attempt(LockStore store);

        /** Ticker nanos after which an attempt that failed ends the task; Long.MAX_VALUE: never. */
        long givesUpAt();

        /** Told once, after the attempt that succeeded. */
        default void succeeded(boolean removed) {}
    }

    private final DaemonThreads threads;
    private final LockStore store;
    private final SafeListener listener;
    private final LongSupplier ticker; // the engine's clock, for the give-up times; waits use real time
    private final Deque<Entry> queue = new ArrayDeque<>(); // guarded by this; due ones first, in turn
    private Thread worker; // guarded by this
    private boolean stopped; // guarded by this
    private long notBefore = System.nanoTime(); // guarded by this: the next attempt of any task
    private int failures; // guarded by this: consecutive failed attempts
    private Entry inFlight; // guarded by this: taken from the queue, running

    /** A task and its own back-off. */
    private static final class Entry {
        final Task task;
        long notBefore = System.nanoTime(); // nanoTime may be negative: never compare with 0
        int failures;

        Entry(Task task) {
            this.task = task;
        }
    }

    Cleanup(LockStore store, SafeListener listener, LongSupplier ticker, ThreadFactory threadFactory) {
        this.threads = new DaemonThreads("turnstile-cleanup", threadFactory);
        this.store = store;
        this.listener = listener;
        this.ticker = ticker;
    }

    void add(Task task) {
        Task dropped = null;
        synchronized (this) {
            if (stopped) {
                dropped = task;
            } else {
                if (queue.size() >= MAX_PENDING) {
                    dropped = queue.pollFirst().task;
                }
                queue.addLast(new Entry(task));
                if (worker == null) {
                    worker = threads.start(this::run);
                }
                notifyAll();
            }
        }
        if (dropped != null) {
            gaveUp(dropped, "too many pending clean-ups, or the engine is closed");
        }
    }

    synchronized int pending() {
        return queue.size() + (inFlight == null ? 0 : 1);
    }

    /**
     * Runs what is pending for up to {@code bound} (one attempt in flight may take up to the store's
     * timeout beyond it), then stops the thread and gives up what is left.
     */
    void close(Duration bound) {
        long end = System.nanoTime() + bound.toNanos();
        Thread running;
        List<Task> left;
        synchronized (this) {
            while ((!queue.isEmpty() || inFlight != null) && worker != null && end - System.nanoTime() > 0) {
                try {
                    wait(Math.max(1, Math.min(50, (end - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            stopped = true;
            left = new ArrayList<>();
            queue.forEach(e -> left.add(e.task));
            queue.clear();
            running = worker;
            notifyAll();
        }
        left.forEach(t -> gaveUp(t, "the engine closed"));
        if (running != null) {
            running.interrupt();
            try {
                running.join(bound.toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (true) {
            Entry entry = next();
            if (entry == null) {
                return;
            }
            Task task = entry.task;
            boolean late = ticker.getAsLong() - task.givesUpAt() >= 0;
            try {
                boolean removed = task.attempt(store);
                done(entry, true);
                task.succeeded(removed);
                listener.cleanedUp(
                        task.place().sessionHash(),
                        task.place().mode(),
                        task.operation(),
                        removed ? CleanupOutcome.REMOVED : CleanupOutcome.NOTHING_LEFT);
            } catch (RuntimeException e) {
                LOG.debug(
                        "clean-up after a failed {} in session {} failed: {}",
                        task.operation(),
                        task.place().sessionHash(),
                        e.toString());
                listener.backendError("cleanup", e);
                if (late) {
                    done(entry, true);
                    gaveUp(task, "its place can no longer exist");
                } else if (!done(entry, false)) {
                    gaveUp(task, "the engine closed");
                }
            }
        }
    }

    /** The next task that is due, once the back-off allows; null when stopped. Removed from the queue. */
    private synchronized Entry next() {
        while (!stopped) {
            long now = System.nanoTime();
            Entry due = null;
            long soonest = Long.MAX_VALUE;
            for (Entry e : queue) {
                if (e.notBefore - now <= 0) {
                    due = e;
                    break;
                }
                soonest = Math.min(soonest, e.notBefore - now);
            }
            long wait = Math.max(notBefore - now, due != null ? 0 : soonest);
            if (due != null && wait <= 0) {
                queue.remove(due);
                inFlight = due;
                return due;
            }
            try {
                if (queue.isEmpty()) {
                    wait();
                } else {
                    wait(Math.max(1, wait / 1_000_000));
                }
            } catch (InterruptedException e) {
                if (stopped) {
                    break;
                }
            }
        }
        worker = null;
        return null;
    }

    /**
     * After an attempt: a finished task leaves; a failed one goes behind the others, backed off.
     * False when a failed task cannot be kept (the engine closed meanwhile).
     */
    private synchronized boolean done(Entry entry, boolean finished) {
        inFlight = null;
        notifyAll();
        if (finished) {
            failures = 0;
            notBefore = System.nanoTime();
            return true;
        }
        entry.failures++;
        failures++;
        long now = System.nanoTime();
        entry.notBefore = now + backoff(entry.failures);
        notBefore = failures > 1 ? now + backoff(failures - 1) : now; // one failure in a row: the others go on
        if (stopped) {
            return false;
        }
        queue.addLast(entry);
        return true;
    }

    private static long backoff(int failures) {
        long base = Math.min(MAX_BACKOFF.toNanos(), Duration.ofMillis(25).toNanos() << Math.min(failures - 1, 10));
        return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }

    private void gaveUp(Task task, String why) {
        LOG.warn(
                "gave up the clean-up after a failed {} in session {}: {}; what is left expires with its lease",
                task.operation(),
                task.place().sessionHash(),
                why);
        listener.cleanedUp(task.place().sessionHash(), task.place().mode(), task.operation(), CleanupOutcome.GAVE_UP);
    }
}
