package dev.turnstile.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.internal.cdi.TurnstileExtension;
import dev.turnstile.internal.servlet.CurrentRequest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

/** The README's CDI snippet is {@link RefundTools} verbatim, and it runs guarded. */
@EnableWeld
class ReadmeCdiSnippetTest {

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(WeldInitiator.createWeld()
                    .addExtension(new TurnstileExtension())
                    .addBeanClasses(RefundTools.class, CountingGuardProducer.class))
            .build();

    @Inject
    RefundTools tools;

    @Test
    void theReadmeShowsTheSnippetThatThisTestRuns() throws Exception {
        String source = Files.readString(Path.of("src/test/java/dev/turnstile/cdi/RefundTools.java"));
        String snippet = source.substring(
                source.indexOf("// tag::cdi[]\n") + "// tag::cdi[]\n".length(), source.indexOf("// end::cdi[]"));
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains(snippet), "README.md must contain RefundTools.java's snippet verbatim");

        CountingGuardProducer.ACQUIRES.set(0);
        try (CurrentRequest.Binding bound = CurrentRequest.bind(FakeRequest.of("session-1", "turn-1"))) {
            assertEquals("refunded ch_1", tools.createRefund("ch_1"));
            assertEquals("balance", tools.getBalance());
            assertEquals("charge ch_1", tools.lookupCharge("ch_1"));
        }
        assertEquals(3, CountingGuardProducer.ACQUIRES.get(), "each call took its place");
    }
}
