package dev.turnstile.engine;

import dev.turnstile.AcquireInterruptedException;
import dev.turnstile.BackendUnavailableException;
import dev.turnstile.BusyException;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.TurnIds;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileConfig;
import dev.turnstile.TurnstileListener;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acquisition loop and the permits' life: one attempt when the place is free; otherwise watch
 * the session, try again on each wake-up (or after the bounded re-check), all under one deadline.
 * Whatever a failed call may have left in the store is cleaned up in the background ({@link Cleanup}).
 */
public final class LockEngine implements Turnstile {

    private static final Logger LOG = LoggerFactory.getLogger(LockEngine.class);

    /** How long {@link #close()} spends at most on pending clean-ups and releases. */
    public static final Duration CLOSE_FLUSH_TIMEOUT = Duration.ofSeconds(5);

    private final TurnstileConfig config;
    private final LockStore store;
    private final SafeListener listener;
    private final LongSupplier ticker;
    private final ScheduledExecutorService ownExecutor;
    private final Watchdog watchdog;
    private final Cleanup cleanup;
    private volatile boolean closed;

    LockEngine(TurnstileConfig config, LockStore store, TurnstileListener listener,
               ScheduledExecutorService executor, LongSupplier ticker) {
        this.config = Objects.requireNonNull(config, "config");
        this.store = Objects.requireNonNull(store, "store");
        this.listener = new SafeListener(Objects.requireNonNull(listener, "listener"));
        this.ticker = ticker;
        this.ownExecutor = executor == null ? newWatchdogExecutor() : null;
        this.cleanup = new Cleanup(store, this.listener, ticker);
        this.watchdog = new Watchdog(store, config.lease(), config.maxHold(), config.renewInterval(),
                executor == null ? ownExecutor : executor, ticker, this::reportLost, this.listener);
    }

    /**
     * Starts an engine on {@code store}. The watchdog runs on {@code executor} when one is given
     * (it is not shut down by {@link #close()}), otherwise on a daemon thread of its own.
     */
    public static LockEngine start(TurnstileConfig config, LockStore store, TurnstileListener listener,
                                   ScheduledExecutorService executor) {
        return new LockEngine(config, store, listener, executor, System::nanoTime);
    }

    @Override
    public Permit acquire(String sessionId, String turnId, Mode mode) {
        return acquire(sessionId, turnId, mode, config.acquireTimeout());
    }

