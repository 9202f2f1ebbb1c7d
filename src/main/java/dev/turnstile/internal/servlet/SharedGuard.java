package dev.turnstile.internal.servlet;

import dev.turnstile.config.SettingSource;
import dev.turnstile.internal.config.TurnstileGuard;
import dev.turnstile.servlet.TurnstileAttributes;
import dev.turnstile.servlet.TurnstileFilter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one guard (engine, classifier, options) of a web application, shared by the
 * {@link TurnstileFilter} and the {@code @Guarded} interceptor whichever of them needs it first:
 * the first builds it from the application's settings and publishes it as the servlet-context
 * attribute {@link TurnstileAttributes#GUARD}; the other finds it there. The builder owns (and
 * closes) it. Used by the filter and the CDI integration; not meant for application code.
 */
public final class SharedGuard {

    /** A guard and whether this caller built it (and so must close it). */
    public record Claim(TurnstileGuard guard, boolean built) {}

    private SharedGuard() {}

    /** The published guard, or the one {@code build} makes, published now. */
    public static Claim claim(ServletContext context, Supplier<TurnstileGuard> build) {
        synchronized (SharedGuard.class) { // not the context: filter and CDI may hold different wrappers of it
            if (context.getAttribute(TurnstileAttributes.GUARD) instanceof TurnstileGuard published) {
                return new Claim(published, false);
            }
            TurnstileGuard guard = build.get();
            context.setAttribute(TurnstileAttributes.GUARD, guard);
            return new Claim(guard, true);
        }
    }

    /** Publishes a guard built in code (a filter registered with one), unless one is published already. */
    public static void publish(ServletContext context, TurnstileGuard guard) {
        synchronized (SharedGuard.class) {
            if (context.getAttribute(TurnstileAttributes.GUARD) == null) {
                context.setAttribute(TurnstileAttributes.GUARD, guard);
            }
        }
    }

    /**
     * Where the application's settings come from when the filter is not the one asking: the init-params
     * of the registered {@link TurnstileFilter}, else the context-params (plus, as always, system
     * properties, environment variables and MicroProfile Config, which win).
     */
    public static SettingSource settings(ServletContext context) {
        Map<String, String> filterParams = filterInitParams(context);
        return SettingSource.of(either(filterParams::get, context::getInitParameter));
    }

    /** A filter's own settings: its init-params, else the context-params. */
    public static SettingSource settings(Function<String, String> initParams, ServletContext context) {
        return SettingSource.of(either(initParams, context::getInitParameter));
    }

    private static Function<String, String> either(Function<String, String> first, Function<String, String> second) {
        return name -> {
            String value = first.apply(name);
            return value != null ? value : second.apply(name);
        };
    }

    private static Map<String, String> filterInitParams(ServletContext context) {
        try {
            for (FilterRegistration registration :
                    context.getFilterRegistrations().values()) {
                if (isTurnstileFilter(registration.getClassName())) {
                    return registration.getInitParameters();
                }
            }
        } catch (UnsupportedOperationException | IllegalStateException e) {
            // a context that does not show its registrations: context-params only
        }
        return Map.of();
    }

    private static boolean isTurnstileFilter(String className) {
        if (className == null) {
            return false;
        }
        if (className.equals(TurnstileFilter.class.getName())) {
            return true;
        }
        try {
            return TurnstileFilter.class.isAssignableFrom(
                    Class.forName(className, false, Thread.currentThread().getContextClassLoader()));
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return false;
        }
    }
}
