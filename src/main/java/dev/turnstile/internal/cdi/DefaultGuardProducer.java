package dev.turnstile.internal.cdi;

import dev.turnstile.Turnstile;
import dev.turnstile.config.SettingSource;
import dev.turnstile.config.TurnstileSettings;
import dev.turnstile.internal.config.TurnstileGuard;
import dev.turnstile.internal.engine.InProcessLockStore;
import dev.turnstile.internal.servlet.SharedGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.servlet.ServletContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link TurnstileGuard}: the web application's one guard, shared with the servlet
 * filter whichever of the two needs it first ({@link SharedGuard}), built from the filter's
 * settings ({@code turnstile.*} system properties, {@code TURNSTILE_*} environment variables,
 * MicroProfile Config when present, its init-params, else context-params). Without a servlet
 * context, one of its own.
 */
@ApplicationScoped
public class DefaultGuardProducer {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultGuardProducer.class);

    private TurnstileGuard owned;
    private volatile ServletContext started;

    void started(@Observes @Initialized(ApplicationScoped.class) ServletContext context) {
        started = context;
    }

    @Produces
    @Singleton
    TurnstileGuard guard(Instance<ServletContext> servletContexts) {
        ServletContext context = started != null ? started : usable(servletContexts);
        if (context == null) {
            LOG.warn("no servlet context is available: @Guarded uses an engine of its own, built from system"
                    + " properties, environment variables and MicroProfile Config only");
            TurnstileSettings settings = TurnstileSettings.load(SettingSource.of(name -> null), name -> null);
            owned = build(settings);
            return owned;
        }
        TurnstileSettings settings =
                TurnstileSettings.load(SharedGuard.settings(context), context::getResourceAsStream);
        SharedGuard.Claim claim = SharedGuard.claim(context, () -> build(settings));
        if (claim.built()) {
            owned = claim.guard(); // closed here; the filter closes the one it built
        }
        return claim.guard();
    }

    /** The container's ServletContext bean, when it can be used here (some containers scope it to requests). */
    private static ServletContext usable(Instance<ServletContext> servletContexts) {
        if (!servletContexts.isResolvable()) {
            return null;
        }
        try {
            ServletContext context = servletContexts.get();
            context.getContextPath();
            return context;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static TurnstileGuard build(TurnstileSettings settings) {
        // turned off: @Guarded passes every call through; an in-process engine stands in, connecting nowhere
        Turnstile turnstile = settings.options().enabled()
                ? settings.builder().build()
                : Turnstile.builder().store(new InProcessLockStore()).build();
        return new TurnstileGuard(turnstile, settings.classifier(), settings.options());
    }

    void close(@Disposes TurnstileGuard guard) {
        if (guard == owned) {
            guard.turnstile().close();
        }
    }
}
