package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.BusyException;
import dev.turnstile.BusyReason;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.TurnstileConfig;
import dev.turnstile.TurnstileListener;
import dev.turnstile.spi.Grant;
import dev.turnstile.spi.LockStore;
import dev.turnstile.spi.Place;
import dev.turnstile.spi.Watch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour contract of every lock store, run against the in-process store, Redis standalone
 * and Redis Cluster. Engines made by {@link #engine} act as separate processes sharing one store
 * backend. No test asserts on elapsed time; waits are arranged with listener events and latches.
 */
abstract class LockStoreContract {

    protected final String prefix =
            "tc" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    /** A store on the shared backend, as a new process would open it. */
    protected abstract LockStore newStore();

    /** What the backend still holds for this test: lock keys (not the fence counters) or sessions. */
    protected abstract List<String> lockState();

    /** Asserts that every key the backend holds for this test will expire. */
    protected abstract void assertEverythingExpires();

    @AfterEach
    void closeAll() throws Exception {
        threads.shutdownNow();
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    protected LockEngine engine(TurnstileConfig config, TurnstileListener listener, ScheduledExecutorService executor) {
        LockEngine engine = new LockEngine(config, newStore(), listener, executor, System::nanoTime);
        closeables.add(engine);
        return engine;
    }

    /** An engine on the given store (a wrapper of {@link #newStore()}), closed after the test. */
    protected LockEngine engine(TurnstileConfig config, LockStore store, TurnstileListener listener) {
        LockEngine engine = new LockEngine(config, store, listener, null, System::nanoTime);
        closeables.add(engine);
        return engine;
    }

    protected LockEngine engine(TurnstileListener listener) {
        return engine(config(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(2)), listener, null);
    }

    protected LockEngine engine() {
        return engine(new TurnstileListener() {});
    }

    protected TurnstileConfig config(Duration lease, Duration acquireTimeout, Duration recheck) {
        return new TurnstileConfig(
                prefix,
                lease,
                acquireTimeout,
                recheck,
                RedisTestServers.FENCE_RETENTION,
                TurnstileConfig.DEFAULT_MAX_HOLD,
                TurnstileConfig.DEFAULT_TURN_GRACE);
    }

    protected static String session() {
        return "session-" + Hashing.randomToken();
    }

    protected <T> Future<T> inThread(java.util.concurrent.Callable<T> task) {
        return threads.submit(task);
    }

    @Test
    void differentSessionsNeverWaitForEachOther() {
        LockEngine a = engine();
        LockEngine b = engine();
        try (Permit w1 = a.acquire(session(), "t1", Mode.WRITE, Duration.ZERO);
                Permit w2 = b.acquire(session(), "t1", Mode.WRITE, Duration.ZERO)) {
            assertEquals(Mode.WRITE, w1.mode());
            assertEquals(Mode.WRITE, w2.mode());
        }
    }

    @Test
    void readsOfOneTurnRunTogether() {
        String s = session();
        LockEngine a = engine();
        LockEngine b = engine();
        try (Permit r1 = a.acquire(s, "t1", Mode.READ, Duration.ZERO);
                Permit r2 = b.acquire(s, "t1", Mode.READ, Duration.ZERO);
                Permit r3 = a.acquire(s, "t1", Mode.READ, Duration.ZERO)) {
            assertTrue(
                    r1.fence().isEmpty() && r2.fence().isEmpty() && r3.fence().isEmpty());
        }
    }

    @Test
    void aWriteNeverOverlapsAnythingOfItsTurn() {
        String s = session();
        LockEngine a = engine();
        LockEngine b = engine();
        try (Permit read = a.acquire(s, "t1", Mode.READ, Duration.ZERO)) {
            BusyException e = assertThrows(BusyException.class, () -> b.acquire(s, "t1", Mode.WRITE, Duration.ZERO));
            assertEquals(BusyReason.TURN_BUSY, e.reason());
        }
        try (Permit write = a.acquire(s, "t1", Mode.WRITE, Duration.ZERO)) {
            assertEquals(
                    BusyReason.TURN_BUSY,
                    assertThrows(BusyException.class, () -> b.acquire(s, "t1", Mode.READ, Duration.ZERO))
                            .reason());
            assertEquals(
                    BusyReason.TURN_BUSY,
                    assertThrows(BusyException.class, () -> b.acquire(s, "t1", Mode.WRITE, Duration.ZERO))
                            .reason());
        }
        b.acquire(s, "t1", Mode.WRITE, Duration.ZERO).close();
    }

    @Test
    void twoTurnsOfOneSessionNeverOverlap() {
        String s = session();
        LockEngine a = engine();
        LockEngine b = engine();
        Permit t1 = a.acquire(s, "t1", Mode.READ, Duration.ZERO);
        BusyException e = assertThrows(BusyException.class, () -> b.acquire(s, "t2", Mode.READ, Duration.ZERO));
        assertEquals(BusyReason.SESSION_BUSY, e.reason());
        assertTrue(e.retryAfter().toMillis() >= 1);
        t1.close();
        b.acquire(s, "t2", Mode.READ, Duration.ZERO).close();
    }

    @Test
    void aCallWithoutTurnIdIsATurnOfItsOwn() {
        String s = session();
        LockEngine a = engine();
        try (Permit first = a.acquire(s, null, Mode.READ, Duration.ZERO)) {
            assertEquals(
                    BusyReason.SESSION_BUSY,
                    assertThrows(BusyException.class, () -> a.acquire(s, null, Mode.READ, Duration.ZERO))
                            .reason());
        }
    }

    @Test
    void aWaitingWriterQueuesNewReadersBehindIt() throws Exception {
        String s = session();
        RecordingListener writerEvents = new RecordingListener();
        LockEngine readers = engine();
        LockEngine writers = engine(writerEvents);
        Permit r1 = readers.acquire(s, "t1", Mode.READ, Duration.ZERO);
        Future<Permit> writer = inThread(() -> writers.acquire(s, "t1", Mode.WRITE));
        writerEvents.awaitWaited();

        BusyException e = assertThrows(BusyException.class, () -> readers.acquire(s, "t1", Mode.READ, Duration.ZERO));
        assertEquals(BusyReason.TURN_BUSY, e.reason());

        r1.close();
        Permit w = writer.get(30, TimeUnit.SECONDS);
        assertEquals(
                BusyReason.TURN_BUSY,
                assertThrows(BusyException.class, () -> readers.acquire(s, "t1", Mode.READ, Duration.ZERO))
                        .reason());
        w.close();
        readers.acquire(s, "t1", Mode.READ, Duration.ZERO).close();
    }

    @Test
    void aWriterThatGivesUpNoLongerHoldsReadersBack() {
        String s = session();
        LockEngine a = engine();
        try (Permit r1 = a.acquire(s, "t1", Mode.READ, Duration.ZERO)) {
            assertThrows(BusyException.class, () -> a.acquire(s, "t1", Mode.WRITE, Duration.ofMillis(50)));
            a.acquire(s, "t1", Mode.READ, Duration.ZERO).close();
        }
    }

    @Test
    void aCallHeldBackByAWaiterThatMayHaveDiedLooksAgainWhenItsMarkEnds() {
        // the reads held hold nobody back for long: the waiting call's mark does, until it ends
        Duration lease = Duration.ofSeconds(30);
        Duration mark = Duration.ofSeconds(3);
        Duration grace = Duration.ZERO;
        LockStore store = newStore();
        closeables.add(store);
        String s = Hashing.sessionHash(session());
        String a = Hashing.turnHash("A");
        assertTrue(
                store.tryAcquire(
                                new Place(s, a, Mode.READ, Hashing.randomToken()),
                                lease,
                                Duration.ZERO,
                                TurnstileConfig.TURN_GRACE_OFF,
                                "")
                        instanceof Grant.Granted);
        store.tryAcquire(
                new Place(s, a, Mode.WRITE, Hashing.randomToken()), lease, mark, TurnstileConfig.TURN_GRACE_OFF, "");
        Grant.Denied behindWriter = (Grant.Denied) store.tryAcquire(
                new Place(s, a, Mode.READ, Hashing.randomToken()), lease, mark, TurnstileConfig.TURN_GRACE_OFF, "");
        assertEquals(BusyReason.TURN_BUSY, behindWriter.reason());
        assertTrue(behindWriter.earliestLeaseEnd().compareTo(mark) <= 0, behindWriter.toString());

        String other = Hashing.sessionHash(session());
        store.tryAcquire(new Place(other, a, Mode.READ, Hashing.randomToken()), lease, Duration.ZERO, grace, "");
        store.tryAcquire(
                new Place(other, Hashing.turnHash("B"), Mode.READ, Hashing.randomToken()), lease, mark, grace, "");
        Grant.Denied owed = (Grant.Denied) store.tryAcquire(
                new Place(other, a, Mode.READ, Hashing.randomToken()),
                lease,
                mark,
                grace,
                ""); // rule 4: turn B waited past the grace
        assertEquals(BusyReason.SESSION_BUSY, owed.reason());
        assertTrue(owed.earliestLeaseEnd().compareTo(mark) <= 0, owed.toString());
    }

    @Test
    void aReleaseWakesAWaiterLongBeforeItsRecheckWouldFire() throws Exception {
        String s = session();
        RecordingListener waiterEvents = new RecordingListener();
        // Without a wake-up the waiter would next look after 60 s (re-check) or 30 s (the holder's
        // lease), both beyond its 20 s deadline: only the wake-up can let it in.
        TurnstileConfig slow = config(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(60));
        LockEngine holder = engine(slow, new TurnstileListener() {}, null);
        LockEngine waiter = engine(slow, waiterEvents, null);
        Permit held = holder.acquire(s, "t1", Mode.WRITE, Duration.ZERO);
        Future<Permit> next = inThread(() -> waiter.acquire(s, "t2", Mode.WRITE));
        waiterEvents.awaitWaited();
        held.close();
        Permit p = next.get(30, TimeUnit.SECONDS);
        assertTrue(p.fence().getAsLong() > held.fence().getAsLong());
        p.close();
    }

    @Test
    void aLostWakeUpIsRecoveredByTheRecheck() throws Exception {
        String s = session();
        RecordingListener waiterEvents = new RecordingListener();
        TurnstileConfig quick = config(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofMillis(200));
        LockEngine holder = engine(quick, new TurnstileListener() {}, null);
        LockStore deaf = new DeafStore(newStore());
        LockEngine waiter = new LockEngine(quick, deaf, waiterEvents, null, System::nanoTime);
        closeables.add(waiter);
        Permit held = holder.acquire(s, "t1", Mode.WRITE, Duration.ZERO);
        Future<Permit> next = inThread(() -> waiter.acquire(s, "t2", Mode.READ));
        waiterEvents.awaitWaited();
        held.close();
        next.get(30, TimeUnit.SECONDS).close();
    }

    @Test
    void aHolderThatStopsRenewingFreesItsSessionWithinOneLease() throws Exception {
        String s = session();
        ScheduledExecutorService crashable = new ScheduledThreadPoolExecutor(1);
        TurnstileConfig shortLease = config(Duration.ofMillis(900), Duration.ofSeconds(20), Duration.ofSeconds(2));
        LockEngine crashing = engine(shortLease, new TurnstileListener() {}, crashable);
        LockEngine survivor = engine(shortLease, new TurnstileListener() {}, null);
        Permit abandoned = crashing.acquire(s, "t1", Mode.WRITE, Duration.ZERO);
        // renewals of the first engine run while it lives: the survivor cannot get in
        crashing.renewNow();
        assertThrows(BusyException.class, () -> survivor.acquire(s, "t2", Mode.WRITE, Duration.ZERO));
        crashable.shutdownNow(); // the "crash": no more renewals, no release

        try (Permit next = survivor.acquire(s, "t2", Mode.WRITE)) {
            assertTrue(next.fence().getAsLong() > abandoned.fence().getAsLong());
        }
        assertEquals(List.of(), lockState());
    }

    @Test
    void aLostLeaseIsReportedAndItsLateReleaseChangesNothing() throws Exception {
        String s = session();
        RecordingListener events = new RecordingListener();
        ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1);
        closeables.add(watchdog::shutdownNow);
        CountDownLatch resume = new CountDownLatch(1);
        watchdog.execute(() -> awaitQuietly(resume)); // the only watchdog thread stalls
        TurnstileConfig shortLease = config(Duration.ofMillis(900), Duration.ofSeconds(20), Duration.ofSeconds(2));
        LockEngine stalled = engine(shortLease, events, watchdog);
        LockEngine other = engine(shortLease, new TurnstileListener() {}, null);

        Permit stale = stalled.acquire(s, "t1", Mode.WRITE, Duration.ZERO);
        Permit fresh = other.acquire(s, "t2", Mode.WRITE); // gets in once the stale lease ran out
        assertTrue(fresh.fence().getAsLong() > stale.fence().getAsLong());

        resume.countDown(); // the watchdog runs again and finds the place gone
        events.awaitLeaseLost();
        assertTrue(stale.leaseLost());
        stale.close();
        events.awaitReleased();
        assertTrue(events.events.contains("released write not-held"), events.events.toString());
        // the late release changed nothing: the new holder still holds the session
        assertThrows(BusyException.class, () -> stalled.acquire(s, "t3", Mode.READ, Duration.ZERO));
        assertFalse(fresh.leaseLost());
        fresh.close();
    }

    @Test
    void aReleaseWithAWrongTokenChangesNothing() {
        String s = session();
        LockEngine a = engine();
        LockStore store = newStore();
        closeables.add(store);
        try (Permit held = a.acquire(s, "t1", Mode.WRITE, Duration.ZERO)) {
            Place forged = new Place(Hashing.sessionHash(s), Hashing.turnHash("t1"), Mode.WRITE, Hashing.randomToken());
            assertFalse(store.release(forged));
            assertEquals(
                    BusyReason.TURN_BUSY,
                    assertThrows(BusyException.class, () -> a.acquire(s, "t1", Mode.READ, Duration.ZERO))
                            .reason());
            assertFalse(held.leaseLost());
        }
    }

    @Test
    void theSameAcquireRunTwiceIsGrantedTwiceAndHoldsOnePlace() {
        // a client may send a command again after its connection broke (Redis Cluster clients do)
        String s = session();
        LockStore store = newStore();
        closeables.add(store);
        Place writer = new Place(Hashing.sessionHash(s), Hashing.turnHash("t1"), Mode.WRITE, Hashing.randomToken());
        Grant first = store.tryAcquire(writer, Duration.ofSeconds(30), Duration.ofSeconds(6));
        Grant again = store.tryAcquire(writer, Duration.ofSeconds(30), Duration.ofSeconds(6));
        assertTrue(first instanceof Grant.Granted, first.toString());
        assertEquals(first, again, "granted again, with its own fencing token");
        assertThrows(BusyException.class, () -> engine().acquire(s, "t2", Mode.READ, Duration.ZERO));
        assertTrue(store.release(writer));
        assertFalse(store.release(writer), "one place, released once");
        engine().acquire(s, "t2", Mode.WRITE, Duration.ZERO).close();
        assertEquals(List.of(), lockState());
    }

    @Test
    void anAbandonedTokenIsRefusedByALaterAcquireOfIt() {
        // the clean-up of an acquire whose answer never came ran before the delayed acquire itself
        String s = session();
        LockStore store = newStore();
        closeables.add(store);
        Place late = new Place(Hashing.sessionHash(s), Hashing.turnHash("t1"), Mode.WRITE, Hashing.randomToken());
        assertFalse(store.abandon(late, Duration.ofMinutes(1)), "nothing was there to remove");
        assertEquals(new Grant.Abandoned(), store.tryAcquire(late, Duration.ofSeconds(30), Duration.ofSeconds(6)));
        assertEquals(List.of(), lockState(), "the delayed acquire must take nothing, not even a waiting mark");
        engine().acquire(s, "t2", Mode.WRITE, Duration.ZERO).close();
        assertEverythingExpires();
    }

    @Test
    void abandoningAGrantedTokenFreesItsSessionAndWakesTheWaiters() throws Exception {
        // the delayed acquire ran first and was granted; its caller had given up long before
        String s = session();
        LockStore store = newStore();
        closeables.add(store);
        Place late = new Place(Hashing.sessionHash(s), Hashing.turnHash("t1"), Mode.WRITE, Hashing.randomToken());
        assertTrue(store.tryAcquire(late, Duration.ofSeconds(30), Duration.ZERO) instanceof Grant.Granted);
        CountDownLatch waiting = new CountDownLatch(1);
        LockEngine waiter = engine(
                config(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(20)),
                new TurnstileListener() {
                    @Override
                    public void waited(String sessionHash, Mode mode, BusyReason reason) {
                        waiting.countDown();
                    }
                },
                null);
        Future<Permit> next = inThread(() -> waiter.acquire(s, "t2", Mode.WRITE));
        assertTrue(waiting.await(20, TimeUnit.SECONDS), "the second turn never waited");
        assertTrue(store.abandon(late, Duration.ofMinutes(1)));
        next.get(20, TimeUnit.SECONDS).close(); // woken by the clean-up, not by its 20 s re-check
        assertEquals(new Grant.Abandoned(), store.tryAcquire(late, Duration.ofSeconds(30), Duration.ZERO));
        assertEquals(List.of(), lockState());
        assertEverythingExpires();
    }

    @Test
    void abandoningAWaitingWriterLetsTheReadersItHeldBackIn() {
        String s = session();
        LockEngine a = engine();
        LockStore store = newStore();
        closeables.add(store);
        try (Permit reading = a.acquire(s, "t1", Mode.READ, Duration.ZERO)) {
            Place writer = new Place(Hashing.sessionHash(s), Hashing.turnHash("t1"), Mode.WRITE, Hashing.randomToken());
            assertTrue(store.tryAcquire(writer, Duration.ofSeconds(30), Duration.ofMinutes(1)) instanceof Grant.Denied);
            assertThrows(
                    BusyException.class,
                    () -> a.acquire(s, "t1", Mode.READ, Duration.ZERO),
                    "a reader queues behind the waiting writer");
            assertTrue(store.abandon(writer, Duration.ofMinutes(1)), "the mark was removed");
            a.acquire(s, "t1", Mode.READ, Duration.ZERO).close();
            assertTrue(reading.held());
        }
        assertEquals(List.of(), lockState());
    }

    @Test
    void fencingTokensOnlyGrowAlsoAfterTheSessionSatIdle() {
        String s = session();
        LockEngine a = engine();
        long previous = 0;
        for (int i = 0; i < 5; i++) {
            try (Permit w = a.acquire(s, "t" + i, Mode.WRITE, Duration.ZERO)) {
                long fence = w.fence().getAsLong();
                assertTrue(fence > previous, "fence " + fence + " after " + previous);
                previous = fence;
            }
            assertEquals(List.of(), lockState(), "lock state left while idle");
        }
    }

    @Test
    void noLockStateRemainsOnceAllPermitsEnd() throws Exception {
        String s1 = session();
        String s2 = session();
        LockEngine a = engine();
        LockEngine b = engine();
        Permit r1 = a.acquire(s1, "t1", Mode.READ, Duration.ZERO);
        Permit r2 = b.acquire(s1, "t1", Mode.READ, Duration.ZERO);
        Permit w = b.acquire(s2, null, Mode.WRITE, Duration.ZERO);
        assertThrows(BusyException.class, () -> a.acquire(s1, "t1", Mode.WRITE, Duration.ofMillis(30)));
        assertFalse(lockState().isEmpty());
        assertEverythingExpires();
        r1.close();
        r2.close();
        w.close();
        assertEquals(List.of(), lockState());
        assertEverythingExpires();
    }

    @Test
    void aThrowingListenerNeverBlocksARelease() {
        String s = session();
        TurnstileListener hostile = new TurnstileListener() {
            @Override
            public void acquired(String sessionHash, Mode mode, Duration waited) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void released(String sessionHash, Mode mode, Duration held, boolean wasHeld) {
                throw new IllegalStateException("listener bug");
            }
        };
        LockEngine a = engine(hostile);
        a.acquire(s, "t1", Mode.WRITE, Duration.ZERO).close();
        a.acquire(s, "t2", Mode.WRITE, Duration.ZERO).close();
        assertEquals(List.of(), lockState());
    }

    @Test
    void concurrentRandomCallsNeverBreakTheRules() throws Exception {
        FuzzWorkload.Outcome outcome = FuzzWorkload.run(List.of(engine(), engine()), 8, 150);
        assertEquals(List.of(), outcome.history().violations());
        assertEquals(outcome.calls() - outcome.busy(), outcome.history().size());
        assertTrue(
                outcome.history().size() > outcome.calls() / 2,
                "too few calls got in: " + outcome.history().size());
        assertTrue(outcome.history().overlappingReads() > 0, "reads of one turn never ran together");
        assertEquals(List.of(), lockState());
        System.out.println(getClass().getSimpleName() + " fuzz: " + outcome.waits()); // reported, not asserted
    }

    @Test
    void manyWaitersOfOneSharedTurnAreAllWokenWithoutTheRecheck() throws Exception {
        // One session, one turn, readers and a few writers from several threads of two engines.
        // Waiting writers turn new readers away, so every waiter depends on wake-ups: with a 60 s
        // re-check and a 20 s deadline, a single lost wake-up ends in a BusyException.
        TurnstileConfig noRecheck = config(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(60));
        List<LockEngine> engines = List.of(
                engine(noRecheck, new TurnstileListener() {}, null),
                engine(noRecheck, new TurnstileListener() {}, null));
        String s = session();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            LockEngine engine = engines.get(t % 2);
            workers.add(inThread(() -> {
                start.await();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 60; i++) {
                    Mode mode = random.nextInt(10) == 0 ? Mode.WRITE : Mode.READ;
                    try (Permit p = engine.acquire(s, "shared", mode)) {
                        java.util.concurrent.locks.LockSupport.parkNanos(random.nextLong(50_000, 300_000));
                    }
                }
                return 60;
            }));
        }
        start.countDown();
        for (Future<Integer> w : workers) {
            assertEquals(60, w.get(2, TimeUnit.MINUTES));
        }
        assertEquals(List.of(), lockState());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A store whose wake-ups never arrive: only the bounded re-check can bring a waiter in. */
    static final class DeafStore extends ForwardingLockStore {

        DeafStore(LockStore delegate) {
            super(delegate);
        }

        @Override
        public Watch watch(Place place, Runnable onWake) {
            return new Watch() { // subscribed at once, and never woken
                @Override
                public java.util.concurrent.CompletableFuture<Void> subscribed() {
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                }

                @Override
                public void attempted(Grant grant) {}

                @Override
                public void passOn() {}

                @Override
                public void close() {}
            };
        }
    }
}
