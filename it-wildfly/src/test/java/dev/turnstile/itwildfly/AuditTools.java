package dev.turnstile.itwildfly;

import static dev.turnstile.cdi.Guarded.Access.READ;
import static dev.turnstile.cdi.Guarded.Access.WRITE;

import dev.turnstile.cdi.Guarded;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A second bean of tool handlers of the {@link InterceptorOnWildFlyIT} deployment. */
@ApplicationScoped
public class AuditTools {

    @Inject
    Gates gates;

    @Guarded(WRITE)
    public String note(String gate) {
        gates.pass(gate);
        return "noted";
    }

    /** Also called by the handler of {@code write_then_look}, which the filter guards as a write. */
    @Guarded(READ)
    public String look(String gate) {
        gates.pass(gate);
        return "looked";
    }
}
