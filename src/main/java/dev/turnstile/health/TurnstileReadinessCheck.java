package dev.turnstile.health;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.Turnstile;
import dev.turnstile.internal.config.TurnstileGuard;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * A MicroProfile Health readiness check: UP while {@link Turnstile#ping()} reaches the lock store,
 * DOWN (with {@code reason: backend_unavailable}, no Redis text) while it does not. Opt-in: the
 * CDI extension registers it only with the setting {@code health-readiness=true}, because a shared
 * Redis that goes down takes every replica out of its load balancer at once. It is never a
 * liveness check: restarting a replica does not bring Redis back.
 */
@Readiness
@Singleton
public class TurnstileReadinessCheck implements HealthCheck {

    /** The check's name in the health response. */
    public static final String NAME = "turnstile";
    /** The data key of a DOWN response. */
    public static final String REASON = "reason";
    /** The reason of a DOWN response. */
    public static final String BACKEND_UNAVAILABLE = "backend_unavailable";

    private final Turnstile turnstile;

    /**
     * The check of the application's guard (the one the filter and {@code @Guarded} use); for CDI.
     *
     * @param guard the application's guard, produced by Turnstile's CDI extension
     */
    @Inject
    TurnstileReadinessCheck(TurnstileGuard guard) { // package-private: TurnstileGuard is internal
        this(guard.turnstile());
    }

    /**
     * The check of any Turnstile.
     *
     * @param turnstile the Turnstile whose store is checked
     * @throws NullPointerException when {@code turnstile} is null
     */
    public TurnstileReadinessCheck(Turnstile turnstile) {
        this.turnstile = Objects.requireNonNull(turnstile, "turnstile");
    }

    /**
     * Pings the store once.
     *
     * @return UP, or DOWN with {@code reason: backend_unavailable} when the store cannot be reached
     */
    @Override
    public HealthCheckResponse call() {
        try {
            turnstile.ping();
        } catch (BackendUnavailableException e) {
            return new HealthCheckResponse(
                    NAME, HealthCheckResponse.Status.DOWN, Optional.of(Map.of(REASON, BACKEND_UNAVAILABLE)));
        }
        return new HealthCheckResponse(NAME, HealthCheckResponse.Status.UP, Optional.empty());
    }
}
