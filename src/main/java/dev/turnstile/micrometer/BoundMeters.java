package dev.turnstile.micrometer;

import static dev.turnstile.micrometer.TurnstileMetrics.*;

import dev.turnstile.BusyReason;
import dev.turnstile.Mode;
import dev.turnstile.Turnstile;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/** The meters of one registry, built once at bind time so that recording is a map look-up. */
final class BoundMeters {

    private final MeterRegistry registry;
    private final Tags tags;
    private final Map<Mode, Map<String, Timer>> acquire = new EnumMap<>(Mode.class);
    private final Map<Mode, Timer> hold = new EnumMap<>(Mode.class);
    private final Map<BusyReason, Counter> busy = new EnumMap<>(BusyReason.class);
    private final Map<Mode, Counter> leaseLost = new EnumMap<>(Mode.class);
    private final Map<Mode, Counter> failOpen = new EnumMap<>(Mode.class);
    private final Map<String, Counter> backendErrors = new ConcurrentHashMap<>();

    BoundMeters(MeterRegistry registry, Tags tags, TurnstileMetrics source) {
        this.registry = registry;
        this.tags = tags;
        for (Mode mode : Mode.values()) {
            Map<String, Timer> outcomes = new ConcurrentHashMap<>();
            for (String outcome : new String[] {ACQUIRED, BUSY_OUTCOME, ERROR}) {
                outcomes.put(
                        outcome,
                        timer(ACQUIRE, "Time to get a place, or to give up", mode)
                                .tag(OUTCOME, outcome)
                                .register(registry));
            }
            acquire.put(mode, outcomes);
            hold.put(mode, timer(HOLD, "Time a place was held", mode).register(registry));
            leaseLost.put(mode, counter(LEASE_LOST, "Places found lost while their call ran", MODE, mode.wireName()));
            failOpen.put(
                    mode,
                    counter(
                            FAIL_OPEN,
                            "Calls that went on unguarded: the store was unreachable",
                            MODE,
                            mode.wireName()));
        }
        for (BusyReason reason : BusyReason.values()) {
            busy.put(reason, counter(BUSY, "Calls that gave up at their deadline", REASON, reason.wireName()));
        }
        OPERATIONS.forEach(this::backendError);
        gauge(WAITING, "Calls waiting for a place now", source, Turnstile::waitingCalls);
        gauge(HELD, "Places held now", source, Turnstile::heldPlaces);
    }

    private Timer.Builder timer(String name, String description, Mode mode) {
        return Timer.builder(name).description(description).tags(tags).tag(MODE, mode.wireName());
    }

    private Counter counter(String name, String description, String tag, String value) {
        return Counter.builder(name)
                .description(description)
                .tags(tags)
                .tag(tag, value)
                .register(registry);
    }

    private void gauge(String name, String description, TurnstileMetrics source, ToIntFunction<Turnstile> value) {
        Gauge.builder(name, source, s -> s.sum(value))
                .description(description)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    Timer acquire(Mode mode, String outcome) {
        return acquire.get(mode).get(outcome);
    }

    Timer hold(Mode mode) {
        return hold.get(mode);
    }

    Counter busy(BusyReason reason) {
        return busy.get(reason);
    }

    Counter leaseLost(Mode mode) {
        return leaseLost.get(mode);
    }

    Counter failOpen(Mode mode) {
        return failOpen.get(mode);
    }

    /** Registered up front for the known operations; another one when it first fails. */
    Counter backendError(String operation) {
        return backendErrors.computeIfAbsent(
                operation, op -> counter(BACKEND_ERRORS, "Failures of the lock store", OPERATION, op));
    }
}
