package dev.turnstile.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.BusyException;
import dev.turnstile.BusyReason;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileListener;
import dev.turnstile.testing.RedisProcess;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The meters against a real Redis-backed engine: each test drives the engine into one situation
 * (a grant, a busy call, a waiting call, an unreachable Redis, a lost lease) and reads the counts.
 */
class TurnstileMetricsIT {

    private static final Duration LONG = Duration.ofSeconds(30);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TurnstileMetrics metrics = new TurnstileMetrics();
    private final CountDownLatch waiting = new CountDownLatch(1);
    private RedisProcess redis;
    private Turnstile turnstile;

    @BeforeEach
    void start() throws Exception {
        redis = RedisProcess.start();
        TurnstileListener listener = new TurnstileListener() {
            // the metrics, plus a latch for the moment a call waits
            @Override
            public void started(Turnstile t) {
                metrics.started(t);
            }

            @Override
            public void acquired(String s, Mode m, Duration w) {
                metrics.acquired(s, m, w);
            }

            @Override
            public void waited(String s, Mode m, BusyReason r) {
                waiting.countDown();
            }

            @Override
            public void busy(String s, Mode m, BusyReason r, Duration w) {
                metrics.busy(s, m, r, w);
            }

            @Override
            public void acquireFailed(String s, Mode m, Duration w) {
                metrics.acquireFailed(s, m, w);
            }

            @Override
            public void released(String s, Mode m, Duration h, boolean wasHeld) {
                metrics.released(s, m, h, wasHeld);
            }

            @Override
            public void leaseLost(String s, Mode m) {
                metrics.leaseLost(s, m);
            }

            @Override
            public void backendError(String operation, Throwable error) {
                metrics.backendError(operation, error);
            }

            @Override
            public void failedOpen(Mode m) {
                metrics.failedOpen(m);
            }
        };
        turnstile = Turnstile.builder()
                .redisUrl(redis.url())
                .lease(LONG)
                .recheckInterval(LONG)
                .redisTimeout(Duration.ofSeconds(1))
                .listener(listener)
                .build();
        metrics.bindTo(registry);
    }

    @AfterEach
    void stop() throws Exception {
        turnstile.close();
        redis.close();
    }

    @Test
    void shouldRegisterEveryMeterAtZeroWithoutASessionTag() {
        Set<String> names = registry.getMeters().stream()
                .map(m -> m.getId().getName())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(
                new TreeSet<>(Set.of(
                        "turnstile.acquire",
                        "turnstile.hold",
                        "turnstile.busy",
                        "turnstile.lease.lost",
                        "turnstile.backend.errors",
                        "turnstile.fail.open",
                        "turnstile.waiting",
                        "turnstile.held")),
                names);
        Set<String> tagKeys = registry.getMeters().stream()
                .flatMap(m -> m.getId().getTags().stream())
                .map(Tag::getKey)
                .collect(Collectors.toSet());
        assertEquals(Set.of("mode", "outcome", "reason", "operation"), tagKeys);
        assertEquals(6, registry.find("turnstile.acquire").timers().size()); // 2 modes x 3 outcomes
        for (Meter meter : registry.getMeters()) {
            meter.measure()
                    .forEach(m -> assertEquals(0.0, m.getValue(), meter.getId().toString()));
        }
    }

    @Test
    void shouldTimeAcquiresAndHoldsAndCountBusyCalls() {
        Permit held = turnstile.acquire("session-1", "turn-a", Mode.WRITE);
        assertEquals(1.0, gauge("turnstile.held"));
        assertThrows(BusyException.class, () -> turnstile.acquire("session-1", "turn-b", Mode.WRITE, Duration.ZERO));
        assertThrows(BusyException.class, () -> turnstile.acquire("session-1", "turn-a", Mode.READ, Duration.ZERO));
        held.close();

        assertEquals(1, acquires("write", "acquired"));
        assertEquals(1, acquires("write", "busy"));
        assertEquals(1, acquires("read", "busy"));
        assertEquals(0, acquires("read", "acquired"));
        assertEquals(1.0, counter("turnstile.busy", "reason", "session_busy"));
        assertEquals(1.0, counter("turnstile.busy", "reason", "turn_busy"));
        assertEquals(
                1, registry.get("turnstile.hold").tag("mode", "write").timer().count());
        assertEquals(0.0, gauge("turnstile.held"));
    }

    @Test
    void shouldShowACallWaitingWhileItWaits() throws Exception {
        Permit held = turnstile.acquire("session-2", "turn-a", Mode.WRITE);
        CompletableFuture<Permit> next =
                CompletableFuture.supplyAsync(() -> turnstile.acquire("session-2", "turn-b", Mode.READ, LONG));
        assertTrue(waiting.await(20, TimeUnit.SECONDS), "the second call never waited");
        assertEquals(1.0, gauge("turnstile.waiting"));
        held.close();
        next.get(20, TimeUnit.SECONDS).close();
        assertEquals(0.0, gauge("turnstile.waiting"));
        assertEquals(1, acquires("read", "acquired"));
    }

    @Test
    void shouldCountBackendErrorsWhenRedisIsDown() throws Exception {
        turnstile.acquire("session-3", null, Mode.WRITE).close();
        redis.shutdown();
        assertThrows(BackendUnavailableException.class, () -> turnstile.acquire("session-3", null, Mode.WRITE));
        assertEquals(1.0, counter("turnstile.backend.errors", "operation", "acquire"));
        assertEquals(1, acquires("write", "error"));
        assertEquals(1, acquires("write", "acquired"));
    }

    @Test
    void shouldCountALostLease() throws Exception {
        Permit permit = turnstile.acquire("session-4", null, Mode.READ);
        try (Jedis admin = redis.admin()) {
            admin.flushAll(); // the place is gone while its call runs
        }
        permit.close(); // the release finds nothing: the lease was lost
        assertEquals(1.0, counter("turnstile.lease.lost", "mode", "read"));
        assertEquals(0.0, counter("turnstile.lease.lost", "mode", "write"));
        assertEquals(
                1, registry.get("turnstile.hold").tag("mode", "read").timer().count());
    }

    @Test
    void shouldCountAReportedFailOpen() {
        turnstile.reportFailOpen(Mode.WRITE);
        assertEquals(1.0, counter("turnstile.fail.open", "mode", "write"));
        assertEquals(0.0, counter("turnstile.fail.open", "mode", "read"));
    }

    private long acquires(String mode, String outcome) {
        return registry.get("turnstile.acquire")
                .tag("mode", mode)
                .tag("outcome", outcome)
                .timer()
                .count();
    }

    private double counter(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).counter().count();
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }
}