    @Override
    public Permit acquire(String sessionId, String turnId, Mode mode, Duration timeout) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(mode, "mode");
        if (sessionId.isEmpty()) {
            throw new IllegalArgumentException("session id is empty");
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout is negative: " + timeout);
        }
        if (closed) {
            throw new BackendUnavailableException("acquire", new IllegalStateException("the engine is closed"), false);
        }
        String turnHash = turnId == null ? "~" + Hashing.randomToken() : Hashing.turnHash(TurnIds.validate(turnId));
        Place place = new Place(Hashing.sessionHash(sessionId), turnHash, mode, Hashing.randomToken());
        Duration mark = mode == Mode.WRITE && !timeout.isZero() ? config.waitingMark() : Duration.ZERO;
        Acquisition a = new Acquisition(place, mark, ticker.getAsLong(), timeout);
        Grant grant = attempt(a);
        if (grant instanceof Grant.Granted granted) {
            return granted(a, granted);
        }
        return await(a, (Grant.Denied) grant);
    }

    /** One call's acquisition: its place, its waiting mark, its one deadline. */
    private static final class Acquisition {
        final Place place;
        final Duration mark;
        final long start;
        final long deadline;
        long sentAt;
        boolean marked;

        Acquisition(Place place, Duration mark, long start, Duration timeout) {
            this.place = place;
            this.mark = mark;
            this.start = start;
            this.deadline = start + timeout.toNanos();
        }
    }

    private Permit await(Acquisition a, Grant.Denied first) {
        if (a.deadline - ticker.getAsLong() <= 0) {
            throw busy(a, first);
        }
        listener.waited(a.place.sessionHash(), a.place.mode(), first.reason());
        // a subscription that does not come is waited for no longer than a re-check
        try (Watch watch = store.watch(a.place.sessionHash(), min(left(a), config.recheckInterval()))) {
            while (true) {
                long seen = watch.version();
                Grant grant = attempt(a);
                if (grant instanceof Grant.Granted granted) {
                    return granted(a, granted);
                }
                Grant.Denied denied = (Grant.Denied) grant;
                long left = a.deadline - ticker.getAsLong();
                if (left <= 0) {
                    throw busy(a, denied);
                }
                watch.await(seen, nextCheck(denied, left));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            withdraw(a);
            throw new AcquireInterruptedException(e);
        } catch (BackendUnavailableException e) {
            withdraw(a);
            throw e;
        }
    }

    private Duration left(Acquisition a) {
        return Duration.ofNanos(Math.max(0, a.deadline - ticker.getAsLong()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Sleep no longer than the deadline, the re-check interval, and the earliest lease end. */
    private Duration nextCheck(Grant.Denied denied, long leftNanos) {
        Duration wait = Duration.ofNanos(leftNanos);
        if (config.recheckInterval().compareTo(wait) < 0) {
            wait = config.recheckInterval();
        }
        Duration leaseEnd = denied.earliestLeaseEnd().plusMillis(1);
        if (!denied.earliestLeaseEnd().isZero() && leaseEnd.compareTo(wait) < 0) {
            wait = leaseEnd;
        }
        return wait;
    }

    private Grant attempt(Acquisition a) {
        long sentAt = ticker.getAsLong();
        Grant grant;
        try {
            grant = store.tryAcquire(a.place, config.lease(), a.mark);
        } catch (BackendUnavailableException e) {
            listener.backendError("acquire", e);
            if (e.mayHaveApplied() || a.marked) {
                // the answer did not come: the place may be granted now or later; a mark may be left
                cleanup.add(new Abandon(a.place, "acquire"));
                a.marked = false;
            }
            throw e;
        }
        if (grant instanceof Grant.Abandoned) {
            throw new BackendUnavailableException("acquire", new IllegalStateException("token was abandoned"), false);
        }
        a.sentAt = sentAt;
        a.marked |= grant instanceof Grant.Denied && !a.mark.isZero();
        return grant;
    }

    private Permit granted(Acquisition a, Grant.Granted granted) {
        long now = ticker.getAsLong();
        HeldPermit permit = new HeldPermit(this, a.place, granted.fence(), now, a.sentAt, config.lease());
        watchdog.track(permit);
        listener.acquired(a.place.sessionHash(), a.place.mode(), Duration.ofNanos(now - a.start));
        LOG.debug("acquired {} place in session {}", a.place.mode().wireName(), a.place.sessionHash());
        return permit;
    }

    private BusyException busy(Acquisition a, Grant.Denied denied) {
        withdraw(a);
        Duration waited = Duration.ofNanos(ticker.getAsLong() - a.start);
        listener.busy(a.place.sessionHash(), a.place.mode(), denied.reason(), waited);
        LOG.debug("{} in session {} after {} ms", denied.reason().wireName(), a.place.sessionHash(), waited.toMillis());
        return new BusyException(denied.reason(), retryAfter(denied));
    }

    /** The busy hint: when the earliest lease ends, but no later than one re-check interval. */
    private Duration retryAfter(Grant.Denied denied) {
        Duration hint = denied.earliestLeaseEnd();
        if (hint.isZero() || hint.compareTo(config.recheckInterval()) > 0) {
            hint = config.recheckInterval();
        }
        return hint.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : hint;
    }

    /** A writer that gives up removes its waiting mark; when that fails, the clean-up does it. */
    private void withdraw(Acquisition a) {
        if (!a.marked) {
            return;
        }
        a.marked = false;
        try {
            store.withdraw(a.place);
        } catch (RuntimeException e) {
            listener.backendError("withdraw", e);
            cleanup.add(new Abandon(a.place, "withdraw"));
        }
    }

    void release(HeldPermit permit) {
        watchdog.untrack(permit);
        long requestedAt = ticker.getAsLong();
        Place place = permit.place();
        boolean wasHeld;
        try {
            wasHeld = store.release(place);
        } catch (RuntimeException e) {
            LOG.warn("release failed in session {} ({}); retried in the background", place.sessionHash(),
                    e.getClass().getSimpleName());
            listener.backendError("release", e);
            cleanup.add(new Release(permit, requestedAt));
            return;
        }
        released(permit, wasHeld, requestedAt);
    }

    private void released(HeldPermit permit, boolean wasHeld, long requestedAt) {
        Place place = permit.place();
        if (!wasHeld) {
            LOG.warn("released a {} place in session {} that was no longer held: its lease had run out",
                    place.mode().wireName(), place.sessionHash());
            permit.markLost();
            reportLost(permit);
        }
        listener.released(place.sessionHash(), place.mode(), Duration.ofNanos(requestedAt - permit.acquiredAt()), wasHeld);
    }

    private void reportLost(HeldPermit permit) {
        if (permit.reportOnce()) {
            LOG.warn("lease lost: a {} place in session {} may no longer be held while its call runs",
                    permit.mode().wireName(), permit.sessionHash());
            listener.leaseLost(permit.sessionHash(), permit.mode());
        }
    }

    /** The tombstone of an abandoned token outlives any delayed acquire of it in practice. */
    private Duration tombstone() {
        Duration twoLeases = config.lease().multipliedBy(2);
        return twoLeases.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : twoLeases;
    }

    /**
     * Removes what an acquire or withdraw whose answer never came may have left. Given up once its
     * tombstone would have expired: a delayed command that arrives later still takes its place for
     * no longer than a lease.
     */
    private final class Abandon implements Cleanup.Task {
        private final Place place;
        private final String operation;
        private final long givesUpAt;

        Abandon(Place place, String operation) {
            this.place = place;
            this.operation = operation;
            this.givesUpAt = ticker.getAsLong() + tombstone().toNanos();
        }

        @Override
        public Place place() {
            return place;
        }

        @Override
        public String operation() {
            return operation;
        }

        @Override
        public boolean attempt(LockStore s) {
            return s.abandon(place, tombstone());
        }

        @Override
        public long givesUpAt() {
            return givesUpAt;
        }
    }

    /** Retries a failed release until it is acknowledged or the place can no longer exist. */
    private final class Release implements Cleanup.Task {
        private final HeldPermit permit;
        private final long requestedAt;

        Release(HeldPermit permit, long requestedAt) {
            this.permit = permit;
            this.requestedAt = requestedAt;
        }

        @Override
        public Place place() {
            return permit.place();
        }

        @Override
        public String operation() {
            return "release";
        }

        @Override
        public boolean attempt(LockStore s) {
            boolean wasHeld = s.release(permit.place());
            released(permit, wasHeld, requestedAt);
            return wasHeld;
        }

        /** One lease (plus the margin) after the last acquire or renewal was sent, nothing is left. */
        @Override
        public long givesUpAt() {
            return permit.lastSentAt() + permit.leaseNanos() + HeldPermit.margin(config.lease()).toNanos();
        }
    }

    long now() {
        return ticker.getAsLong();
    }

    @Override
    public TurnstileConfig config() {
        return config;
    }

    /** Places this engine holds right now. */
    public int heldPlaces() {
        return watchdog.tracked();
    }

    /** Clean-ups (failed acquires, withdraws, releases) waiting to be done. */
    public int pendingCleanups() {
        return cleanup.pending();
    }

    /** Runs one renewal round now (tests and diagnostics). */
    void renewNow() {
        watchdog.tick();
    }

    /**
     * Runs pending clean-ups and retried releases for up to {@link #CLOSE_FLUSH_TIMEOUT}, then stops
     * the watchdog, joins every thread the engine started and closes the store. Places still held by
     * calls in flight are not released; they expire within their lease.
     */
    @Override
    public void close() {
        closed = true;
        cleanup.close(CLOSE_FLUSH_TIMEOUT);
        watchdog.stop();
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
            try {
                ownExecutor.awaitTermination(CLOSE_FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        store.close();
    }

    @Override
    public String toString() {
        return "Turnstile[" + store.describe() + "]";
    }

    private static ScheduledExecutorService newWatchdogExecutor() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "turnstile-watchdog");
            t.setDaemon(true);
            return t;
        });
    }
}
