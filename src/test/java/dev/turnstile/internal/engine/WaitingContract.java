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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The waiting part of the contract, for every store: no turn starves another (rule 4), waiting
 * turns are served first come first served and know their place in line, and calls wait without a
 * thread ({@code acquireAsync}). Events and latches arrange every race; no assertion is on time.
 */
abstract class WaitingContract extends LockStoreContract {

    private static final Duration LONG = Duration.ofSeconds(20);

    private LockEngine engine(Duration timeout, TurnstileListener listener) {
        return engine(config(Duration.ofSeconds(30), timeout, LONG), listener, null);
    }

    private static TurnstileListener onWait(CountDownLatch latch) {
        return new TurnstileListener() {
            @Override
            public void waited(String sessionHash, Mode mode, BusyReason reason) {
                latch.countDown();
            }
        };
    }

    @Test
    void aTurnWhoseReadsKeepOverlappingDoesNotStarveAnother() throws Exception {
        String s = session();
        Semaphore relayStep = new Semaphore(0);
        java.util.concurrent.atomic.AtomicBoolean relayWaits = new java.util.concurrent.atomic.AtomicBoolean();
        LockEngine relay = engine(
                config(Duration.ofSeconds(30), Duration.ofSeconds(60), LONG),
                new TurnstileListener() {
                    @Override
                    public void waited(String sessionHash, Mode mode, BusyReason reason) {
                        relayWaits.set(true); // a relay call has to wait: the other turn is owed the session
                        relayStep.release();
                    }
                },
                null);
        CountDownLatch otherWaits = new CountDownLatch(1);
        LockEngine other = engine(LONG, onWait(otherWaits));

        Permit held = relay.acquire(s, "A", Mode.READ, Duration.ZERO);
        Future<Permit> otherCall = inThread(() -> other.acquire(s, "B", Mode.WRITE));
        assertTrue(otherWaits.await(20, TimeUnit.SECONDS));
        // two reads of turn A in relay: the next one joins before the last one leaves, so turn A
        // never lets go of the session, until turn B has waited past the grace
        Future<Permit> next = null;
        while (!otherCall.isDone()) {
            next = inThread(() -> {
                try {
                    return relay.acquire(s, "A", Mode.READ);
                } finally {
                    relayStep.release();
                }
            });
            relayStep.acquire();
            held.close();
            if (relayWaits.get()) {
                break; // the relay's new read queues behind turn B
            }
            held = next.get();
            next = null;
        }
        try (Permit b = otherCall.get(20, TimeUnit.SECONDS)) { // BusyException here: turn B starved
            assertEquals(Mode.WRITE, b.mode());
            assertFalse(next == null || next.isDone(), "turn A's next call waits behind turn B");
        }
        next.get(20, TimeUnit.SECONDS).close(); // and then turn A goes on
    }

    @Test
    void waitingTurnsAreServedFirstComeFirstServedAndKnowTheirPlaceInLine() throws Exception {
        String s = session();
        CountDownLatch bWaits = new CountDownLatch(1);
        CountDownLatch cWaits = new CountDownLatch(1);
        LockEngine a = engine();
        LockEngine b = engine(LONG, onWait(bWaits));
        LockEngine c = engine(LONG, onWait(cWaits));
        Permit holder = a.acquire(s, "A", Mode.WRITE, Duration.ZERO);
        Future<Permit> first = inThread(() -> b.acquire(s, "B", Mode.WRITE));
        assertTrue(bWaits.await(20, TimeUnit.SECONDS));
        BusyException busy =
                assertThrows(BusyException.class, () -> c.acquire(s, "C", Mode.WRITE, Duration.ofMillis(1)));
        assertEquals(BusyReason.SESSION_BUSY, busy.reason());
        assertEquals(1, busy.queuePosition().orElse(-1), "turn B waits ahead of turn C");
        Future<Permit> second = inThread(() -> c.acquire(s, "C", Mode.WRITE));
        assertTrue(cWaits.await(20, TimeUnit.SECONDS));

        holder.close();
        Permit bHolds = first.get(20, TimeUnit.SECONDS);
        assertFalse(second.isDone(), "turn C came after turn B");
        bHolds.close();
        second.get(20, TimeUnit.SECONDS).close();
        assertEquals(List.of(), lockState());
    }

