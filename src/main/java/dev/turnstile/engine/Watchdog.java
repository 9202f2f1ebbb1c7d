package dev.turnstile.engine;

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
 * Renews the leases of every place this process holds, all in one batched store call per tick
 * (about every lease/3). A place the store no longer has, or one whose lease ran out while the
 * store could not be reached, is handed to {@code onLost}.
 */
final class Watchdog {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    private final LockStore store;
    private final Duration lease;
    private final LongSupplier ticker;
    private final Consumer<HeldPermit> onLost;
    private final SafeListener listener;
    private final Set<HeldPermit> live = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> task;

    Watchdog(LockStore store, Duration lease, Duration interval, ScheduledExecutorService executor,
             LongSupplier ticker, Consumer<HeldPermit> onLost, SafeListener listener) {
        this.store = store;
        this.lease = lease;
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
        if (live.isEmpty()) {
            return;
        }
        List<HeldPermit> batch = new ArrayList<>(live);
        List<Place> places = new ArrayList<>(batch.size());
        batch.forEach(p -> places.add(p.place()));
        long sentAt = ticker.getAsLong();
        try {
            Set<String> lost = store.renew(places, lease);
            for (HeldPermit permit : batch) {
                if (lost.contains(permit.place().token())) {
                    lose(permit);
                } else {
                    permit.confirmed(sentAt);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("lease renewal failed for {} places: {}", batch.size(), e.toString());
            listener.backendError("renew", e);
            for (HeldPermit permit : batch) {
                if (sentAt - permit.confirmedAt() >= lease.toNanos()) {
                    lose(permit);
                }
            }
        } catch (Error e) {
            LOG.error("lease renewal failed", e);
        }
    }

    private void lose(HeldPermit permit) {
        live.remove(permit);
        if (!permit.released()) {
            onLost.accept(permit);
        }
    }
}
