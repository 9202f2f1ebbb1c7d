package dev.turnstile.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.BusyException;
import dev.turnstile.BusyReason;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.internal.cdi.TurnstileExtension;
import dev.turnstile.internal.config.TurnstileGuard;
import dev.turnstile.internal.servlet.CurrentRequest;
import dev.turnstile.servlet.TurnstileAttributes;
import dev.turnstile.testing.OverlapHistory;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The interceptor's rules in Weld, with a user-supplied guard on the in-process store. */
@EnableWeld
class GuardedInterceptorTest {

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(WeldInitiator.createWeld()
                    .addExtension(new TurnstileExtension())
                    .addBeanClasses(ToolBeans.Ledger.class, ToolBeans.Audit.class, CountingGuardProducer.class))
            .build();

    @Inject
    ToolBeans.Ledger ledger;

    @Inject
    ToolBeans.Audit audit;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @Inject
    TurnstileGuard guard;

    @BeforeEach
    void reset() {
        ToolBeans.history = new OverlapHistory();
        CountingGuardProducer.ACQUIRES.set(0);
        CountingGuardProducer.FAILED_OPEN.set(0);
        CountingGuardProducer.down = false;
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private <T> Future<T> inRequest(HttpServletRequest request, Callable<T> call) {
        return threads.submit(() -> {
            try (CurrentRequest.Binding bound = CurrentRequest.bind(request)) {
                return call.call();
            }
        });
    }

    private <T> T inRequest(String session, String turn, Callable<T> call) throws Exception {
        try (CurrentRequest.Binding bound = CurrentRequest.bind(FakeRequest.of(session, turn))) {
            return call.call();
        }
    }

    @Test
    void readsOfTwoBeansInOneTurnRunTogether() throws Exception {
        CyclicBarrier both = new CyclicBarrier(2);
        Future<?> a = inRequest(FakeRequest.of("s", "t"), () -> {
            ledger.balance(ToolBeans.Inside.meet(both));
            return null;
        });
        Future<?> b = inRequest(FakeRequest.of("s", "t"), () -> {
            audit.look(ToolBeans.Inside.meet(both));
            return null;
        });
        a.get(30, TimeUnit.SECONDS); // the barrier only opens if both reads are inside at once
        b.get(30, TimeUnit.SECONDS);
    }

    @Test
    void writesOfTwoBeansNeverOverlapAnythingOfTheirSession() throws Exception {
        List<Future<?>> calls = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < 6; t++) {
            calls.add(threads.submit(() -> {
                start.await();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 40; i++) {
                    String turn = random.nextBoolean() ? "A" : "B";
                    try (CurrentRequest.Binding bound = CurrentRequest.bind(FakeRequest.of("s", turn))) {
                        switch (random.nextInt(4)) {
                            case 0 -> ledger.refund(null);
                            case 1 -> ledger.balance(null);
                            case 2 -> audit.note(null);
                            default -> audit.look(null);
                        }
                    } catch (GuardedBusyException busy) {
                        // the 300 ms acquire timeout of this guard can run out under load: not a violation
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : calls) {
            f.get(2, TimeUnit.MINUTES);
        }
        assertTrue(ToolBeans.history.size() > 100, "too few calls ran: " + ToolBeans.history.size());
        assertEquals(List.of(), ToolBeans.history.violations());
    }

    @Test
    void aNestedCallCoveredByTheOuterPlaceReentersWithoutAcquiring() throws Exception {
        assertEquals("refunded+audit", inRequest("s", "t", ledger::refundAndAudit));
        assertEquals(1, CountingGuardProducer.ACQUIRES.get());
    }

    @Test
    void aReadHolderAskingForAWriteFailsFastNamingTheMethod() {
        LockUpgradeException e =
                assertThrows(LockUpgradeException.class, () -> inRequest("s", "t", ledger::balanceThenFix));
        assertTrue(e.getMessage().contains("Audit.fix()"), e.getMessage());
        assertEquals(1, CountingGuardProducer.ACQUIRES.get(), "no second acquire was tried");
    }

    @Test
    void aPermitOfTheRequestThatWasReleasedIsNotReentered() throws Exception {
        HttpServletRequest request = FakeRequest.of("s", "t");
        Permit stale = guard.turnstile().acquire("s", "t", Mode.WRITE);
        stale.close();
        request.setAttribute(TurnstileAttributes.PERMIT, stale);
        int before = CountingGuardProducer.ACQUIRES.get();
        try (CurrentRequest.Binding bound = CurrentRequest.bind(request)) {
            ledger.refund(null);
        }
        assertEquals(before + 1, CountingGuardProducer.ACQUIRES.get(), "a released permit covers nothing");
        assertSame(stale, request.getAttribute(TurnstileAttributes.PERMIT));
    }

    @Test
    void failOpenAppliesPerModeAsInTheFilter() throws Exception {
        CountingGuardProducer.down = true;
        HttpServletRequest request = FakeRequest.of("s", "t");
        try (CurrentRequest.Binding bound = CurrentRequest.bind(request)) {
            ledger.balance(null); // this guard fails open for reads
            assertEquals(Boolean.TRUE, request.getAttribute(TurnstileAttributes.FAILED_OPEN));
            assertThrows(BackendUnavailableException.class, () -> ledger.refund(null), "and closed for writes");
        }
        assertEquals(
                1,
                CountingGuardProducer.FAILED_OPEN.get(),
                "the read's fail-open is reported, the write's error is not");
    }

    @Test
    void aCallOutsideAnyRequestIsWarnedAboutOncePerMethod() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            audit.read();
            audit.read();
            audit.fix();
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertEquals(1, count(log, "Audit.read()"), log);
        assertEquals(1, count(log, "Audit.fix()"), log);
        assertTrue(
                log.contains("WARN") && log.contains("immediateExecution(true)") && log.contains("CurrentRequest.bind"),
                log);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void callsOutsideARequestWithASessionRunUnguarded() throws Exception {
        assertEquals("audit", audit.read());
        assertEquals("fixed", inRequest(null, null, audit::fix));
        assertEquals(0, CountingGuardProducer.ACQUIRES.get());
    }

    @Test
    void aTimeoutCarriesTheRetryHintAndTheFiltersJsonRpcError() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> held = inRequest(FakeRequest.of("s", "A"), () -> {
            audit.note(() -> {
                inside.countDown();
                release.await(30, TimeUnit.SECONDS);
            });
            return null;
        });
        assertTrue(inside.await(30, TimeUnit.SECONDS));
        GuardedBusyException e = assertThrows(GuardedBusyException.class, () -> inRequest("s", "B", audit::read));
        BusyException busy = e; // one catch handles the engine's and the interceptor's busy error
        assertEquals(BusyReason.SESSION_BUSY, busy.reason());
        assertTrue(e.retryAfter().toMillis() >= 1);
        assertEquals(-32002, e.jsonRpcError().code());
        assertEquals("session_busy", e.jsonRpcError().data().get("reason"));
        String json = new String(e.jsonRpcError().toJson("7"), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(json.contains("\"id\":7") && json.contains("\"retryAfterMs\":"), json);
        release.countDown();
        held.get(30, TimeUnit.SECONDS);
    }

    @Test
    void toolsAreClassifiedByTheirNameOrTheNamedTool() throws Exception {
        // get_statement is a read by the prefix rule, lookup_charge by this guard's glob: inside a
        // request that holds a read place they re-enter instead of failing as an upgrade
        HttpServletRequest reading = FakeRequest.of("s", "t");
        reading.setAttribute(dev.turnstile.servlet.TurnstileAttributes.PERMIT, readPermit());
        try (CurrentRequest.Binding bound = CurrentRequest.bind(reading)) {
            assertEquals("statement", ledger.get_statement());
            assertEquals("charge", ledger.charge());
            assertThrows(LockUpgradeException.class, audit::fix);
        }
        assertEquals(0, CountingGuardProducer.ACQUIRES.get());
        assertEquals("statement", inRequest("s", "t", ledger::get_statement));
        assertEquals("charge", inRequest("s", "t", ledger::charge));
    }

    private static dev.turnstile.Permit readPermit() {
        return new dev.turnstile.Permit() {
            @Override
            public dev.turnstile.Mode mode() {
                return dev.turnstile.Mode.READ;
            }

            @Override
            public java.util.OptionalLong fence() {
                return java.util.OptionalLong.empty();
            }

            @Override
            public String sessionHash() {
                return "h";
            }

            @Override
            public boolean held() {
                return true;
            }

            @Override
            public boolean leaseLost() {
                return false;
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void misusedAnnotationsFailTheDeploymentNamingTheMethod() {
        Weld bad = new Weld()
                .disableDiscovery()
                .addExtension(new TurnstileExtension())
                .addBeanClasses(MisusedTools.class, CountingGuardProducer.class);
        Exception e = assertThrows(Exception.class, () -> bad.initialize().shutdown());
        String messages = String.valueOf(e.getMessage()) + " " + String.valueOf(e.getCause());
        assertTrue(
                messages.contains("MisusedTools.refund()") && messages.contains("tool is only used with Access.TOOL"),
                messages);
    }

    @jakarta.enterprise.context.ApplicationScoped
    public static class MisusedTools {
        @Guarded(value = Guarded.Access.WRITE, tool = "refund")
        public void refund() {}
    }
}
