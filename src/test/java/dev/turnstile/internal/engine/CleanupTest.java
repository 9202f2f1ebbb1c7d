package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.CleanupOutcome;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.TurnstileConfig;
import dev.turnstile.TurnstileListener;
import dev.turnstile.spi.Grant;
import dev.turnstile.spi.LockStore;
import dev.turnstile.spi.Place;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The background clean-up's scheduling, on the in-process store behind a store that fails on
 * purpose: one clean-up that keeps failing (its Redis node is down) must not hold up the others.
 */
class CleanupTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private LockEngine engine;

    @AfterEach
    void close() {
        threads.shutdownNow();
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void aCleanUpThatKeepsFailingDoesNotHoldUpTheOthers() throws Exception {
        String down = "session-on-a-dead-node";
        String up = "session-on-a-healthy-node";
        AtomicInteger releaseFailures = new AtomicInteger(1);
        LockStore store = new ForwardingLockStore(new InProcessLockStore()) {
            @Override
            public Grant tryAcquire(
                    Place place, Duration lease, Duration waitingMark, Duration turnGrace, String arrival) {
                if (place.sessionHash().equals(Hashing.sessionHash(down))) {
                    throw new BackendUnavailableException("acquire", new RuntimeException("read timed out"), true);
                }
                return super.tryAcquire(place, lease, waitingMark, turnGrace, arrival);
            }

            @Override
            public boolean abandon(Place place, Duration tombstone) {
                if (place.sessionHash().equals(Hashing.sessionHash(down))) {
                    throw new BackendUnavailableException("abandon", new RuntimeException("connection refused"), false);
                }
                return super.abandon(place, tombstone);
            }

            @Override
            public boolean release(Place place) {
                if (releaseFailures.getAndDecrement() > 0) {
                    throw new BackendUnavailableException("release", new RuntimeException("read timed out"), true);
                }
                return super.release(place);
            }
        };
        List<String> cleanedUp = new CopyOnWriteArrayList<>();
        CountDownLatch released = new CountDownLatch(1);
        CountDownLatch waiting = new CountDownLatch(1);
        TurnstileListener listener = new TurnstileListener() {
            @Override
            public void cleanedUp(String sessionHash, Mode mode, String operation, CleanupOutcome outcome) {
                cleanedUp.add(operation + " " + outcome);
                if (operation.equals("release")) {
                    released.countDown();
                }
            }

            @Override
            public void waited(String sessionHash, Mode mode, dev.turnstile.BusyReason reason) {
                waiting.countDown();
            }
        };
        Duration long_ = Duration.ofMinutes(2); // a lease and a re-check far beyond the test's wait
        engine = new LockEngine(
                new TurnstileConfig(
                        "t",
                        long_,
                        long_,
                        long_,
                        Duration.ofDays(1),
                        TurnstileConfig.DEFAULT_MAX_HOLD,
                        TurnstileConfig.DEFAULT_TURN_GRACE),
                store,
                listener,
                null,
                System::nanoTime);

        assertThrows(BackendUnavailableException.class, () -> engine.acquire(down, "t", Mode.WRITE));
        Permit held = engine.acquire(up, "t1", Mode.WRITE);
        Future<Permit> next = threads.submit(() -> engine.acquire(up, "t2", Mode.WRITE));
        assertTrue(waiting.await(20, TimeUnit.SECONDS));
        held.close(); // fails once; its retry queues behind the clean-up that keeps failing

        assertTrue(released.await(20, TimeUnit.SECONDS), "the failed release was never retried: " + cleanedUp);
        next.get(20, TimeUnit.SECONDS).close();
        assertEquals(List.of("release REMOVED"), cleanedUp);
        assertEquals(1, engine.pendingCleanups(), "the clean-up on the dead node is still tried");
    }
}