    @Test
    void turnsThatQueueInQuickSuccessionAreServedInTheOrderTheyCame() throws Exception {
        // many turns queue within the same millisecond: the line keeps their order of arrival
        String s = session();
        LockEngine waiterEngine = engine(LONG, new TurnstileListener() {});
        Permit holder = engine().acquire(s, "holder", Mode.WRITE, Duration.ZERO);
        List<Integer> served = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        int turns = 24;
        for (int i = 0; i < turns; i++) {
            int turn = i;
            calls.add(waiterEngine
                    .acquireAsync(s, "turn-" + i, Mode.WRITE)
                    .toCompletableFuture()
                    .thenAccept(permit -> {
                        served.add(turn);
                        permit.close(); // the next in line goes in
                    }));
        }
        assertTrue(calls.stream().noneMatch(CompletableFuture::isDone), "they wait for the holder");
        holder.close();
        for (CompletableFuture<Void> call : calls) {
            call.get(20, TimeUnit.SECONDS);
        }
        List<Integer> arrival = new ArrayList<>();
        for (int i = 0; i < turns; i++) {
            arrival.add(i);
        }
        assertEquals(arrival, served);
        assertEquals(List.of(), lockState());
    }

    @Test
    void aWriteThatHasNotWaitedGoesBehindTheWaitingCallsOfItsTurn() throws Exception {
        String s = session();
        Semaphore denied = new Semaphore(0);
        AtomicBoolean gate = new AtomicBoolean();
        CountDownLatch newcomerTried = new CountDownLatch(1);
        // the waiter's attempts after the release are held until the newcomer has tried
        LockStore gated = new ForwardingLockStore(newStore()) {
            @Override
            public Grant tryAcquire(
                    Place place, Duration lease, Duration waitingMark, Duration turnGrace, String arrival) {
                if (gate.get()) {
                    try {
                        newcomerTried.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                Grant grant = super.tryAcquire(place, lease, waitingMark, turnGrace, arrival);
                if (grant instanceof Grant.Denied) {
                    denied.release();
                }
                return grant;
            }
        };
        LockEngine waiterEngine = engine(config(Duration.ofSeconds(30), LONG, LONG), gated, new TurnstileListener() {});
        LockEngine other = engine();
        Permit holder = other.acquire(s, "T", Mode.WRITE, Duration.ZERO);
        CompletableFuture<Permit> waiter =
                waiterEngine.acquireAsync(s, "T", Mode.WRITE).toCompletableFuture();
        assertTrue(denied.tryAcquire(20, TimeUnit.SECONDS)); // it waits: its mark is in place
        gate.set(true);
        holder.close(); // the session is free; the waiter has not looked again yet

        BusyException newcomer =
                assertThrows(BusyException.class, () -> other.acquire(s, "T", Mode.WRITE, Duration.ZERO));
        assertEquals(BusyReason.TURN_BUSY, newcomer.reason(), "a new write of the turn goes behind its waiting write");
        newcomerTried.countDown();
        gate.set(false);
        waiter.get(20, TimeUnit.SECONDS).close();
        other.acquire(s, "T", Mode.WRITE, Duration.ZERO).close();
        assertEquals(List.of(), lockState());
    }

    @Test
    void aWaitingReaderGoesBeforeAWriterOfItsTurnThatCameAfterIt() throws Exception {
        // writer preference holds back newer readers only: a reader that waits since before the
        // writer is not overtaken by it (under a steady flow of writes it would otherwise starve)
        String s = session();
        LockEngine waiters = engine(LONG, new TurnstileListener() {});
        Permit holder = engine().acquire(s, "T", Mode.WRITE, Duration.ZERO);
        CompletableFuture<Permit> reader =
                waiters.acquireAsync(s, "T", Mode.READ).toCompletableFuture();
        CompletableFuture<Permit> writer =
                waiters.acquireAsync(s, "T", Mode.WRITE).toCompletableFuture();
        assertFalse(reader.isDone() || writer.isDone(), "both wait for the holder");

        holder.close();
        Permit read = reader.get(20, TimeUnit.SECONDS);
        assertFalse(writer.isDone(), "the writer came after the reader");
        read.close();
        writer.get(20, TimeUnit.SECONDS).close();
        assertEquals(List.of(), lockState());
    }

    @Test
    void anAsynchronousAcquireCompletesAtOnceWhenThePlaceIsFree() {
        String s = session();
        CompletableFuture<Permit> call =
                engine().acquireAsync(s, "t", Mode.WRITE).toCompletableFuture();
        assertTrue(call.isDone(), "the uncontended path completes on the caller's thread");
        call.join().close();
    }

    @Test
    void manyCallsWaitWithoutAThreadEachAndAreAllServed() throws Exception {
        String s = session();
        LockEngine waiterEngine = engine(LONG, new TurnstileListener() {});
        Permit writer = engine().acquire(s, "T", Mode.WRITE, Duration.ZERO);
        List<CompletableFuture<Permit>> readers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            readers.add(waiterEngine.acquireAsync(s, "T", Mode.READ).toCompletableFuture());
        }
        assertTrue(readers.stream().noneMatch(CompletableFuture::isDone), "they wait for the writer");
        long waiterThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("turnstile-waiter"))
                .count();
        assertTrue(waiterThreads <= LockEngine.WAITER_THREADS, waiterThreads + " threads for 200 waiters");
        writer.close();
        for (CompletableFuture<Permit> reader : readers) {
            reader.get(20, TimeUnit.SECONDS).close(); // every one was woken: the reads go in together
        }
        assertEquals(List.of(), lockState());
    }

