package dev.turnstile.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.Turnstile;
import dev.turnstile.internal.engine.InProcessLockStore;
import dev.turnstile.testing.RedisProcess;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** {@link Turnstile#ping()} and the readiness check against a private Redis that the test stops. */
class TurnstileReadinessCheckIT {

    @Test
    void shouldBeUpWhileRedisAnswersAndDownOnceItStops() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
                Turnstile turnstile = Turnstile.builder()
                        .redisUrl(redis.url())
                        .redisTimeout(Duration.ofSeconds(1))
                        .build()) {
            TurnstileReadinessCheck check = new TurnstileReadinessCheck(turnstile);
            turnstile.ping();
            assertEquals(HealthCheckResponse.Status.UP, check.call().getStatus());
            assertEquals(TurnstileReadinessCheck.NAME, check.call().getName());

            redis.shutdown();
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, turnstile::ping);
            assertEquals("lock store unavailable during ping", e.getMessage());
            HealthCheckResponse down = check.call();
            assertEquals(HealthCheckResponse.Status.DOWN, down.getStatus());
            assertEquals(Optional.of(Map.of("reason", "backend_unavailable")), down.getData());

            redis.restart();
            turnstile.ping(); // the pool reconnects: ready again
            assertEquals(HealthCheckResponse.Status.UP, check.call().getStatus());
        }
    }

    @Test
    void shouldBeDownOnAPortWhereNothingListens() throws Exception {
        String url = "redis://127.0.0.1:" + RedisProcess.freePort();
        try (Turnstile turnstile = Turnstile.builder()
                .redisUrl(url)
                .redisTimeout(Duration.ofSeconds(1))
                .build()) {
            assertThrows(BackendUnavailableException.class, turnstile::ping);
            assertEquals(
                    HealthCheckResponse.Status.DOWN,
                    new TurnstileReadinessCheck(turnstile).call().getStatus());
        }
    }

    @Test
    void shouldAlwaysBeUpInProcessAndDownOnceClosed() {
        Turnstile turnstile =
                Turnstile.builder().store(new InProcessLockStore()).build();
        TurnstileReadinessCheck check = new TurnstileReadinessCheck(turnstile);
        assertEquals(HealthCheckResponse.Status.UP, check.call().getStatus());
        turnstile.close();
        assertEquals(HealthCheckResponse.Status.DOWN, check.call().getStatus());
    }
}
