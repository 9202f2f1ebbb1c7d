package dev.turnstile.engine;

import dev.turnstile.Mode;
import dev.turnstile.Permit;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

/** A granted place as the caller sees it. Released once, by {@link #close()}. */
final class HeldPermit implements Permit {

    private final LockEngine engine;
    private final Place place;
    private final long fence;
    private final long acquiredAt;
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicBoolean lost = new AtomicBoolean();
    private volatile long confirmedAt; // when the store last confirmed the lease (ticker nanos)

    HeldPermit(LockEngine engine, Place place, long fence, long acquiredAt) {
        this.engine = engine;
        this.place = place;
        this.fence = fence;
        this.acquiredAt = acquiredAt;
        this.confirmedAt = acquiredAt;
    }

    @Override
    public Mode mode() {
        return place.mode();
    }

    @Override
    public OptionalLong fence() {
        return place.mode() == Mode.WRITE ? OptionalLong.of(fence) : OptionalLong.empty();
    }

    @Override
    public String sessionHash() {
        return place.sessionHash();
    }

    @Override
    public boolean leaseLost() {
        return lost.get();
    }

    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            engine.release(this);
        }
    }

    Place place() {
        return place;
    }

    long acquiredAt() {
        return acquiredAt;
    }

    long confirmedAt() {
        return confirmedAt;
    }

    void confirmed(long at) {
        confirmedAt = at;
    }

    /** Marks the permit lost; true only for the first caller. */
    boolean markLost() {
        return lost.compareAndSet(false, true);
    }

    boolean released() {
        return released.get();
    }

    @Override
    public String toString() {
        return "Permit[" + place.mode().wireName() + ", session " + place.sessionHash() + "]";
    }
}
