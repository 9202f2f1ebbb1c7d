package dev.turnstile.bench;

import java.time.Duration;
import java.util.List;

/**
 * How big each phase is: the full run (a few minutes on 2 cores) or the CI smoke run (seconds).
 * Hand-offs and HTTP cells are cut into chunks (slices) that alternate between the guards, so that
 * drifting load from other processes on a shared machine hits every guard alike.
 */
record Settings(
        boolean smoke,
        int commandCalls,
        int waitRounds,
        Duration waitSettle,
        Duration waitWindow,
        int handoffPairs,
        int handoffRoundsPerPair,
        int handoffChunks,
        Duration handoffMaxDelay,
        Duration httpGlobalWarmup,
        int httpSlices,
        Duration httpSliceWarmup,
        Duration httpSliceMeasure,
        List<Integer> httpSessions,
        List<Integer> httpToolMillis,
        int contentionCallers,
        long httpMaxRequests,
        int scaleSessions,
        int scaleThreads,
        int jmhForks,
        int jmhWarmupIterations,
        int jmhIterations,
        Duration jmhIterationTime,
        Pinning pinning,
        Fairness fairness,
        Learning learning) {

    /**
     * Phase 6: a container with {@code threads} request threads; one session with {@code busyCalls}
     * queued calls, {@code otherSessions} other sessions calling; tools of {@code toolMillis}.
     */
    record Pinning(
            int threads,
            int busyCalls,
            int otherSessions,
            int toolMillis,
            Duration settle,
            Duration warmup,
            Duration measure) {}

    /**
     * Phase 7: the other turn waits at most {@code timeout}; turn A's reads hold {@code hold} each;
     * {@code v1Rounds} rounds with turn-grace off (each lasts the whole timeout), {@code rounds} with it on.
     */
    record Fairness(Duration timeout, Duration hold, Duration settle, int v1Rounds, int rounds) {}

    /**
     * Phase 8: learning on against learning off in {@code pairs} pairs of slices (each a warm-up and a
     * measured part) per cell, at each number of {@code sessions}, with JSON answers and with SSE
     * answers of each text size in {@code sseResultBytes} (0: {@code "ok"}). Commands are counted over
     * {@link Settings#commandCalls()} calls.
     */
    record Learning(
            int pairs,
            Duration sliceWarmup,
            Duration sliceMeasure,
            List<Integer> sessions,
            List<Integer> sseResultBytes) {}

    static Settings fullRun() {
        return new Settings(
                false,
                1000,
                5,
                Duration.ofMillis(150),
                Duration.ofMillis(300),
                4,
                250,
                5,
                Duration.ofMillis(50),
                Duration.ofMillis(1500),
                3,
                Duration.ofMillis(250),
                Duration.ofSeconds(1),
                List.of(1, 64),
                List.of(2, 20),
                8,
                2_000_000,
                10_000,
                8,
                1,
                1,
                3,
                Duration.ofSeconds(2),
                new Pinning(16, 200, 8, 2, Duration.ofMillis(750), Duration.ofMillis(500), Duration.ofSeconds(3)),
                new Fairness(Duration.ofSeconds(2), Duration.ofMillis(40), Duration.ofMillis(200), 2, 5),
                new Learning(24, Duration.ofMillis(50), Duration.ofMillis(150), List.of(1, 64), List.of(0, 4096)));
    }

    static Settings smokeRun() {
        return new Settings(
                true,
                50,
                2,
                Duration.ofMillis(100),
                Duration.ofMillis(150),
                2,
                10,
                2,
                Duration.ofMillis(50),
                Duration.ofMillis(300),
                1,
                Duration.ofMillis(100),
                Duration.ofMillis(400),
                List.of(8),
                List.of(2),
                4,
                200_000,
                300,
                4,
                0,
                0,
                1,
                Duration.ofMillis(200),
                new Pinning(16, 200, 8, 2, Duration.ofMillis(300), Duration.ofMillis(100), Duration.ofMillis(400)),
                new Fairness(Duration.ofMillis(800), Duration.ofMillis(40), Duration.ofMillis(100), 1, 1),
                new Learning(2, Duration.ofMillis(50), Duration.ofMillis(100), List.of(1, 8), List.of(0, 4096)));
    }
}
