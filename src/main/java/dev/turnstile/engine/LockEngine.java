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
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acquisition loop and the permits' life: one attempt when the place is free; otherwise watch
 * the session, try again on each wake-up (or after the bounded re-check), all under one deadline.
 */
public final class LockEngine implements Turnstile {

    private static final Logger LOG = LoggerFactory.getLogger(LockEngine.class);

    private final TurnstileConfig config;
    private final LockStore store;
    private final SafeListener listener;
    private final LongSupplier ticker;
    private final ScheduledExecutorService ownExecutor;
    private final Watchdog watchdog;

    LockEngine(TurnstileConfig config, LockStore store, TurnstileListener listener,
               ScheduledExecutorService executor, LongSupplier ticker) {
        this.config = Objects.requireNonNull(config, "config");
        this.store = Objects.requireNonNull(store, "store");
        this.listener = new SafeListener(Objects.requireNonNull(listener, "listener"));
        this.ticker = ticker;
        this.ownExecutor = executor == null ? newWatchdogExecutor() : null;
        this.watchdog = new Watchdog(store, config.lease(), config.renewInterval(),
                executor == null ? ownExecutor : executor, ticker, this::leaseLost, this.listener);
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
        String turnHash = turnId == null ? "~" + Hashing.randomToken() : Hashing.turnHash(TurnIds.validate(turnId));
        Place place = new Place(Hashing.sessionHash(sessionId), turnHash, mode, Hashing.randomToken());
        long start = ticker.getAsLong();
        Duration mark = mode == Mode.WRITE && !timeout.isZero() ? config.waitingMark() : Duration.ZERO;
        Grant grant = attempt(place, mark);
        if (grant instanceof Grant.Granted granted) {
            return granted(place, granted, start);
        }
        return await(place, (Grant.Denied) grant, mark, start, start + timeout.toNanos());
    }

    private Permit await(Place place, Grant.Denied first, Duration mark, long start, long deadline) {
        if (deadline - ticker.getAsLong() <= 0) {
            throw busy(place, first, mark, start);
        }
        listener.waited(place.sessionHash(), place.mode(), first.reason());
        Grant.Denied denied = first;
        try (Watch watch = store.watch(place.sessionHash())) {
            while (true) {
                long seen = watch.version();
                Grant grant = attempt(place, mark);
                if (grant instanceof Grant.Granted granted) {
                    return granted(place, granted, start);
                }
                denied = (Grant.Denied) grant;
                long left = deadline - ticker.getAsLong();
                if (left <= 0) {
                    throw busy(place, denied, mark, start);
                }
                watch.await(seen, nextCheck(denied, left));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            withdraw(place, mark);
            throw new AcquireInterruptedException(e);
        } catch (BackendUnavailableException e) {
            withdraw(place, mark);
            throw e;
        }
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

    private Grant attempt(Place place, Duration mark) {
        try {
            return store.tryAcquire(place, config.lease(), mark);
        } catch (BackendUnavailableException e) {
            listener.backendError("acquire", e);
            throw e;
        }
    }

    private Permit granted(Place place, Grant.Granted granted, long start) {
        long now = ticker.getAsLong();
        HeldPermit permit = new HeldPermit(this, place, granted.fence(), now);
        watchdog.track(permit);
        listener.acquired(place.sessionHash(), place.mode(), Duration.ofNanos(now - start));
        LOG.debug("acquired {} place in session {}", place.mode().wireName(), place.sessionHash());
        return permit;
    }

    private BusyException busy(Place place, Grant.Denied denied, Duration mark, long start) {
        withdraw(place, mark);
        Duration waited = Duration.ofNanos(ticker.getAsLong() - start);
        listener.busy(place.sessionHash(), place.mode(), denied.reason(), waited);
        LOG.debug("{} in session {} after {} ms", denied.reason().wireName(), place.sessionHash(), waited.toMillis());
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

    private void withdraw(Place place, Duration mark) {
        if (mark.isZero()) {
            return;
        }
        try {
            store.withdraw(place);
        } catch (RuntimeException e) {
            listener.backendError("withdraw", e); // the mark expires on its own
        }
    }

    void release(HeldPermit permit) {
        watchdog.untrack(permit);
        Place place = permit.place();
        Duration held = Duration.ofNanos(ticker.getAsLong() - permit.acquiredAt());
        boolean wasHeld;
        try {
            wasHeld = store.release(place);
        } catch (RuntimeException e) {
            LOG.warn("release failed in session {} ({}); the place expires within its lease",
                    place.sessionHash(), e.getClass().getSimpleName());
            listener.backendError("release", e);
            return;
        }
        if (!wasHeld) {
            LOG.warn("released a {} place in session {} that was no longer held: its lease had run out",
                    place.mode().wireName(), place.sessionHash());
            leaseLost(permit);
        }
        listener.released(place.sessionHash(), place.mode(), held, wasHeld);
    }

    private void leaseLost(HeldPermit permit) {
        if (permit.markLost()) {
            LOG.warn("lease lost: a {} place in session {} is no longer held while its call runs",
                    permit.mode().wireName(), permit.sessionHash());
            listener.leaseLost(permit.sessionHash(), permit.mode());
        }
    }

    @Override
    public TurnstileConfig config() {
        return config;
    }

    /** Places this engine holds right now. */
    public int heldPlaces() {
        return watchdog.tracked();
    }

    /** Runs one renewal round now (tests and diagnostics). */
    void renewNow() {
        watchdog.tick();
    }

    @Override
    public void close() {
        watchdog.stop();
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
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
