package dev.turnstile.internal.engine;

import dev.turnstile.spi.Grant;
import dev.turnstile.spi.LockStore;
import dev.turnstile.spi.Place;
import dev.turnstile.spi.Renewal;
import dev.turnstile.spi.Watch;
import java.time.Duration;
import java.util.Collection;

/** A store that passes every call on; tests override what they observe or change. */
public class ForwardingLockStore implements LockStore {

    private final LockStore delegate;

    public ForwardingLockStore(LockStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Grant tryAcquire(Place place, Duration lease, Duration waitingMark, Duration turnGrace, String arrival) {
        return delegate.tryAcquire(place, lease, waitingMark, turnGrace, arrival);
    }

    @Override
    public boolean release(Place place) {
        return delegate.release(place);
    }

    @Override
    public Renewal renew(Collection<Place> places, Duration lease) {
        return delegate.renew(places, lease);
    }

    @Override
    public void withdraw(Place place, String arrival) {
        delegate.withdraw(place, arrival);
    }

    @Override
    public boolean abandon(Place place, Duration tombstone) {
        return delegate.abandon(place, tombstone);
    }

    @Override
    public Watch watch(Place place, Runnable onWake) {
        return delegate.watch(place, onWake);
    }

    @Override
    public dev.turnstile.ToolClasses toolClasses() {
        return delegate.toolClasses();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
