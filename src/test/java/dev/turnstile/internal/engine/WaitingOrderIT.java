package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.TurnstileConfig;
import dev.turnstile.TurnstileListener;
import dev.turnstile.spi.Grant;
import dev.turnstile.spi.LockStore;
import dev.turnstile.spi.Place;
import dev.turnstile.spi.Watch;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order of the waiting calls of one turn on Redis: a first attempt that a client sent twice
 * keeps one place, and wake-ups follow the order in which the calls came, not the order in which a
 * process began to watch them.
 */
class WaitingOrderIT {

    private static final Duration RECHECK = Duration.ofSeconds(60);
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration MARK = Duration.ofSeconds(90);
    private static final Duration OFF = TurnstileConfig.TURN_GRACE_OFF;
    private static final long WAIT_SECONDS = 20;

    private final String prefix = "order-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final Deque<AutoCloseable> cleanup = new ArrayDeque<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void closeAll() throws Exception {
        threads.shutdownNow();
        while (!cleanup.isEmpty()) {
            cleanup.pop().close();
        }
        RedisTestServers.deleteStandaloneKeys(prefix);
    }

    private RedisLockStore store() {
        return RedisTestServers.standaloneStore(prefix);
    }

    private static Place place(String session, String turn, Mode mode) {
        return new Place(Hashing.sessionHash(session), Hashing.turnHash(turn), mode, Hashing.randomToken());
    }

    @Test
    void aFirstAttemptSentTwiceLeavesNoMarkWithoutOwner() {
        // a cluster client sends a command again after its connection broke: the script runs twice
        RedisLockStore store = store();
        cleanup.push(store);
        String s = "session-" + UUID.randomUUID();
        Place holder = place(s, "H", Mode.WRITE);
        assertInstanceOf(Grant.Granted.class, store.tryAcquire(holder, LEASE, Duration.ZERO, OFF, ""));
        Place read = place(s, "A", Mode.READ);
        store.tryAcquire(read, LEASE, MARK, OFF, "");
        Grant.Denied again = (Grant.Denied) store.tryAcquire(read, LEASE, MARK, OFF, "");
        store.release(holder);
        assertInstanceOf(Grant.Granted.class, store.tryAcquire(read, LEASE, MARK, OFF, again.arrival()));
        store.release(read);
        // the session is free and nobody waits: a write of turn A gets in at once
        assertInstanceOf(
                Grant.Granted.class, store.tryAcquire(place(s, "A", Mode.WRITE), LEASE, Duration.ZERO, OFF, ""));
    }

    @Test
    void aReaderThatCameBeforeAWaitingWriterJoinsTheReadsOfItsTurn() throws Exception {
        String s = "session-" + UUID.randomUUID();
        String t = Hashing.turnHash("T");
        Semaphore qDenials = new Semaphore(0);
        Semaphore pDenials = new Semaphore(0);
        CountDownLatch writerWatches = new CountDownLatch(1);
        AtomicBoolean gate = new AtomicBoolean();
        CompletableFuture<Permit>[] r0 = new CompletableFuture[1];
        LockStore q = counting(store(), qDenials);
        LockStore p = new ForwardingLockStore(counting(store(), pDenials)) {
            @Override
            public Watch watch(Place place, Runnable onWake) {
                if (place.mode() == Mode.READ) {
                    await(writerWatches); // the reader came first, but begins to watch after the writer
                    return super.watch(place, onWake);
                }
                Watch watch = super.watch(place, onWake);
                writerWatches.countDown();
                return watch;
            }

            @Override
            public Grant tryAcquire(Place place, Duration lease, Duration mark, Duration grace, String arrival) {
                if (gate.get() && place.mode() == Mode.WRITE && place.turnHash().equals(t)) {
                    r0[0].join(); // the writer looks after the other process's reader got in
                }
                return super.tryAcquire(place, lease, mark, grace, arrival);
            }
        };
        LockEngine holder = engine(store());
        LockEngine qEngine = engine(q);
        LockEngine pEngine = engine(p);
        Permit h = holder.acquire(s, "T", Mode.WRITE, Duration.ZERO);
        r0[0] = qEngine.acquireAsync(s, "T", Mode.READ).toCompletableFuture();
        assertTrue(qDenials.tryAcquire(2, WAIT_SECONDS, TimeUnit.SECONDS));
        Future<CompletableFuture<Permit>> r1 =
                threads.submit(() -> pEngine.acquireAsync(s, "T", Mode.READ).toCompletableFuture());
        assertTrue(pDenials.tryAcquire(1, WAIT_SECONDS, TimeUnit.SECONDS)); // R1 has its place in line
        CompletableFuture<Permit> w = pEngine.acquireAsync(s, "T", Mode.WRITE).toCompletableFuture();
        assertTrue(pDenials.tryAcquire(3, WAIT_SECONDS, TimeUnit.SECONDS)); // W and R1 are asleep
        gate.set(true);

        h.close(); // R0 gets in; W (behind R0 and R1) cannot, R1 can join R0
        Permit first = r0[0].get(WAIT_SECONDS, TimeUnit.SECONDS);
        Permit second = r1.get(WAIT_SECONDS, TimeUnit.SECONDS).get(WAIT_SECONDS, TimeUnit.SECONDS);
        gate.set(false);
        first.close();
        second.close();
        w.get(WAIT_SECONDS, TimeUnit.SECONDS).close();
    }

    @Test
    void aReleaseDuringTheAttemptOfTheCallThatCameFirstStillWakesIt() throws Exception {
        // process p has two waiters of turn T: reader R1, then writer W. The release comes while R1's
        // attempt is on its way (sent before the release, answered after it): the wake-up must go to
        // R1, which came first, and make it look again. Given to W, it is lost: W cannot get in (R0 of
        // process q holds a read place by then), and R1 sleeps until its re-check.
        String s = "session-" + UUID.randomUUID();
        String t = Hashing.turnHash("T");
        Semaphore qDenials = new Semaphore(0);
        Semaphore wDenials = new Semaphore(0);
        Semaphore wKnown = new Semaphore(0);
        Semaphore woken = new Semaphore(0);
        CountDownLatch r1InFlight = new CountDownLatch(1);
        AtomicInteger r1Attempts = new AtomicInteger();
        AtomicBoolean gate = new AtomicBoolean();
        CompletableFuture<Permit>[] r0 = new CompletableFuture[1];
        LockStore q = counting(store(), qDenials);
        LockStore p = new ForwardingLockStore(store()) {
            @Override
            public Watch watch(Place place, Runnable onWake) {
                Watch watch = super.watch(place, () -> {
                    onWake.run();
                    woken.release();
                });
                return new Watch() {
                    @Override
                    public CompletableFuture<Void> subscribed() {
                        return watch.subscribed();
                    }

                    @Override
                    public void attempted(Grant grant) {
                        watch.attempted(grant);
                        if (place.mode() == Mode.WRITE && grant instanceof Grant.Denied) {
                            wKnown.release();
                        }
                    }

                    @Override
                    public void passOn() {
                        watch.passOn();
                    }

                    @Override
                    public void close() {
                        watch.close();
                    }
                };
            }

            @Override
            public Grant tryAcquire(Place place, Duration lease, Duration mark, Duration grace, String arrival) {
                if (place.mode() == Mode.WRITE) {
                    if (gate.get()) {
                        r0[0].join(); // W looks after the other process's reader got in
                    }
                    Grant grant = super.tryAcquire(place, lease, mark, grace, arrival);
                    if (grant instanceof Grant.Denied) {
                        wDenials.release();
                    }
                    return grant;
                }
                Grant grant = super.tryAcquire(place, lease, mark, grace, arrival);
                if (r1Attempts.incrementAndGet() == 2) { // its first attempt after it began to watch
                    r1InFlight.countDown();
                    try {
                        woken.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS); // answered after the release's wake-up
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return grant;
            }
        };
        LockEngine holder = engine(store());
        LockEngine qEngine = engine(q);
        LockEngine pEngine = engine(p);
        Permit h = holder.acquire(s, "T", Mode.WRITE, Duration.ZERO);
        r0[0] = qEngine.acquireAsync(s, "T", Mode.READ).toCompletableFuture();
        assertTrue(qDenials.tryAcquire(2, WAIT_SECONDS, TimeUnit.SECONDS));
        CompletableFuture<Permit> r1 = pEngine.acquireAsync(s, "T", Mode.READ).toCompletableFuture();
        assertTrue(r1InFlight.await(WAIT_SECONDS, TimeUnit.SECONDS));
        CompletableFuture<Permit> w = pEngine.acquireAsync(s, "T", Mode.WRITE).toCompletableFuture();
        assertTrue(wDenials.tryAcquire(2, WAIT_SECONDS, TimeUnit.SECONDS)); // W is asleep
        assertTrue(wKnown.tryAcquire(1, WAIT_SECONDS, TimeUnit.SECONDS)); // and its place in line is known
        gate.set(true);

        h.close();
        Permit first = r0[0].get(WAIT_SECONDS, TimeUnit.SECONDS);
        Permit second = r1.get(WAIT_SECONDS, TimeUnit.SECONDS);
        gate.set(false);
        first.close();
        second.close();
        w.get(WAIT_SECONDS, TimeUnit.SECONDS).close();
    }

    private LockEngine engine(LockStore store) {
        TurnstileConfig config = new TurnstileConfig(
                prefix,
                LEASE,
                Duration.ofSeconds(60),
                RECHECK,
                RedisTestServers.FENCE_RETENTION,
                TurnstileConfig.DEFAULT_MAX_HOLD,
                OFF);
        LockEngine engine = new LockEngine(config, store, new TurnstileListener() {}, null, System::nanoTime);
        cleanup.push(engine);
        return engine;
    }

    private static LockStore counting(LockStore store, Semaphore denials) {
        return new ForwardingLockStore(store) {
            @Override
            public Grant tryAcquire(Place place, Duration lease, Duration mark, Duration grace, String arrival) {
                Grant grant = super.tryAcquire(place, lease, mark, grace, arrival);
                if (grant instanceof Grant.Denied && !mark.isZero()) {
                    denials.release();
                }
                return grant;
            }
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
