package dev.turnstile.itwildfly;

import static dev.turnstile.cdi.Guarded.Access.READ;
import static dev.turnstile.cdi.Guarded.Access.WRITE;

import dev.turnstile.cdi.Guarded;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Tool handlers of the {@link InterceptorOnWildFlyIT} deployment, guarded by the CDI interceptor. */
@ApplicationScoped
public class LedgerTools {

    @Inject
    Gates gates;

    @Guarded(WRITE)
    public String refund(String gate) {
        gates.pass(gate);
        return "refunded";
    }

    @Guarded(READ)
    public String balance(String gate) {
        gates.pass(gate);
        return "balance";
    }

    /** Called by the handler of {@code get_then_fix}, which the filter guards as a read. */
    @Guarded(WRITE)
    public String fix() {
        return "fixed";
    }
}
