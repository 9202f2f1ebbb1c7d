package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.TurnstileConfig;
import dev.turnstile.TurnstileListener;
import dev.turnstile.spi.Grant;
import dev.turnstile.spi.LockStore;
import dev.turnstile.spi.Place;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Who a release wakes, on Redis (one store, and so one wake-up board, per engine: engines act as
 * processes): the waiters that can get in are reached without their re-check (60 s here, far
 * beyond each test's wait), and a call whose caller ended its stage leaves the line.
 */
class WakeUpPolicyIT {

    private static final Duration RECHECK = Duration.ofSeconds(60);
    private static final long WAIT_SECONDS = 20;

    private final String prefix = "wake-it-" + UUID.randomUUID().toString().substring(0, 8);
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

    private LockEngine engine(LockStore store, TurnstileListener listener) {
        TurnstileConfig config = new TurnstileConfig(
                prefix,
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                RECHECK,
                RedisTestServers.FENCE_RETENTION,
                TurnstileConfig.DEFAULT_MAX_HOLD,
                TurnstileConfig.TURN_GRACE_OFF);
        LockEngine engine = new LockEngine(config, store, listener, null, System::nanoTime);
        cleanup.push(engine);
        return engine;
    }

    private LockEngine engine(TurnstileListener listener) {
        return engine(RedisTestServers.standaloneStore(prefix), listener);
    }

    /**
     * A store that counts the denied attempts of waiting calls: once each has been denied twice
     * (before it watched, and once its subscription was in place), it sleeps until woken.
     */
    private static final class Counting extends ForwardingLockStore {
        private final java.util.concurrent.Semaphore denials;

        Counting(LockStore delegate, java.util.concurrent.Semaphore denials) {
            super(delegate);
            this.denials = denials;
        }

        @Override
        public Grant tryAcquire(Place place, Duration lease, Duration mark, Duration grace, String arrival) {
            Grant grant = super.tryAcquire(place, lease, mark, grace, arrival);
            if (grant instanceof Grant.Denied && !mark.isZero()) {
                denials.release();
            }
            return grant;
        }
    }

    private Counting counting(java.util.concurrent.Semaphore denials) {
        return new Counting(RedisTestServers.standaloneStore(prefix), denials);
    }

    @Test
    void aGrantedReadWakesTheReadersOfItsTurnNotTheNextInLine() throws Exception {
        String s = "session-" + UUID.randomUUID();
        java.util.concurrent.Semaphore denials = new java.util.concurrent.Semaphore(0);
        LockEngine holder = engine(new TurnstileListener() {});
        LockEngine process = engine(counting(denials), new TurnstileListener() {});
        Permit h = holder.acquire(s, "H", Mode.WRITE, Duration.ZERO);
        CompletableFuture<Permit> c1 = process.acquireAsync(s, "C", Mode.READ).toCompletableFuture();
        CompletableFuture<Permit> d1 = process.acquireAsync(s, "D", Mode.READ).toCompletableFuture();
        assertTrue(denials.tryAcquire(4, WAIT_SECONDS, TimeUnit.SECONDS)); // C1 and D1 are asleep
        Future<Permit> c2 = threads.submit(() -> process.acquire(s, "C", Mode.READ)); // blocking, behind D1
        assertTrue(denials.tryAcquire(2, WAIT_SECONDS, TimeUnit.SECONDS)); // and so is C2

        h.close();
        Permit first = c1.get(WAIT_SECONDS, TimeUnit.SECONDS);
        Permit second = c2.get(WAIT_SECONDS, TimeUnit.SECONDS); // woken by C1's grant, not by its re-check
        assertFalse(d1.isDone(), "turn D waits for turn C");
        first.close();
        second.close();
        d1.get(WAIT_SECONDS, TimeUnit.SECONDS).close();
    }

    @Test
    void aDenialThatNamesTheHoldingTurnWakesAReaderOfItInTheSameProcess() throws Exception {
        // process 2's longest waiter (turn D) looks after turn C got the session in process 1:
        // it is denied, and must wake process 2's reader of turn C, which can join
        String s = "session-" + UUID.randomUUID();
        java.util.concurrent.Semaphore denials = new java.util.concurrent.Semaphore(0);
        CountDownLatch cGranted = new CountDownLatch(1);
        AtomicBoolean gate = new AtomicBoolean();
        String d = Hashing.turnHash("D");
        LockStore gated = new ForwardingLockStore(counting(denials)) {
            @Override
            public Grant tryAcquire(Place place, Duration lease, Duration mark, Duration grace, String arrival) {
                if (gate.get() && place.turnHash().equals(d)) {
                    try {
                        cGranted.await(WAIT_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.tryAcquire(place, lease, mark, grace, arrival);
            }
        };
        LockEngine holder = engine(new TurnstileListener() {});
        LockEngine p1 = engine(counting(denials), new TurnstileListener() {});
        LockEngine p2 = engine(gated, new TurnstileListener() {});
        Permit h = holder.acquire(s, "H", Mode.WRITE, Duration.ZERO);
        CompletableFuture<Permit> c1 = p1.acquireAsync(s, "C", Mode.READ).toCompletableFuture();
        CompletableFuture<Permit> d1 = p2.acquireAsync(s, "D", Mode.READ).toCompletableFuture();
        CompletableFuture<Permit> c2 = p2.acquireAsync(s, "C", Mode.READ).toCompletableFuture();
        assertTrue(denials.tryAcquire(6, WAIT_SECONDS, TimeUnit.SECONDS)); // all three are asleep
        gate.set(true);

        h.close();
        Permit first = c1.get(WAIT_SECONDS, TimeUnit.SECONDS);
        cGranted.countDown();
        Permit second = c2.get(WAIT_SECONDS, TimeUnit.SECONDS);
        gate.set(false);
        first.close();
        second.close();
        d1.get(WAIT_SECONDS, TimeUnit.SECONDS).close();
    }

    @Test
    void aStageEndedByItsCallerWithdrawsTheCall() throws Exception {
        String s = "session-" + UUID.randomUUID();
        LockEngine holder = engine(new TurnstileListener() {});
        LockEngine process = engine(new TurnstileListener() {});
        try (Permit h = holder.acquire(s, "H", Mode.WRITE, Duration.ZERO)) {
            CompletableFuture<Permit> call = process.acquireAsync(s, "W", Mode.WRITE)
                    .toCompletableFuture()
                    .orTimeout(100, TimeUnit.MILLISECONDS); // the caller gives up on its own
            ExecutionException e =
                    assertThrows(ExecutionException.class, () -> call.get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof TimeoutException, e.getCause().toString());
            awaitNoWaitingCall(process);
            assertTrue(h.held());
        }
        // no mark of the call that gave up holds the free session for another turn
        holder.acquire(s, "X", Mode.WRITE, Duration.ZERO).close();
    }

    private static void awaitNoWaitingCall(LockEngine engine) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (engine.waitingCalls() > 0 || engine.pendingCleanups() > 0) {
            assertTrue(System.nanoTime() < end, "the call that gave up is still waiting");
            Thread.sleep(5);
        }
        assertEquals(0, engine.waitingCalls());
    }
}
