package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.BusyException;
import dev.turnstile.BusyReason;
import dev.turnstile.CleanupOutcome;
import dev.turnstile.InvalidTurnIdException;
import dev.turnstile.Mode;
import dev.turnstile.TurnstileConfig;
import dev.turnstile.TurnstileListener;
import dev.turnstile.spi.Grant;
import dev.turnstile.spi.LockStore;
import dev.turnstile.spi.Place;
import dev.turnstile.spi.Renewal;
import dev.turnstile.spi.Watch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The acquisition loop's own logic, on scripted stores and a controlled clock (no Redis). */
class LockEngineTest {

    private final AtomicLong clock = new AtomicLong();
    private final List<LockEngine> engines = new ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(LockEngine::close);
    }

    private LockEngine engine(LockStore store, Duration timeout) {
        return engine(store, timeout, new TurnstileListener() {});
    }

    private LockEngine engine(LockStore store, Duration timeout, TurnstileListener listener) {
        TurnstileConfig config = new TurnstileConfig(
                "t",
                Duration.ofSeconds(30),
                timeout,
                Duration.ofSeconds(2),
                Duration.ofDays(1),
                TurnstileConfig.DEFAULT_MAX_HOLD,
                TurnstileConfig.DEFAULT_TURN_GRACE);
        LockEngine engine = new LockEngine(config, store, listener, null, clock::get);
        engines.add(engine);
        return engine;
    }

    @Test
    void theDeadlineCoversTheWholeAcquisitionNotEachReason() {
        // Each attempt takes 6 s of (controlled) time. The first waits on the session, the second on
        // the turn's read/write rule. With a deadline per reason, the call would try a third time;
        // with one deadline of 10 s it gives up after the second attempt, at 12 s.
        ScriptedStore store = new ScriptedStore(
                List.of(BusyReason.SESSION_BUSY, BusyReason.TURN_BUSY, BusyReason.TURN_BUSY, BusyReason.TURN_BUSY),
                Duration.ofSeconds(6));
        BusyException e = assertThrows(
                BusyException.class, () -> engine(store, Duration.ofSeconds(10)).acquire("s", "t", Mode.WRITE));
        assertEquals(BusyReason.TURN_BUSY, e.reason());
        assertEquals(2, store.attempts);
        assertEquals(1, store.withdrawals, "the waiting writer's mark is withdrawn when it gives up");
    }

    @Test
    void aZeroTimeoutTriesExactlyOnceAndLeavesNoMark() {
        ScriptedStore store = new ScriptedStore(List.of(BusyReason.SESSION_BUSY), Duration.ZERO);
        assertThrows(BusyException.class, () -> engine(store, Duration.ZERO).acquire("s", "t", Mode.WRITE));
        assertEquals(1, store.attempts);
        assertEquals(Duration.ZERO, store.lastMark);
        assertEquals(0, store.watches);
    }

    @Test
    void theRetryHintIsTheEarliestLeaseEndButAtMostOneRecheck() {
        ScriptedStore store = new ScriptedStore(List.of(BusyReason.SESSION_BUSY), Duration.ZERO);
        store.leaseEnd = Duration.ofMillis(700);
        assertEquals(
                Duration.ofMillis(700),
                assertThrows(
                                BusyException.class,
                                () -> engine(store, Duration.ZERO).acquire("s", "t", Mode.READ))
                        .retryAfter());
        store.leaseEnd = Duration.ofSeconds(25);
        store.script = List.of(BusyReason.SESSION_BUSY);
        store.attempts = 0;
        assertEquals(
                Duration.ofSeconds(2),
                assertThrows(
                                BusyException.class,
                                () -> engine(store, Duration.ZERO).acquire("s", "t", Mode.READ))
                        .retryAfter());
    }

    @Test
    void anUnreachableStoreFailsTheAcquireAndNeverTheRelease() throws InterruptedException {
        ScriptedStore store = new ScriptedStore(List.of(), Duration.ZERO);
        CountDownLatch retried = new CountDownLatch(1);
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        TurnstileListener listener = new TurnstileListener() {
            @Override
            public void released(String sessionHash, Mode mode, Duration held, boolean wasHeld) {
                events.add("released " + wasHeld);
            }

            @Override
            public void cleanedUp(String sessionHash, Mode mode, String operation, CleanupOutcome outcome) {
                events.add(operation + " " + outcome);
                retried.countDown();
            }
        };
        LockEngine engine = engine(store, Duration.ofSeconds(1), listener);
        var permit = engine.acquire("s", "t", Mode.WRITE);
        store.down = true;
        assertThrows(BackendUnavailableException.class, () -> engine.acquire("s2", "t", Mode.READ));
        permit.close(); // must not throw
        assertEquals(0, engine.heldPlaces());
        assertEquals(List.of(), events, "nothing is released while the store is down");
        store.down = false; // the failed release is retried in the background until acknowledged
        assertTrue(retried.await(30, TimeUnit.SECONDS), "the failed release was never retried");
        assertEquals(List.of("released true", "release REMOVED"), events);
        assertEquals(0, engine.pendingCleanups());
    }

    @Test
    void invalidTurnIdsAreRejectedBeforeAnyStoreCall() {
        ScriptedStore store = new ScriptedStore(List.of(), Duration.ZERO);
        LockEngine engine = engine(store, Duration.ZERO);
        for (String bad : List.of("", "a b", "tab\t", "é", "x".repeat(129), "line\nbreak")) {
            assertThrows(InvalidTurnIdException.class, () -> engine.acquire("s", bad, Mode.READ), bad);
        }
        engine.acquire("s", "x".repeat(128), Mode.READ).close();
        assertEquals(1, store.attempts);
    }

    @Test
    void theFuzzCheckerCatchesAnEngineThatGrantsEverything() throws Exception {
        LockEngine grantAll = new LockEngine(
                TurnstileConfig.defaults(),
                new ScriptedStore(List.of(), Duration.ZERO),
                new TurnstileListener() {},
                null,
                System::nanoTime);
        engines.add(grantAll);
        FuzzWorkload.Outcome outcome = FuzzWorkload.run(List.of(grantAll), 8, 150);
        assertFalse(
                outcome.history().violations().isEmpty(), "the overlap checker must detect an engine without locking");
    }

    @Test
    void aPermitReleasesOnceHoweverOftenItIsClosed() {
        ScriptedStore store = new ScriptedStore(List.of(), Duration.ZERO);
        var permit = engine(store, Duration.ZERO).acquire("s", "t", Mode.READ);
        permit.close();
        permit.close();
        assertEquals(1, store.releases);
        assertTrue(permit.fence().isEmpty());
    }

    /**
     * Denies with the scripted reasons, advancing the controlled clock per attempt, then grants
     * everything. Its watch never blocks.
     */
    private final class ScriptedStore implements LockStore {
        List<BusyReason> script;
        final Duration perAttempt;
        Duration leaseEnd = Duration.ofSeconds(30);
        Duration lastMark;
        int attempts;
        int withdrawals;
        int watches;
        volatile int releases;
        volatile int abandons;
        volatile boolean down;

        ScriptedStore(List<BusyReason> script, Duration perAttempt) {
            this.script = script;
            this.perAttempt = perAttempt;
        }

        @Override
        public Grant tryAcquire(Place place, Duration lease, Duration waitingMark, Duration turnGrace, String arrival) {
            if (down) {
                throw new BackendUnavailableException("acquire", new RuntimeException("connection refused"), false);
            }
            lastMark = waitingMark;
            clock.addAndGet(perAttempt.toNanos());
            int n = attempts++;
            return n < script.size() ? new Grant.Denied(script.get(n), leaseEnd) : new Grant.Granted(1);
        }

        @Override
        public boolean release(Place place) {
            releases++;
            if (down) {
                throw new BackendUnavailableException("release", new RuntimeException("connection refused"), false);
            }
            return true;
        }

        @Override
        public Renewal renew(Collection<Place> places, Duration lease) {
            return new Renewal(Set.of(), Set.of());
        }

        @Override
        public boolean abandon(Place place, Duration tombstone) {
            abandons++;
            return false;
        }

        @Override
        public void withdraw(Place place, String arrival) {
            withdrawals++;
        }

        @Override
        public Watch watch(Place place, Runnable onWake) {
            watches++;
            onWake.run(); // always woken: the waiter never sleeps on this store
            return new Watch() {
                @Override
                public java.util.concurrent.CompletableFuture<Void> subscribed() {
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                }

                @Override
                public void attempted(Grant grant) {
                    onWake.run();
                }

                @Override
                public void passOn() {}

                @Override
                public void close() {}
            };
        }

        @Override
        public String describe() {
            return "scripted";
        }

        @Override
        public void close() {}
    }
}
