package dev.turnstile.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.turnstile.Classifier;
import dev.turnstile.Turnstile;
import dev.turnstile.config.GuardOptions;
import dev.turnstile.internal.cdi.TurnstileExtension;
import dev.turnstile.internal.config.TurnstileGuard;
import dev.turnstile.internal.engine.InProcessLockStore;
import dev.turnstile.internal.servlet.CurrentRequest;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

/** With {@code turnstile.enabled=false} the interceptor guards nothing, like the filter. */
@EnableWeld
class GuardedDisabledTest {

    static final InProcessLockStore STORE = new InProcessLockStore();

    public static class DisabledGuardProducer {
        @Produces
        @Alternative
        @Priority(Interceptor.Priority.APPLICATION)
        @Singleton
        TurnstileGuard guard() {
            GuardOptions d = GuardOptions.defaults();
            GuardOptions disabled = new GuardOptions(
                    false,
                    d.maxBodySize(),
                    d.maxJsonDepth(),
                    d.busyCode(),
                    d.failOpenReads(),
                    d.failOpenWrites(),
                    d.turnHeader(),
                    d.bindPrincipal());
            return new TurnstileGuard(Turnstile.builder().store(STORE).build(), Classifier.defaults(), disabled);
        }
    }

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(WeldInitiator.createWeld()
                    .addExtension(new TurnstileExtension())
                    .addBeanClasses(ToolBeans.Ledger.class, ToolBeans.Audit.class, DisabledGuardProducer.class))
            .build();

    @Inject
    ToolBeans.Audit audit;

    @Test
    void aDisabledGuardTakesNoPlace() throws Exception {
        try (CurrentRequest.Binding bound = CurrentRequest.bind(FakeRequest.of("s", "t"))) {
            audit.note(() -> assertEquals(0, STORE.activeSessions(), "a place was taken"));
        }
    }
}
