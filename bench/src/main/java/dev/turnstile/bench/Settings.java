package dev.turnstile.bench;

import java.time.Duration;
import java.util.List;

/**
 * How big each phase is: the full run (a few minutes on 2 cores) or the CI smoke run (seconds).
 * Hand-offs and HTTP cells are cut into chunks (slices) that alternate between the guards, so that
 * drifting load from other processes on a shared machine hits every guard alike.
 */
record Settings(boolean smoke,
                int commandCalls, int waitRounds, Duration waitSettle, Duration waitWindow,
                int handoffPairs, int handoffRoundsPerPair, int handoffChunks, Duration handoffMaxDelay,
                Duration httpGlobalWarmup, int httpSlices, Duration httpSliceWarmup, Duration httpSliceMeasure,
                List<Integer> httpSessions, int contentionCallers, long httpMaxRequests,
                int scaleSessions, int scaleThreads,
                int jmhForks, int jmhWarmupIterations, int jmhIterations, Duration jmhIterationTime) {

    static Settings fullRun() {
        return new Settings(false,
                1000, 5, Duration.ofMillis(150), Duration.ofMillis(300),
                4, 250, 5, Duration.ofMillis(50),
                Duration.ofMillis(1500), 3, Duration.ofMillis(250), Duration.ofSeconds(1),
                List.of(1, 8, 64), 8, 2_000_000,
                10_000, 8,
                1, 1, 3, Duration.ofSeconds(2));
    }

    static Settings smokeRun() {
        return new Settings(true,
                50, 2, Duration.ofMillis(100), Duration.ofMillis(150),
                2, 10, 2, Duration.ofMillis(50),
                Duration.ofMillis(300), 1, Duration.ofMillis(100), Duration.ofMillis(400),
                List.of(8), 4, 200_000,
                300, 4,
                0, 0, 1, Duration.ofMillis(200));
    }
}
