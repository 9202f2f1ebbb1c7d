package dev.turnstile.spring;

import java.util.Locale;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@code turnstile.enabled} read as the filter reads it: absent or blank is on; {@code true}, {@code yes},
 * {@code on}, {@code 1} and {@code false}, {@code no}, {@code off}, {@code 0}; anything else stops the
 * start-up (a typo must not leave every call unguarded).
 */
final class OnTurnstileEnabled extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        String value = context.getEnvironment().getProperty(TurnstileAutoConfiguration.ENABLED);
        if (value == null || value.isBlank()) {
            return ConditionOutcome.match(TurnstileAutoConfiguration.ENABLED + " is not set");
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> ConditionOutcome.match(TurnstileAutoConfiguration.ENABLED + " is on");
            case "false", "no", "off", "0" -> ConditionOutcome.noMatch(TurnstileAutoConfiguration.ENABLED + " is off");
            default ->
                throw new IllegalArgumentException(
                        TurnstileAutoConfiguration.ENABLED + " must be true or false: '" + value + "'");
        };
    }
}
