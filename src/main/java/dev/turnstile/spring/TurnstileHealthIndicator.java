package dev.turnstile.spring;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.Turnstile;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * A Spring Boot health indicator over {@link Turnstile#ping()}: UP while the lock store answers,
 * DOWN with the detail {@code reason: backend_unavailable} (no Redis text) while it does not. The
 * auto-configuration registers it as {@code turnstile} only with
 * {@code management.health.turnstile.enabled=true}: a shared Redis that goes down would take every
 * replica out at once. Add it to the readiness group
 * ({@code management.endpoint.health.group.readiness.include=readinessState,turnstile}), never to
 * liveness: restarting a replica does not bring Redis back.
 */
public final class TurnstileHealthIndicator implements HealthIndicator {

    /** The detail key of a DOWN health. */
    public static final String REASON = "reason";
    /** The reason of a DOWN health. */
    public static final String BACKEND_UNAVAILABLE = "backend_unavailable";

    private final Turnstile turnstile;

    /**
     * The indicator of {@code turnstile}.
     *
     * @param turnstile the Turnstile whose store is pinged
     * @throws NullPointerException when {@code turnstile} is null
     */
    public TurnstileHealthIndicator(Turnstile turnstile) {
        this.turnstile = Objects.requireNonNull(turnstile, "turnstile");
    }

    /**
     * Pings the store once.
     *
     * @return UP, or DOWN with {@code reason: backend_unavailable} when the store cannot be reached
     */
    @Override
    public Health health() {
        try {
            turnstile.ping();
        } catch (BackendUnavailableException e) {
            return Health.down().withDetail(REASON, BACKEND_UNAVAILABLE).build();
        }
        return Health.up().build();
    }
}
