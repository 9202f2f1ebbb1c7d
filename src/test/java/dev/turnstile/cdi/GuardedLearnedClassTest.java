package dev.turnstile.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.turnstile.Classifier;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.ToolClasses;
import dev.turnstile.Turnstile;
import dev.turnstile.config.GuardOptions;
import dev.turnstile.internal.cdi.TurnstileExtension;
import dev.turnstile.internal.config.TurnstileGuard;
import dev.turnstile.internal.engine.InProcessLockStore;
import dev.turnstile.internal.servlet.CurrentRequest;
import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

/** {@code @Guarded(tool = …)} behind the filter while the class the filter learned for the tool changes. */
@EnableWeld
class GuardedLearnedClassTest {

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(WeldInitiator.createWeld()
                    .addExtension(new TurnstileExtension())
                    .addBeanClasses(Invoices.class, InProcessGuard.class))
            .build();

    @Inject
    Invoices invoices;

    @Inject
    TurnstileGuard guard;

    @Test
    void aCallTheFilterAdmittedAsAReadIsNotFailedWhenTheLearnedClassChangesMeanwhile() throws Exception {
        ToolClasses classes = guard.turnstile().toolClasses();
        classes.learn("/mcp", null, Map.of("fetch_invoice", true), null);
        HttpServletRequest request = FakeRequest.of("s", "t");
        // the filter classified the call with what it had learned (a read) and holds a read place
        try (Permit permit = guard.turnstile().acquire("s", "t", Mode.READ)) {
            request.setAttribute(TurnstileAttributes.PERMIT, permit);
            request.setAttribute(TurnstileAttributes.TOOL, "fetch_invoice"); // as the filter exposes it
            classes.forget("/mcp"); // meanwhile the server said its tools changed, on another stream
            try (CurrentRequest.Binding bound = CurrentRequest.bind(request)) {
                assertEquals("invoice", invoices.fetch()); // the call the filter let in runs as it was let in
            }
        }
    }

    @ApplicationScoped
    public static class Invoices {
        @Guarded(tool = "fetch_invoice")
        public String fetch() {
            return "invoice";
        }
    }

    /** The default rules on the in-process store, which learns. */
    public static class InProcessGuard {
        @Produces
        @Alternative
        @Priority(Interceptor.Priority.APPLICATION)
        @Singleton
        TurnstileGuard guard() {
            Turnstile turnstile =
                    Turnstile.builder().store(new InProcessLockStore()).build();
            return new TurnstileGuard(turnstile, Classifier.defaults(), GuardOptions.defaults());
        }
    }
}
