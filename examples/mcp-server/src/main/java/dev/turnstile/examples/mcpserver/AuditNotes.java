package dev.turnstile.examples.mcpserver;

import dev.turnstile.cdi.Guarded;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The {@code audit_note} tool's implementation: a CDI bean method guarded by Turnstile's interceptor.
 * Called behind the filter it re-enters the filter's write place (no second acquire, no Redis
 * traffic); called without the filter in front it takes its own write place in the request's session
 * and turn.
 */
@ApplicationScoped
public class AuditNotes {

    @Guarded(Guarded.Access.WRITE)
    public Interval write(String text, long holdMs) throws InterruptedException {
        // a real tool would append `text` to an audit log here
        return Interval.hold(holdMs);
    }
}