    @Test
    void anAsynchronousCallGetsTheBusyErrorAtItsDeadline() {
        String s = session();
        try (Permit held = engine().acquire(s, "A", Mode.WRITE, Duration.ZERO)) {
            CompletableFuture<Permit> call = engine().acquireAsync(s, "B", Mode.WRITE, Duration.ofMillis(50))
                    .toCompletableFuture();
            ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(20, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof BusyException, e.getCause().toString());
            assertTrue(held.held());
        }
        assertEquals(List.of(), lockState());
    }

    @Test
    void cancellingAWaitingWriterLetsTheReadersItHeldBackIn() throws Exception {
        String s = session();
        CountDownLatch writerWaits = new CountDownLatch(1);
        LockEngine writerEngine = engine(LONG, onWait(writerWaits));
        LockEngine readers = engine(LONG, new TurnstileListener() {});
        try (Permit reading = readers.acquire(s, "T", Mode.READ, Duration.ZERO)) {
            CompletableFuture<Permit> writer =
                    writerEngine.acquireAsync(s, "T", Mode.WRITE).toCompletableFuture();
            assertTrue(writerWaits.await(20, TimeUnit.SECONDS));
            assertThrows(
                    BusyException.class,
                    () -> readers.acquire(s, "T", Mode.READ, Duration.ZERO),
                    "a new reader queues behind the waiting writer");
            assertTrue(writer.cancel(true));
            // its mark goes (in the background): the reader that waits is woken by that, not by a re-check
            readers.acquire(s, "T", Mode.READ).close();
            assertTrue(reading.held());
        }
        assertEquals(List.of(), lockState());
    }

    @Test
    void onceAnotherTurnWaitsPastTheGraceTheHoldingTurnsNewCallsQueueBehindIt() throws Exception {
        assertNewReadOfTheHoldingTurn(Duration.ZERO, false);
    }

    @Test
    void withTurnGraceOffTheHoldingTurnKeepsTheSession() throws Exception {
        assertNewReadOfTheHoldingTurn(TurnstileConfig.TURN_GRACE_OFF, true);
    }

    /** Turn A holds a read, turn B waits; may a new read of turn A still join? */
    private void assertNewReadOfTheHoldingTurn(Duration grace, boolean joins) throws Exception {
        String s = session();
        TurnstileConfig withGrace = new TurnstileConfig(
                prefix,
                Duration.ofSeconds(30),
                Duration.ZERO,
                LONG,
                RedisTestServers.FENCE_RETENTION,
                TurnstileConfig.DEFAULT_MAX_HOLD,
                grace);
        LockEngine a = engine(withGrace, new TurnstileListener() {}, null);
        CountDownLatch bWaits = new CountDownLatch(1);
        LockEngine b = engine(LONG, onWait(bWaits));
        Permit a1 = a.acquire(s, "A", Mode.READ, Duration.ZERO);
        CompletableFuture<Permit> waiting = b.acquireAsync(s, "B", Mode.WRITE).toCompletableFuture();
        assertTrue(bWaits.await(20, TimeUnit.SECONDS));
        if (joins) {
            a.acquire(s, "A", Mode.READ, Duration.ZERO).close();
        } else {
            BusyException e = assertThrows(BusyException.class, () -> a.acquire(s, "A", Mode.READ, Duration.ZERO));
            assertEquals(BusyReason.SESSION_BUSY, e.reason());
            assertEquals(1, e.queuePosition().orElse(-1), "behind turn B");
        }
        a1.close();
        waiting.get(20, TimeUnit.SECONDS).close();
        assertEquals(List.of(), lockState());
    }
}
