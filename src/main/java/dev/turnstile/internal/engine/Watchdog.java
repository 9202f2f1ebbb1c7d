package dev.turnstile.internal.engine;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.spi.LockStore;
import dev.turnstile.spi.Place;
import dev.turnstile.spi.Renewal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the leases of every place this process holds, in one batched store call per tick (about
 * every lease/3; one pipeline per Redis node), with an outcome per session: a node that fails
 * affects only its own sessions. A place the store no longer has, or whose own deadline passed
 * (renewal failing, or stopped at {@code max-hold}), is handed to {@code onLost} (which reports it
 * once); a place whose deadline passed is still renewed while the store may have it.
 */
final class Watchdog {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    private final LockStore store;
    private final Duration lease;
    private final Duration maxHold;
    private final LongSupplier ticker;
    private final Consumer<HeldPermit> onLost;
    private final SafeListener listener;
    private final Set<HeldPermit> live = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> task;

    Watchdog(
            LockStore store,
            Duration lease,
            Duration maxHold,
            Duration interval,
            ScheduledExecutorService executor,
            LongSupplier ticker,
            Consumer<HeldPermit> onLost,
            SafeListener listener) {
        this.store = store;
        this.lease = lease;
        this.maxHold = maxHold;
        this.ticker = ticker;
        this.onLost = onLost;
        this.listener = listener;
        long every = interval.toNanos();
        this.task = executor.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.NANOSECONDS);
    }

    void track(HeldPermit permit) {
        live.add(permit);
    }

    void untrack(HeldPermit permit) {
        live.remove(permit);
    }

    int tracked() {
        return live.size();
    }

    void stop() {
        task.cancel(false);
        live.clear();
    }

    /** One renewal round; never throws, so the schedule keeps running. */
    void tick() {
        try {
            renew(due());
            reportExpired();
        } catch (RuntimeException | Error e) {
            LOG.error("lease renewal round failed", e);
        }
    }

    /** The permits to renew now; those past {@code max-hold} stop being renewed. */
    private List<HeldPermit> due() {
        long now = ticker.getAsLong();
        List<HeldPermit> due = new ArrayList<>();
        for (HeldPermit permit : live) {
            if (permit.renewing() && !maxHold.isZero() && now - permit.acquiredAt() >= maxHold.toNanos()) {
                permit.stopRenewing();
                LOG.warn(
                        "a {} call in session {} has held its place for max-hold ({} s): its lease is no longer"
                                + " renewed and ends within {} ms; the next turn may enter then",
                        permit.mode().wireName(),
                        permit.sessionHash(),
                        maxHold.toSeconds(),
                        lease.toMillis());
            }
            // a permit whose deadline passed is still renewed while the store may hold its place: it
            // reports the loss, and keeping the place keeps the next turn out while the call runs on
            if (permit.renewing() && !permit.gone()) {
                due.add(permit);
            }
        }
        return due;
    }

    private void renew(List<HeldPermit> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<Place> places = new ArrayList<>(batch.size());
        long sentAt = ticker.getAsLong();
        for (HeldPermit permit : batch) {
            places.add(permit.place());
            permit.renewalSent(sentAt);
        }
        Renewal renewal;
        try {
            renewal = store.renew(places, lease);
        } catch (BackendUnavailableException e) {
            LOG.warn("lease renewal failed for {} places: {}", batch.size(), e.getMessage());
            listener.backendError("renew", e);
            return;
        }
        long now = ticker.getAsLong();
        int unknown = 0;
        for (HeldPermit permit : batch) {
            String token = permit.place().token();
            if (renewal.renewed().contains(token)) {
                permit.confirmed(sentAt, now);
            } else if (renewal.lost().contains(token)) {
                permit.markLost();
            } else {
                unknown++;
            }
        }
        if (unknown > 0) {
            LOG.warn(
                    "lease renewal failed for {} of {} places (their Redis node did not answer)",
                    unknown,
                    batch.size());
        }
    }

    /**
     * Reports (once) every tracked permit whose lease may be gone; stops tracking it once nothing is
     * left to renew (the store no longer has the place, or max-hold ended its renewal).
     */
    private void reportExpired() {
        for (HeldPermit permit : live) {
            if (permit.leaseLost()) {
                if (!permit.released()) {
                    onLost.accept(permit);
                }
                if (permit.gone() || !permit.renewing()) {
                    live.remove(permit);
                }
            }
        }
    }
}
