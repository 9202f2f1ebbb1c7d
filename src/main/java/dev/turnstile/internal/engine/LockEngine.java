package dev.turnstile.internal.engine;

import dev.turnstile.AcquireInterruptedException;
import dev.turnstile.BackendUnavailableException;
import dev.turnstile.BusyException;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.ToolClasses;
import dev.turnstile.TurnIds;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileConfig;
import dev.turnstile.TurnstileException;
import dev.turnstile.TurnstileListener;
import dev.turnstile.spi.Grant;
import dev.turnstile.spi.LockStore;
import dev.turnstile.spi.Place;
import dev.turnstile.spi.Watch;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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
    private ScheduledExecutorService waiters; // guarded by this
    private final DaemonThreads watchdogThreads;
    private final DaemonThreads waiterThreads;
    private final Set<AsyncWait> waiting = ConcurrentHashMap.newKeySet();
    private final AtomicInteger waitingOnThread = new AtomicInteger();

    /** Threads that run the attempts of asynchronous waiters (an attempt is one Redis round trip). */
    static final int WAITER_THREADS = 2;

    LockEngine(
            TurnstileConfig config,
            LockStore store,
            TurnstileListener listener,
            ScheduledExecutorService executor,
            LongSupplier ticker) {
        this(config, store, listener, executor, null, ticker);
    }

    LockEngine(
            TurnstileConfig config,
            LockStore store,
            TurnstileListener listener,
            ScheduledExecutorService executor,
            ThreadFactory threadFactory,
            LongSupplier ticker) {
        this.config = Objects.requireNonNull(config, "config");
        this.store = Objects.requireNonNull(store, "store");
        this.listener = new SafeListener(Objects.requireNonNull(listener, "listener"));
        this.ticker = ticker;
        this.watchdogThreads = new DaemonThreads("turnstile-watchdog", threadFactory);
        this.waiterThreads = new DaemonThreads("turnstile-waiter", threadFactory);
        this.ownExecutor = executor == null ? newWatchdogExecutor() : null;
        this.cleanup = new Cleanup(store, this.listener, ticker, threadFactory);
        this.watchdog = new Watchdog(
                store,
                config.lease(),
                config.maxHold(),
                config.renewInterval(),
                executor == null ? ownExecutor : executor,
                ticker,
                this::reportLost,
                this.listener);
    }

    /**
     * Starts an engine on {@code store}. The watchdog runs on {@code executor} when one is given
     * (it is not shut down by {@link #close()}), otherwise on a daemon thread of its own.
     */
    public static LockEngine start(
            TurnstileConfig config, LockStore store, TurnstileListener listener, ScheduledExecutorService executor) {
        return start(config, store, listener, executor, null);
    }

    /**
     * As {@link #start(TurnstileConfig, LockStore, TurnstileListener, ScheduledExecutorService)},
     * with the engine's own threads (watchdog, waiters, clean-up) made by {@code threadFactory}
     * (null: plain daemon threads).
     */
    public static LockEngine start(
            TurnstileConfig config,
            LockStore store,
            TurnstileListener listener,
            ScheduledExecutorService executor,
            ThreadFactory threadFactory) {
        LockEngine engine = new LockEngine(config, store, listener, executor, threadFactory, System::nanoTime);
        engine.listener.started(engine);
        return engine;
    }

    @Override
    public Permit acquire(String sessionId, String turnId, Mode mode) {
        return acquire(sessionId, turnId, mode, config.acquireTimeout());
    }

    @Override
    public Permit acquire(String sessionId, String turnId, Mode mode, Duration timeout) {
        Acquisition a = begin(sessionId, turnId, mode, timeout);
        Grant grant = attempt(a);
        if (grant instanceof Grant.Granted granted) {
            return granted(a, granted);
        }
        return await(a, (Grant.Denied) grant);
    }

    @Override
    public CompletionStage<Permit> acquireAsync(String sessionId, String turnId, Mode mode) {
        return acquireAsync(sessionId, turnId, mode, config.acquireTimeout());
    }

    @Override
    public CompletionStage<Permit> acquireAsync(String sessionId, String turnId, Mode mode, Duration timeout) {
        Acquisition a;
        Grant grant;
        try {
            a = begin(sessionId, turnId, mode, timeout);
            grant = attempt(a); // the uncontended path stays on the caller's thread
        } catch (TurnstileException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (grant instanceof Grant.Granted granted) {
            return CompletableFuture.completedFuture(granted(a, granted));
        }
        Grant.Denied first = (Grant.Denied) grant;
        if (a.deadline - ticker.getAsLong() <= 0) {
            return CompletableFuture.failedFuture(busy(a, first));
        }
        listener.waited(a.place.sessionHash(), a.place.mode(), first.reason());
        return new AsyncWait(this, a, first, waiters()).start();
    }

    private Acquisition begin(String sessionId, String turnId, Mode mode, Duration timeout) {
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
        Duration mark =
                timeout.isZero() ? Duration.ZERO : config.waitingMark(); // a call that waits marks its place in line
        return new Acquisition(place, mark, ticker.getAsLong(), timeout);
    }

    /** Waits on the caller's thread, woken by its session's releases. */
    private Permit await(Acquisition a, Grant.Denied first) {
        if (a.deadline - ticker.getAsLong() <= 0) {
            throw busy(a, first);
        }
        waitingOnThread.incrementAndGet(); // counted before it is reported waiting
        try {
            listener.waited(a.place.sessionHash(), a.place.mode(), first.reason());
            return awaitWoken(a, first);
        } finally {
            waitingOnThread.decrementAndGet();
        }
    }

    private Permit awaitWoken(Acquisition a, Grant.Denied first) {
        WakeSignal signal = new WakeSignal();
        Grant.Denied denied;
        try (Watch watch = store.watch(a.place, signal)) {
            watch.attempted(first); // its place in line, so that a wake-up during its next attempt still finds it
            awaitSubscription(watch, a); // a release published before the subscription would be missed
            while (true) {
                signal.clear();
                Grant grant = attempt(a);
                watch.attempted(grant);
                if (grant instanceof Grant.Granted granted) {
                    return granted(a, granted);
                }
                denied = (Grant.Denied) grant;
                long left = a.deadline - ticker.getAsLong();
                if (left <= 0) {
                    break;
                }
                signal.await(nextCheck(denied, left));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            withdraw(a);
            throw new AcquireInterruptedException(e);
        } catch (BackendUnavailableException e) {
            withdraw(a);
            throw e;
        }
        throw busy(a, denied); // it no longer watches: the withdraw's wake-up goes to a waiter that can use it
    }

    /** A subscription that does not come is waited for no longer than a re-check (nor the deadline). */
    private void awaitSubscription(Watch watch, Acquisition a) throws InterruptedException {
        try {
            watch.subscribed()
                    .get(
                            Math.min(
                                    a.deadline - ticker.getAsLong(),
                                    config.recheckInterval().toNanos()),
                            TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // the re-check covers a missed wake-up
        }
    }

    /** Sleep no longer than the deadline, the re-check interval, and the earliest lease end. */
    Duration nextCheck(Grant.Denied denied, long leftNanos) {
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

    Grant attempt(Acquisition a) {
        long sentAt = ticker.getAsLong();
        Grant grant;
        try {
            grant = store.tryAcquire(a.place, config.lease(), a.mark, config.turnGrace(), a.arrival);
        } catch (BackendUnavailableException e) {
            listener.backendError("acquire", e);
            acquireFailed(a);
            if (e.mayHaveApplied() || a.marked) {
                // the answer did not come: the place may be granted now or later; a mark may be left
                cleanup.add(new Abandon(a.place, "acquire"));
                a.marked = false;
            }
            throw e;
        }
        if (grant instanceof Grant.Abandoned) {
            acquireFailed(a);
            throw new BackendUnavailableException("acquire", new IllegalStateException("token was abandoned"), false);
        }
        a.sentAt = sentAt;
        if (grant instanceof Grant.Denied denied && !a.mark.isZero()) {
            a.marked = true;
            a.arrival = denied.arrival();
        }
        return grant;
    }

    private void acquireFailed(Acquisition a) {
        listener.acquireFailed(a.place.sessionHash(), a.place.mode(), Duration.ofNanos(ticker.getAsLong() - a.start));
    }

    Permit granted(Acquisition a, Grant.Granted granted) {
        long now = ticker.getAsLong();
        HeldPermit permit = new HeldPermit(this, a.place, granted.fence(), now, a.sentAt, config.lease());
        watchdog.track(permit);
        listener.acquired(a.place.sessionHash(), a.place.mode(), Duration.ofNanos(now - a.start));
        LOG.debug("acquired {} place in session {}", a.place.mode().wireName(), a.place.sessionHash());
        return permit;
    }

    /**
     * The busy error of a call that gives up; its waiting mark is withdrawn. A waiter stops watching
     * before this, so that the wake-up the withdraw sends reaches a waiter that can use it.
     */
    BusyException busy(Acquisition a, Grant.Denied denied) {
        withdraw(a);
        Duration waited = Duration.ofNanos(ticker.getAsLong() - a.start);
        listener.busy(a.place.sessionHash(), a.place.mode(), denied.reason(), waited);
        LOG.debug("{} in session {} after {} ms", denied.reason().wireName(), a.place.sessionHash(), waited.toMillis());
        return new BusyException(denied.reason(), retryAfter(denied), denied.queuePosition());
    }

    /** The busy hint: when the earliest lease ends, but no later than one re-check interval. */
    private Duration retryAfter(Grant.Denied denied) {
        Duration hint = denied.earliestLeaseEnd();
        if (hint.isZero() || hint.compareTo(config.recheckInterval()) > 0) {
            hint = config.recheckInterval();
        }
        return hint.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : hint;
    }

    /** {@link #withdraw} that never throws. */
    void withdrawQuietly(Acquisition a) {
        try {
            withdraw(a);
        } catch (RuntimeException e) {
            LOG.debug("withdraw failed: {}", e.toString());
        }
    }

    /** A call that gives up takes its waiting mark back; when that fails, the clean-up does it. */
    private void withdraw(Acquisition a) {
        if (!a.marked) {
            return;
        }
        a.marked = false;
        try {
            store.withdraw(a.place, a.arrival);
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
            LOG.warn(
                    "release failed in session {} ({}); retried in the background",
                    place.sessionHash(),
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
            LOG.warn(
                    "released a {} place in session {} that was no longer held: its lease had run out",
                    place.mode().wireName(),
                    place.sessionHash());
            permit.markLost();
            reportLost(permit);
        }
        listener.released(
                place.sessionHash(), place.mode(), Duration.ofNanos(requestedAt - permit.acquiredAt()), wasHeld);
    }

    private void reportLost(HeldPermit permit) {
        if (permit.reportOnce()) {
            LOG.warn(
                    "lease lost: a {} place in session {} may no longer be held while its call runs",
                    permit.mode().wireName(),
                    permit.sessionHash());
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
            return permit.lastSentAt()
                    + permit.leaseNanos()
                    + HeldPermit.margin(config.lease()).toNanos();
        }
    }

    long now() {
        return ticker.getAsLong();
    }

    LockStore store() {
        return store;
    }

    /** Calls waiting right now: on their caller's thread, or asynchronously. */
    @Override
    public int waitingCalls() {
        return waitingOnThread.get() + waiting.size();
    }

    /** Keeps track of the calls waiting asynchronously, so that closing fails them. */
    void waiting(AsyncWait wait, boolean started) {
        if (started) {
            waiting.add(wait);
        } else {
            waiting.remove(wait);
        }
    }

    /** The threads that run the attempts of calls waiting asynchronously; started at the first. */
    private synchronized ScheduledExecutorService waiters() {
        if (waiters == null) {
            ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(WAITER_THREADS, waiterThreads);
            pool.setRemoveOnCancelPolicy(true);
            waiters = pool;
        }
        return waiters;
    }

    @Override
    public void ping() {
        if (closed) {
            throw new BackendUnavailableException("ping", new IllegalStateException("the engine is closed"), false);
        }
        store.ping();
    }

    @Override
    public void reportFailOpen(Mode mode) {
        listener.failedOpen(Objects.requireNonNull(mode, "mode"));
    }

    @Override
    public ToolClasses toolClasses() {
        return store.toolClasses();
    }

    @Override
    public TurnstileConfig config() {
        return config;
    }

    /** Places this engine holds right now. */
    @Override
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
        ScheduledExecutorService pool;
        synchronized (this) {
            pool = waiters;
        }
        List.copyOf(waiting).forEach(AsyncWait::closed); // they fail as if Redis were unreachable
        if (pool != null) {
            pool.shutdownNow();
            awaitQuietly(pool);
            waiterThreads.join(CLOSE_FLUSH_TIMEOUT.toMillis());
        }
        cleanup.close(CLOSE_FLUSH_TIMEOUT);
        watchdog.stop();
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
            awaitQuietly(ownExecutor);
            watchdogThreads.join(CLOSE_FLUSH_TIMEOUT.toMillis());
        }
        store.close();
    }

    private static void awaitQuietly(ScheduledExecutorService executor) {
        try {
            executor.awaitTermination(CLOSE_FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Turnstile[" + store.describe() + "]";
    }

    private ScheduledExecutorService newWatchdogExecutor() {
        return Executors.newSingleThreadScheduledExecutor(watchdogThreads);
    }
}
