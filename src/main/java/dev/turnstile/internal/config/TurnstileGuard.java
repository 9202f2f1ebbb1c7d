package dev.turnstile.internal.config;

import dev.turnstile.Classifier;
import dev.turnstile.Turnstile;
import dev.turnstile.config.GuardOptions;
import java.util.Objects;

/**
 * An engine with the rules to use it by: what the servlet filter and the {@code @Guarded}
 * interceptor guard with. The default bean comes from the same settings
 * as the servlet filter (and shares the filter's engine when the filter runs in the same web
 * application). To use your own, produce one as an alternative:
 * <pre>{@code
 * @Produces @Alternative @Priority(APPLICATION) @Singleton
 * TurnstileGuard guard() { return new TurnstileGuard(myTurnstile, Classifier.defaults(), GuardOptions.defaults()); }
 * }</pre>
 */
public record TurnstileGuard(Turnstile turnstile, Classifier classifier, GuardOptions options) {

    public TurnstileGuard {
        Objects.requireNonNull(turnstile, "turnstile");
        Objects.requireNonNull(classifier, "classifier");
        Objects.requireNonNull(options, "options");
    }
}
