package dev.turnstile.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.turnstile.Turnstile;
import dev.turnstile.testing.RedisProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** The Spring Boot health indicator against a private Redis that the test stops, and a port where nothing listens. */
class TurnstileHealthIndicatorIT {

    @Test
    void shouldBeUpWhileRedisAnswersAndDownOnceItStops() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
                Turnstile turnstile = Turnstile.builder()
                        .redisUrl(redis.url())
                        .redisTimeout(Duration.ofSeconds(1))
                        .build()) {
            TurnstileHealthIndicator indicator = new TurnstileHealthIndicator(turnstile);
            assertEquals(Status.UP, indicator.health().getStatus());

            redis.shutdown();
            Health down = indicator.health();
            assertEquals(Status.DOWN, down.getStatus());
            assertEquals(Map.of("reason", "backend_unavailable"), down.getDetails());

            redis.restart();
            assertEquals(Status.UP, indicator.health().getStatus()); // the pool reconnects
        }
    }

    @Test
    void shouldBeDownOnAPortWhereNothingListens() throws Exception {
        String url = "redis://127.0.0.1:" + RedisProcess.freePort();
        try (Turnstile turnstile = Turnstile.builder()
                .redisUrl(url)
                .redisTimeout(Duration.ofSeconds(1))
                .build()) {
            assertEquals(
                    Status.DOWN,
                    new TurnstileHealthIndicator(turnstile).health().getStatus());
        }
    }
}
