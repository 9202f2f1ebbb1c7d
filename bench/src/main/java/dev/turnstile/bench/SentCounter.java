package dev.turnstile.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The commands clients sent during a stretch of load (INFO commandstats minus the commands run
 * inside Lua scripts, which MONITOR tells apart). MONITOR slows Redis down, so it runs only for
 * its own untimed slice: {@link #open} starts it, {@link #close} ends it.
 */
final class SentCounter implements AutoCloseable {

    /** What the measuring connection sends itself. */
    private static final java.util.Set<String> OWN = java.util.Set.of("info", "echo", "multi", "exec");

    private final RedisAdmin admin;
    private final MonitorTap tap;
    private long marks;

    private SentCounter(RedisAdmin admin, MonitorTap tap) {
        this.admin = admin;
        this.tap = tap;
    }

    static SentCounter open(String redisUrl, RedisAdmin admin) throws InterruptedException {
        MonitorTap tap = new MonitorTap(redisUrl);
        try {
            tap.awaitStarted(admin);
        } catch (InterruptedException | RuntimeException e) {
            tap.close();
            throw e;
        }
        return new SentCounter(admin, tap);
    }

    /** Client-sent commands so far, per name (the measuring connection's own commands left out). */
    Map<String, Long> sent() throws InterruptedException {
        long mark = ++marks;
        Map<String, Long> stats = admin.commandCallsAtMarker(MonitorTap.MARKER + mark);
        Map<String, Long> lua = tap.luaCountsAt(mark);
        Map<String, Long> sent = new HashMap<>();
        stats.forEach((name, n) -> {
            if (!OWN.contains(name)) {
                sent.put(name, n - lua.getOrDefault(name, 0L));
            }
        });
        return sent;
    }

    /** Per-name differences {@code after − before}, zero ones left out. */
    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((name, n) -> {
            long v = n - before.getOrDefault(name, 0L);
            if (v != 0) {
                d.put(name, v);
            }
        });
        return d;
    }

    @Override
    public void close() {
        tap.close();
    }
}
