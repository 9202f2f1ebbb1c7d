package dev.turnstile.internal.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.config.SettingSource;
import jakarta.enterprise.inject.Instance;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

/** The readiness check is there only when asked for, as a readiness (never a liveness) check. */
class ReadinessRegistrationTest {

    @Test
    void shouldRegisterTheReadinessCheckWhenTheSettingIsOn() {
        try (WeldContainer container = weld("true")) {
            Instance<HealthCheck> ready = container.select(HealthCheck.class, Readiness.Literal.INSTANCE);
            assertTrue(ready.isResolvable());
            assertEquals(HealthCheckResponse.Status.UP, ready.get().call().getStatus()); // the in-process guard
            assertTrue(container
                    .select(HealthCheck.class, Liveness.Literal.INSTANCE)
                    .isUnsatisfied());
        }
    }

    @Test
    void shouldRegisterNoCheckByDefault() {
        try (WeldContainer container = weld(null)) {
            assertFalse(container
                    .select(HealthCheck.class, Readiness.Literal.INSTANCE)
                    .isResolvable());
            assertTrue(container.select(HealthCheck.class).isUnsatisfied());
        }
    }

    private static WeldContainer weld(String readiness) {
        Map<String, String> env = readiness == null ? Map.of() : Map.of("TURNSTILE_HEALTH_READINESS", readiness);
        SettingSource settings = new SettingSource(name -> null, name -> null, env);
        return new Weld()
                .disableDiscovery()
                .addBeanClass(ReadinessRegistrationTest.class) // Weld wants one bean
                .addExtension(new TurnstileExtension(settings))
                .initialize();
    }
}
