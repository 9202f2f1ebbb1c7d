package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A call waiting asynchronously, with its attempts run inline on the thread that wakes it, so that
 * what runs when is fixed by the test.
 */
class AsyncWaitTest {

    /** Runs every attempt at once on the calling thread; timers still run later on the pool. */
    private static final class Inline extends ScheduledThreadPoolExecutor {
        Inline() {
            super(1);
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }
    }

    @Test
    void aWakeUpThatComesWhileTheCallStartsToWatchIsHarmless() throws Exception {
        // another thread's release can wake the call before the store has returned its watch
        LockStore store = new ForwardingLockStore(new InProcessLockStore()) {
            @Override
            public Watch watch(Place place, Runnable onWake) {
                Watch watch = super.watch(place, onWake);
                onWake.run();
                return watch;
            }
        };
        TurnstileConfig config = TurnstileConfig.defaults();
        Inline threads = new Inline();
        try (LockEngine engine = new LockEngine(config, store, new TurnstileListener() {}, null, System::nanoTime)) {
            Permit holder = engine.acquire("session", "H", Mode.WRITE, Duration.ZERO);
            Place place =
                    new Place(Hashing.sessionHash("session"), Hashing.turnHash("W"), Mode.WRITE, Hashing.randomToken());
            Acquisition a = new Acquisition(place, config.waitingMark(), System.nanoTime(), Duration.ofSeconds(20));

            CompletableFuture<Permit> call = new AsyncWait(
                            engine, a, new Grant.Denied(BusyReason.SESSION_BUSY, Duration.ZERO), threads)
                    .start()
                    .toCompletableFuture();
            assertFalse(call.isDone(), "it waits for the holder");
            holder.close(); // wakes it: the attempt runs inline and gets the place
            assertTrue(call.isDone(), "woken by the release");
            call.get(20, TimeUnit.SECONDS).close();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void anAttemptThatFailsUnexpectedlyEndsTheCallInsteadOfLeavingItWaiting() throws Exception {
        IllegalStateException bug = new IllegalStateException("unexpected");
        InProcessLockStore inner = new InProcessLockStore();
        LockStore store = new ForwardingLockStore(inner) {
            @Override
            public Grant tryAcquire(
                    Place place, Duration lease, Duration waitingMark, Duration turnGrace, String arrival) {
                if (place.turnHash().equals(Hashing.turnHash("W"))) {
                    throw bug;
                }
                return super.tryAcquire(place, lease, waitingMark, turnGrace, arrival);
            }
        };
        TurnstileConfig config = TurnstileConfig.defaults();
        Inline threads = new Inline();
        try (LockEngine engine = new LockEngine(config, store, new TurnstileListener() {}, null, System::nanoTime)) {
            Permit holder = engine.acquire("session", "H", Mode.WRITE, Duration.ZERO);
            Place place =
                    new Place(Hashing.sessionHash("session"), Hashing.turnHash("W"), Mode.WRITE, Hashing.randomToken());
            Acquisition a = new Acquisition(place, config.waitingMark(), System.nanoTime(), Duration.ofSeconds(20));

            CompletableFuture<Permit> call = new AsyncWait(
                            engine, a, new Grant.Denied(BusyReason.SESSION_BUSY, Duration.ZERO), threads)
                    .start()
                    .toCompletableFuture();
            ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(20, TimeUnit.SECONDS));
            assertSame(bug, e.getCause());
            assertEquals(0, engine.waitingCalls());
            holder.close();
        } finally {
            threads.shutdownNow();
        }
    }
}
