package dev.turnstile.internal.engine;

import dev.turnstile.BusyReason;
import dev.turnstile.Mode;
import dev.turnstile.spi.Grant;
import dev.turnstile.spi.Place;
import dev.turnstile.spi.Watch;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local waiters of each session, and who of them is woken. Shared by every store: the
 * in-process store signals on release, the Redis store on a pub/sub message. A release wakes one
 * waiter of this process, the one that waits longest (first in the store's order of arrival, as its
 * denials tell it, else first to watch); when its attempt shows that more may get in
 * (it got a read place, or another turn is first in line), the next one is woken, and so on. So a
 * release costs about one attempt per process that can use it, not one per waiter. A lost or
 * restored subscription wakes them all. Entries exist only while somebody watches.
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

    /** Registers a waiter; {@code onWake} runs (quickly, on the signalling thread) when it should look again. */
    Watch watch(Place place, Runnable onWake) {
        boolean[] first = {false};
        Waiter waiter = new Waiter(place.sessionHash(), place.turnHash(), place.mode(), onWake);
        Entry entry = entries.compute(place.sessionHash(), (k, e) -> {
            Entry current = e == null ? new Entry() : e;
            first[0] = current.watchers++ == 0;
            return current;
        });
        waiter.entry = entry;
        if (first[0]) {
            try {
                entry.subscription.complete(hooks.firstWatcher(place.sessionHash()));
            } catch (RuntimeException e) {
                entry.subscription.complete(CompletableFuture.failedFuture(e));
            }
        }
        synchronized (entry) {
            entry.waiters.add(waiter);
        }
        return waiter;
    }

    /** A release in the session: the waiter that waits longest looks again. */
    void signal(String sessionHash) {
        Entry entry = entries.get(sessionHash);
        if (entry != null) {
            wake(entry.next(null, null, null));
        }
    }

    /** Every local waiter of the session looks again (a lost or restored subscription). */
    void signalAll(String sessionHash) {
        Entry entry = entries.get(sessionHash);
        if (entry != null) {
            entry.all().forEach(WakeBoard::wake);
        }
    }

    int watchedSessions() {
        return entries.size();
    }

    private static void wake(Waiter waiter) {
        if (waiter != null) {
            waiter.onWake.run();
        }
    }

    private void unwatch(String sessionHash, Entry entry, Waiter waiter) {
        synchronized (entry) {
            entry.waiters.remove(waiter);
        }
        boolean[] last = {false};
        entries.computeIfPresent(sessionHash, (k, e) -> {
            last[0] = --e.watchers == 0;
            return last[0] ? null : e;
        });
        if (last[0]) {
            hooks.lastWatcherGone(sessionHash);
        }
    }

    /** One session's waiters, in the order they came. */
    private static final class Entry {
        private final CompletableFuture<CompletableFuture<Void>> subscription = new CompletableFuture<>();
        private final LinkedHashSet<Waiter> waiters = new LinkedHashSet<>(); // guarded by this
        private long round; // guarded by this
        private int watchers; // guarded by the map's compute

        /**
         * Starts a new round when {@code after} is null; else continues the current one. The first
         * waiter not woken in this round (of {@code turn} and {@code mode}, when given), marked
         * woken; or null.
         */
        synchronized Waiter next(Waiter after, String turn, Mode mode) {
            if (after == null) {
                round++;
            } else if (after.round != round) {
                return null; // a newer round took over
            }
            Waiter first = null;
            for (Waiter w : waiters) {
                if (w != after
                        && !w.finished
                        && w.round != round
                        && (turn == null || turn.equals(w.turnHash))
                        && (mode == null || mode == w.mode)
                        && (first == null || w.cameBefore(first))) {
                    first = w;
                }
            }
            if (first != null) {
                first.round = round;
            }
            return first;
        }

        synchronized List<Waiter> all() {
            round++;
            waiters.forEach(w -> w.round = round);
            return new ArrayList<>(waiters);
        }
    }

    private final class Waiter implements Watch {
        private final String sessionHash;
        private final String turnHash;
        private final Mode mode;
        private final Runnable onWake;
        private Entry entry;
        private long round = -1; // the round it was last woken in; guarded by entry
        private volatile boolean finished; // it got its place or gave up: wake-ups go to the others
        private volatile String arrival = ""; // its place among the waiting calls, from its last denial ("" unknown)
        private boolean closed;

        Waiter(String sessionHash, String turnHash, Mode mode, Runnable onWake) {
            this.sessionHash = sessionHash;
            this.turnHash = turnHash;
            this.mode = mode;
            this.onWake = onWake;
        }

        @Override
        public CompletableFuture<Void> subscribed() {
            return entry.subscription.thenCompose(f -> f);
        }

        @Override
        public void attempted(Grant grant) {
            if (grant instanceof Grant.Granted) {
                finished = true;
                if (mode == Mode.READ) {
                    wake(entry.next(this, turnHash, Mode.READ)); // readers of its turn may join it
                }
            } else if (grant instanceof Grant.Denied denied) {
                if (!denied.arrival().isEmpty()) {
                    arrival = denied.arrival();
                }
                if (!denied.nextTurn().isEmpty() && !denied.nextTurn().equals(turnHash)) {
                    wake(entry.next(this, denied.nextTurn(), null)); // that turn is first in line
                } else if (denied.reason() == BusyReason.TURN_BUSY
                        && denied.holdingTurn().isEmpty()) {
                    wake(entry.next(this, turnHash, null)); // free, but a call of its turn that came earlier goes first
                } else if (mode == Mode.READ && denied.reason() == BusyReason.TURN_BUSY) {
                    wake(entry.next(this, turnHash, Mode.WRITE)); // a writer of its turn goes first
                }
                if (denied.reason() == BusyReason.SESSION_BUSY
                        && !denied.holdingTurn().isEmpty()
                        && !denied.holdingTurn().equals(turnHash)) {
                    wake(entry.next(this, denied.holdingTurn(), Mode.READ)); // a reader may join the holder
                }
            }
        }

        /**
         * Whether it came before {@code other} in the store's order of arrival, which is not always
         * the order in which they began to watch (a call whose mark ran out arrives anew); a waiter
         * whose arrival is not known comes after those whose arrival is.
         */
        boolean cameBefore(Waiter other) {
            String mine = arrival;
            String theirs = other.arrival;
            return !mine.isEmpty() && (theirs.isEmpty() || mine.compareTo(theirs) < 0);
        }

        @Override
        public void passOn() {
            finished = true;
            wake(entry.next(this, null, null));
        }

        @Override
        public synchronized void close() {
            finished = true;
            if (!closed) {
                closed = true;
                unwatch(sessionHash, entry, this);
            }
        }
    }
}
