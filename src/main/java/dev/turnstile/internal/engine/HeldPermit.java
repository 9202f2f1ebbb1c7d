package dev.turnstile.internal.engine;

import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.spi.Place;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A granted place as the caller sees it. Released once, by {@link #close()}. It knows its own
 * lease deadline: counted from when the acquire, or the last renewal that was confirmed, was sent.
 */
final class HeldPermit implements Permit {

    /** The smallest safety margin subtracted from every deadline (clock rates, scheduling). */
    static final Duration MIN_MARGIN = Duration.ofMillis(5);

    private final LockEngine engine;
    private final Place place;
    private final long fence;
    private final long acquiredAt;
    private final long leaseNanos;
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicBoolean lost = new AtomicBoolean();
    private volatile boolean gone; // the store said it no longer holds the place
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile long deadline; // ticker nanos from which the lease may have ended
    private volatile long lastSentAt; // the last acquire or renewal that may have extended the place
    private volatile boolean renewing = true;

    HeldPermit(LockEngine engine, Place place, long fence, long acquiredAt, long sentAt, Duration lease) {
        this.engine = engine;
        this.place = place;
        this.fence = fence;
        this.acquiredAt = acquiredAt;
        this.leaseNanos = lease.toNanos();
        this.deadline = sentAt + leaseNanos - margin(lease).toNanos();
        this.lastSentAt = sentAt;
    }

    /** The safety margin of a lease: 1 %, at least {@link #MIN_MARGIN}. */
    static Duration margin(Duration lease) {
        Duration onePercent = lease.dividedBy(100);
        return onePercent.compareTo(MIN_MARGIN) < 0 ? MIN_MARGIN : onePercent;
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

    /** After the release it no longer changes with time: only a store that no longer had the place sets it. */
    @Override
    public boolean leaseLost() {
        return lost.get() || !released.get() && expiredAt(engine.now());
    }

    @Override
    public boolean held() {
        return !released.get() && !leaseLost();
    }

    @Override
    public void close() {
        if (!released.get()) {
            expiredAt(engine.now()); // what leaseLost() says from now on, unless the release finds the place gone
        }
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

    long lastSentAt() {
        return lastSentAt;
    }

    long leaseNanos() {
        return leaseNanos;
    }

    /** A renewal of this place is being sent now. */
    void renewalSent(long at) {
        lastSentAt = at;
    }

    /**
     * The store confirmed a renewal sent at {@code sentAt}. Once the deadline passed the permit
     * stays lost: a later confirmation cannot close the gap in which the place may have been gone.
     */
    void confirmed(long sentAt, long now) {
        if (expiredAt(now)) {
            return;
        }
        long next = sentAt + leaseNanos - margin(Duration.ofNanos(leaseNanos)).toNanos();
        if (next - deadline > 0) {
            deadline = next;
        }
    }

    private boolean expiredAt(long now) {
        if (now - deadline >= 0) {
            lost.set(true);
        }
        return lost.get();
    }

    /** The store no longer holds the place: nothing left to renew. */
    void markLost() {
        gone = true;
        lost.set(true);
    }

    boolean gone() {
        return gone;
    }

    /** True only for the first caller: the loss is reported once. */
    boolean reportOnce() {
        return reported.compareAndSet(false, true);
    }

    boolean released() {
        return released.get();
    }

    /** Whether the watchdog still renews it (false after max-hold). */
    boolean renewing() {
        return renewing;
    }

    void stopRenewing() {
        renewing = false;
    }

    @Override
    public String toString() {
        return "Permit[" + place.mode().wireName() + ", session " + place.sessionHash() + "]";
    }
}
