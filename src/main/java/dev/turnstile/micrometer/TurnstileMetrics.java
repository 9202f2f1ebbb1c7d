package dev.turnstile.micrometer;

import dev.turnstile.BusyReason;
import dev.turnstile.Mode;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Turnstile's Micrometer meters: a {@link TurnstileListener} that records the engine's events, and
 * a {@link MeterBinder} that registers the meters (with every tag value, so that they read zero
 * before the first event) and the gauges. Give it to the builder, then bind it:
 * <pre>{@code
 * TurnstileMetrics metrics = new TurnstileMetrics();
 * Turnstile turnstile = Turnstile.builder().redisUrl(url).listener(metrics).build();
 * metrics.bindTo(registry);
 * }</pre>
 * No meter has a session tag. Events before the first {@link #bindTo} are not counted. One
 * instance may serve several Turnstiles: the gauges add theirs up.
 */
public final class TurnstileMetrics implements TurnstileListener, MeterBinder {

    /** Timer: how long an acquire took, tags {@value #MODE} and {@value #OUTCOME}. */
    public static final String ACQUIRE = "turnstile.acquire";
    /** Timer: how long a place was held, tag {@value #MODE}. */
    public static final String HOLD = "turnstile.hold";
    /** Counter: calls that gave up at their deadline, tag {@value #REASON}. */
    public static final String BUSY = "turnstile.busy";
    /** Counter: places found lost while their call ran, tag {@value #MODE}. */
    public static final String LEASE_LOST = "turnstile.lease.lost";
    /** Counter: failures of the store, tag {@value #OPERATION}. */
    public static final String BACKEND_ERRORS = "turnstile.backend.errors";
    /** Counter: calls that went on unguarded because the store was unreachable, tag {@value #MODE}. */
    public static final String FAIL_OPEN = "turnstile.fail.open";
    /** Gauge: calls waiting for a place now. */
    public static final String WAITING = "turnstile.waiting";
    /** Gauge: places held now. */
    public static final String HELD = "turnstile.held";

    /** Tag: {@code read} or {@code write}. */
    public static final String MODE = "mode";
    /** Tag of {@value #ACQUIRE}: {@value #ACQUIRED}, {@value #BUSY_OUTCOME} or {@value #ERROR}. */
    public static final String OUTCOME = "outcome";
    /** Tag of {@value #BUSY}: {@code session_busy} or {@code turn_busy}. */
    public static final String REASON = "reason";
    /** Tag of {@value #BACKEND_ERRORS}: what the store was doing. */
    public static final String OPERATION = "operation";

    /** {@value #OUTCOME} of an acquire that got its place. */
    public static final String ACQUIRED = "acquired";
    /** {@value #OUTCOME} of an acquire that gave up at its deadline. */
    public static final String BUSY_OUTCOME = "busy";
    /** {@value #OUTCOME} of an acquire that ended because the store failed. */
    public static final String ERROR = "error";

    /** The operations of {@link TurnstileListener#backendError}, registered up front. */
    static final List<String> OPERATIONS = List.of("acquire", "release", "renew", "withdraw", "cleanup");

    private final Tags commonTags;
    private final List<Turnstile> turnstiles = new CopyOnWriteArrayList<>();
    private final List<BoundMeters> bound = new CopyOnWriteArrayList<>();

    /** Meters without extra tags. */
    public TurnstileMetrics() {
        this(Tags.empty());
    }

    /**
     * Meters with these tags added to every one (for example the application's name).
     *
     * @param tags the common tags; a meter's own tag ({@value #MODE}, {@value #OUTCOME}, ...) wins
     *             over a common tag of the same name
     * @throws NullPointerException when {@code tags} is null
     */
    public TurnstileMetrics(Iterable<Tag> tags) {
        this.commonTags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    /**
     * Registers every meter in {@code registry}, at zero, and the two gauges. A registry bound twice
     * counts every event twice.
     *
     * @param registry where the meters go
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        bound.add(new BoundMeters(registry, commonTags, this));
    }

    int sum(ToIntFunction<Turnstile> gauge) {
        return turnstiles.stream().mapToInt(gauge).sum();
    }

    private void each(Consumer<BoundMeters> record) {
        bound.forEach(record);
    }

    @Override
    public void started(Turnstile turnstile) {
        turnstiles.add(turnstile);
    }

    @Override
    public void acquired(String sessionHash, Mode mode, Duration waited) {
        each(m -> m.acquire(mode, ACQUIRED).record(waited));
    }

    @Override
    public void busy(String sessionHash, Mode mode, BusyReason reason, Duration waited) {
        each(m -> {
            m.acquire(mode, BUSY_OUTCOME).record(waited);
            m.busy(reason).increment();
        });
    }

    @Override
    public void acquireFailed(String sessionHash, Mode mode, Duration waited) {
        each(m -> m.acquire(mode, ERROR).record(waited));
    }

    @Override
    public void released(String sessionHash, Mode mode, Duration held, boolean wasHeld) {
        each(m -> m.hold(mode).record(held));
    }

    @Override
    public void leaseLost(String sessionHash, Mode mode) {
        each(m -> m.leaseLost(mode).increment());
    }

    @Override
    public void backendError(String operation, Throwable error) {
        each(m -> m.backendError(operation).increment());
    }

    @Override
    public void failedOpen(Mode mode) {
        each(m -> m.failOpen(mode).increment());
    }
}
