package dev.turnstile.itwildfly;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test class, before Arquillian starts WildFly, when {@code turnstile.test.redis} is not
 * set. The reason also goes to stderr, so that it shows in the Maven log and not only in the
 * failsafe report.
 */
final class RedisConfigured implements ExecutionCondition {

    static final String PROPERTY = "turnstile.test.redis";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String redis = System.getProperty(PROPERTY, "");
        if (!redis.isBlank()) {
            return ConditionEvaluationResult.enabled(PROPERTY + " = " + redis);
        }
        String reason = PROPERTY + " is not set, so WildFly was not started and these tests are skipped: they need "
                + "a real Redis. Run scripts/test-wildfly, or pass -D" + PROPERTY + "=redis://host:port";
        if (context.getTestMethod().isEmpty()) {
            System.err.println("SKIPPED " + context.getDisplayName() + ": " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    }
}
