package dev.turnstile.examples.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.modelcontextprotocol.json.McpJsonDefaults;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Turnstile's health indicator, turned on and added to the readiness group as the README says, on a
 * Redis of the test's own: readiness follows Redis down and up again, liveness never does.
 */
class HealthIT {

    @Test
    void readinessFollowsRedisAndLivenessDoesNot() throws Exception {
        try (ThrowawayRedis redis = ThrowawayRedis.start()) {
            ServerProcess server = ServerProcess.start("spring-health", Map.of(
                    "TURNSTILE_REDIS_URL", redis.url(), "TURNSTILE_REDIS_TIMEOUT", "1s",
                    "MANAGEMENT_HEALTH_TURNSTILE_ENABLED", "true",
                    "MANAGEMENT_ENDPOINT_HEALTH_GROUP_READINESS_INCLUDE", "readinessState,turnstile"));
            try {
                assertReadiness(server, 200, "UP", null);

                redis.stop();
                assertReadiness(server, 503, "DOWN", "backend_unavailable");
                Http.Reply liveness = Http.get(server, "/actuator/health/liveness");
                assertEquals(200, liveness.status(), liveness.body());
                assertFalse(liveness.body().contains("turnstile"), "turnstile is in liveness: " + liveness.body());

                redis.restart();
                assertReadiness(server, 200, "UP", null); // the pool reconnects
            } finally {
                server.kill();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void assertReadiness(ServerProcess server, int status, String turnstile, String reason)
            throws Exception {
        Http.Reply readiness = Http.get(server, "/actuator/health/readiness");
        assertEquals(status, readiness.status(), readiness.body());
        Map<String, Object> body = McpJsonDefaults.getMapper().readValue(readiness.body(), Map.class);
        Map<String, Object> component = (Map<String, Object>) ((Map<String, Object>) body.get("components"))
                .get("turnstile");
        assertEquals(turnstile, component.get("status"), readiness.body());
        Map<String, Object> details = (Map<String, Object>) component.get("details");
        assertEquals(reason, details == null ? null : details.get("reason"), readiness.body());
    }
}
