package dev.turnstile.cdi.internal;

import dev.turnstile.config.SettingSource;
import dev.turnstile.config.TurnstileGuard;
import dev.turnstile.config.TurnstileSettings;
import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.servlet.ServletContext;

/**
 * The default {@link TurnstileGuard}: the servlet filter's, when the filter runs in the same web
 * application; otherwise one built from {@code turnstile.*} context-params, system properties and
 * {@code TURNSTILE_*} environment variables (the filter's settings, read the same way).
 */
@ApplicationScoped
public class DefaultGuardProducer {

    private TurnstileGuard owned;

    @Produces
    @Singleton
    TurnstileGuard guard(Instance<ServletContext> servletContexts) {
        ServletContext context = servletContexts.isResolvable() ? servletContexts.get() : null;
        if (context != null && context.getAttribute(TurnstileAttributes.GUARD) instanceof TurnstileGuard shared) {
            return shared; // the filter's: closed by the filter
        }
        TurnstileSettings settings = TurnstileSettings.load(
                SettingSource.of(name -> context == null ? null : context.getInitParameter(name)),
                name -> context == null ? null : context.getResourceAsStream(name));
        owned = new TurnstileGuard(settings.builder().build(), settings.classifier(), settings.options());
        return owned;
    }

    void close(@Disposes TurnstileGuard guard) {
        if (guard == owned) {
            guard.turnstile().close();
        }
    }
}
