package dev.turnstile.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The local waiters of each session, and the signal that wakes them. Shared by every store: the
 * in-process store signals on release, the Redis store on a pub/sub message. Entries exist only
 * while somebody watches, so the board holds nothing for idle sessions.
 */
final class WakeBoard {

    /** Told when a session gets its first watcher and loses its last one (to subscribe, unsubscribe). */
    interface Hooks {
        Hooks NONE = new Hooks() {};

        /**
         * Starts listening without blocking; the future completes once wake-ups are delivered. It
         * never throws: a subscription that cannot be made leaves the future incomplete or failed.
         */
        default CompletableFuture<Void> firstWatcher(String sessionHash) {
            return CompletableFuture.completedFuture(null);
        }

        default void lastWatcherGone(String sessionHash) {}
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final Hooks hooks;

    WakeBoard(Hooks hooks) {
        this.hooks = hooks;
    }

    /**
     * Watches a session. Every watcher, not only the first, waits until the session's subscription
     * is in place (a release published before it would be missed), but no longer than
     * {@code maxWait}: after that it relies on its bounded re-check.
     */
    Watch watch(String sessionHash, Duration maxWait) {
        boolean[] first = {false};
        Entry entry = entries.compute(sessionHash, (k, e) -> {
            Entry current = e == null ? new Entry() : e;
            first[0] = current.watchers++ == 0;
            return current;
        });
        if (first[0]) {
            try {
                entry.subscription.complete(hooks.firstWatcher(sessionHash));
            } catch (RuntimeException e) {
                entry.subscription.complete(CompletableFuture.failedFuture(e));
            }
        }
        awaitSubscription(entry, maxWait);
        return new EntryWatch(sessionHash, entry);
    }

    private static void awaitSubscription(Entry entry, Duration maxWait) {
        try {
            entry.subscription.thenCompose(f -> f).get(Math.max(0, maxWait.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // no confirmation in time: the re-check covers a missed wake-up
        }
    }

    void signal(String sessionHash) {
        Entry entry = entries.get(sessionHash);
        if (entry != null) {
            entry.signal();
        }
    }

    /** Wakes every local waiter, for example after the wake-up channel was lost. */
    void signalAll() {
        entries.values().forEach(Entry::signal);
    }

    int watchedSessions() {
        return entries.size();
    }

    private void unwatch(String sessionHash) {
        boolean[] last = {false};
        entries.computeIfPresent(sessionHash, (k, e) -> {
            last[0] = --e.watchers == 0;
            return last[0] ? null : e;
        });
        if (last[0]) {
            hooks.lastWatcherGone(sessionHash);
        }
    }

    private static final class Entry {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        /** Completed by the first watcher with the subscription's own future. */
        private final CompletableFuture<CompletableFuture<Void>> subscription = new CompletableFuture<>();
        private int watchers; // guarded by the map's compute
        private long version; // guarded by lock

        void signal() {
            lock.lock();
            try {
                version++;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private final class EntryWatch implements Watch {
        private final String sessionHash;
        private final Entry entry;
        private boolean closed;

        EntryWatch(String sessionHash, Entry entry) {
            this.sessionHash = sessionHash;
            this.entry = entry;
        }

        @Override
        public long version() {
            entry.lock.lock();
            try {
                return entry.version;
            } finally {
                entry.lock.unlock();
            }
        }

        @Override
        public boolean await(long seen, Duration max) throws InterruptedException {
            long nanos = max.toNanos();
            entry.lock.lock();
            try {
                while (entry.version == seen) {
                    if (nanos <= 0) {
                        return false;
                    }
                    nanos = entry.changed.awaitNanos(nanos);
                }
                return true;
            } finally {
                entry.lock.unlock();
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                unwatch(sessionHash);
            }
        }
    }
}
