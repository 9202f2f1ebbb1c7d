package dev.turnstile.engine;

import dev.turnstile.CleanupOutcome;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background clean-up after faults, so that a fault of length T blocks a session for about T, not
 * for a lease: the place an acquire may have been granted after its caller gave up (the answer came
 * too late), a waiting writer's mark whose withdraw failed, and releases that failed. Each task is
 * token-scoped and retried until one attempt is acknowledged; while the store is unreachable, one
 * attempt at a time is made, with back-off (25 ms doubling to {@link #MAX_BACKOFF}), so that an
 * outage does not turn into a storm of retries. One daemon thread, started at the first task.
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

    private final LockStore store;
    private final SafeListener listener;
    private final LongSupplier ticker; // the engine's clock, for the give-up times; waits use real time
    private final Deque<Task> queue = new ArrayDeque<>(); // guarded by this
    private Thread worker;                                // guarded by this
    private boolean stopped;                              // guarded by this
    private long notBefore;                               // guarded by this
    private int failures;                                 // guarded by this

    Cleanup(LockStore store, SafeListener listener, LongSupplier ticker) {
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
                    dropped = queue.pollFirst();
                }
                queue.addLast(task);
                if (worker == null) {
                    worker = new Thread(this::run, "turnstile-cleanup");
                    worker.setDaemon(true);
                    worker.start();
                }
                notifyAll();
            }
        }
        if (dropped != null) {
            gaveUp(dropped, "too many pending clean-ups, or the engine is closed");
        }
    }

    synchronized int pending() {
        return queue.size();
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
            while (!queue.isEmpty() && worker != null && end - System.nanoTime() > 0) {
                try {
                    wait(Math.max(1, Math.min(50, (end - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            stopped = true;
            left = new ArrayList<>(queue);
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
            Task task = next();
            if (task == null) {
                return;
            }
            boolean late = ticker.getAsLong() - task.givesUpAt() >= 0;
            try {
                boolean removed = task.attempt(store);
                done(task, true);
                task.succeeded(removed);
                listener.cleanedUp(task.place().sessionHash(), task.place().mode(), task.operation(),
                        removed ? CleanupOutcome.REMOVED : CleanupOutcome.NOTHING_LEFT);
            } catch (RuntimeException e) {
                LOG.debug("clean-up after a failed {} in session {} failed: {}", task.operation(),
                        task.place().sessionHash(), e.toString());
                listener.backendError("cleanup", e);
                done(task, false);
                if (late && remove(task)) {
                    gaveUp(task, "its place can no longer exist");
                }
            }
        }
    }

    /** The next task, once the back-off allows; null when stopped. */
    private synchronized Task next() {
        while (!stopped) {
            long wait = notBefore - System.nanoTime();
            if (!queue.isEmpty() && wait <= 0) {
                return queue.peekFirst();
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

    private synchronized void done(Task task, boolean succeeded) {
        if (succeeded) {
            queue.remove(task);
            failures = 0;
            notBefore = 0;
            notifyAll();
            return;
        }
        failures++;
        long base = Math.min(MAX_BACKOFF.toNanos(), Duration.ofMillis(25).toNanos() << Math.min(failures - 1, 10));
        notBefore = System.nanoTime() + base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }

    private synchronized boolean remove(Task task) {
        boolean removed = queue.remove(task);
        notifyAll();
        return removed;
    }

    private void gaveUp(Task task, String why) {
        LOG.warn("gave up the clean-up after a failed {} in session {}: {}; what is left expires with its lease",
                task.operation(), task.place().sessionHash(), why);
        listener.cleanedUp(task.place().sessionHash(), task.place().mode(), task.operation(), CleanupOutcome.GAVE_UP);
    }
}
