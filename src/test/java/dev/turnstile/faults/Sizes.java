package dev.turnstile.faults;

import java.time.Duration;

/**
 * How long and how hard each phase runs, and how long the faults last. The full run aims at
 * {@link #opsPerPhase} guarded sections per phase (at least 100,000 in all); the smoke run runs
 * every phase in a tiny form for CI.
 *
 * @param warm            load before the fault
 * @param tail            load at least this long after the fault's end
 * @param tailCap         at most this long after the fault's end, even when the quota is not met
 * @param opsPerPhase     sections per phase the tail keeps going for (0: none)
 * @param nodeTimeoutMillis {@code cluster-node-timeout} of the local cluster: a failover takes longer
 *                        than a lease, so places on the healthy masters must be renewed throughout
 * @param pauseShort      Redis stopped shorter than redis-timeout
 * @param pauseLong       Redis stopped longer than redis-timeout
 * @param cutShort        network cut shorter than the lease
 * @param cutLong         network cut longer than the lease
 * @param lead            how long before a fault its holders take their places
 * @param holdAfter       how long a holder keeps its place after the fault ended
 */
record Sizes(
        boolean smoke,
        Duration warm,
        Duration tail,
        Duration tailCap,
        long opsPerPhase,
        int nodeTimeoutMillis,
        Duration pauseShort,
        Duration pauseLong,
        Duration cutShort,
        Duration cutLong,
        Duration lead,
        Duration holdAfter) {

    static final Duration PAUSE_LONG = Duration.ofMillis(700);
    static final int FULL_OPS_PER_PHASE = 9000;

    static Sizes full(LoadSettings s) {
        return new Sizes(
                false,
                Duration.ofSeconds(2),
                max(s.lease().plusSeconds(1), Duration.ofSeconds(3)),
                Duration.ofSeconds(15),
                FULL_OPS_PER_PHASE,
                (int) s.lease().toMillis(),
                s.redisTimeout().dividedBy(2),
                PAUSE_LONG,
                s.lease().multipliedBy(2).dividedBy(5),
                s.lease().plusSeconds(2),
                Duration.ofMillis(300),
                Duration.ofMillis(400));
    }

    static Sizes smoke(LoadSettings s) {
        return new Sizes(
                true,
                Duration.ofMillis(200),
                Duration.ofMillis(300),
                Duration.ofMillis(300),
                0,
                1000,
                s.redisTimeout().dividedBy(2),
                PAUSE_LONG,
                s.lease().multipliedBy(2).dividedBy(5),
                s.lease().plusMillis(500),
                Duration.ofMillis(150),
                Duration.ofMillis(200));
    }

    /** The engine and load settings of the full run (the smoke run has a shorter lease and acquire timeout, fewer threads). */
    static LoadSettings defaults(boolean smoke) {
        return new LoadSettings(
                Duration.ofMillis(smoke ? 1500 : 3000),
                Duration.ofSeconds(smoke ? 1 : 2),
                Duration.ofMillis(500),
                Duration.ofMillis(300),
                Duration.ofMinutes(15),
                5,
                smoke ? 4 : 6,
                3,
                0.3,
                Duration.ofNanos(500_000),
                Duration.ofNanos(3_000_000),
                Duration.ofMillis(150));
    }

    Sizes withOpsPerPhase(long ops) {
        return new Sizes(
                smoke,
                warm,
                tail,
                tailCap,
                ops,
                nodeTimeoutMillis,
                pauseShort,
                pauseLong,
                cutShort,
                cutLong,
                lead,
                holdAfter);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
