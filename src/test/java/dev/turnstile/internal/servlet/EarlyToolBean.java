package dev.turnstile.internal.servlet;

import static dev.turnstile.cdi.Guarded.Access.WRITE;

import dev.turnstile.cdi.Guarded;
import dev.turnstile.internal.config.TurnstileGuard;
import dev.turnstile.internal.engine.LockEngine;
import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * A {@code @Guarded} bean created at start-up, before any filter's {@code init()} (its
 * {@link Listener} runs first, as every servlet context listener does). The web application must
 * still end up with one engine: the one the filter publishes, used by the interceptor too.
 */
@ApplicationScoped
public class EarlyToolBean {

    public boolean ready() {
        return true;
    }

    /** Holds a write place taken by the interceptor; says whether the filter's engine holds it. */
    @Guarded(WRITE)
    public String report(ServletContext context) {
        TurnstileGuard published = (TurnstileGuard) context.getAttribute(TurnstileAttributes.GUARD);
        return ((LockEngine) published.turnstile()).heldPlaces() == 1 ? "one engine" : "two engines";
    }

    /** Creates the bean when the context starts. */
    public static class Listener implements ServletContextListener {
        @Override
        public void contextInitialized(ServletContextEvent event) {
            CDI.current().select(EarlyToolBean.class).get().ready();
        }
    }
}
