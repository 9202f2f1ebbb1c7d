package dev.turnstile.bench;

import dev.turnstile.Mode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Phase 1: Redis commands per guarded call, from INFO commandstats deltas (the commands that Lua
 * scripts ran are split off with {@link MonitorTap}). Uncontended reads and writes one after the
 * other; then rounds of a holder and a waiter of another turn of the same session, where the
 * waiter is left waiting for a fixed window and the commands sent during that window are counted.
 */
final class CommandCountPhase {

    /** One measured scenario of one guard; per-call figures. */
    record Row(
            String guard,
            String scenario,
            int calls,
            double evalshaPerCall,
            double evalPerCall,
            double otherPerCall,
            String otherNames,
            double insidePerCall,
            double duringWait,
            long waitWindowMs) {
        double clientPerCall() {
            return evalshaPerCall + evalPerCall + otherPerCall;
        }
    }

    /** Commands counted in a window: all (commandstats) and those run by scripts (MONITOR). */
    private record Counts(Map<String, Long> total, Map<String, Long> lua) {
        Map<String, Long> sent() {
            Map<String, Long> sent = new TreeMap<>();
            total.forEach((name, n) -> {
                long s = n - lua.getOrDefault(name, 0L);
                if (s > 0) {
                    sent.put(name, s);
                }
            });
            return sent;
        }

        long inside() {
            return lua.values().stream().mapToLong(Long::longValue).sum();
        }

        Counts plus(Counts o) {
            Map<String, Long> t = new TreeMap<>(total);
            Map<String, Long> l = new TreeMap<>(lua);
            o.total.forEach((k, v) -> t.merge(k, v, Long::sum));
            o.lua.forEach((k, v) -> l.merge(k, v, Long::sum));
            return new Counts(t, l);
        }
    }

    private record Snapshot(Map<String, Long> stats, Map<String, Long> lua) {}

    /** The i-th of a series of calls made one after the other. */
    @FunctionalInterface
    interface SequentialCall {
        void run(int i) throws Exception;
    }

    private final RedisAdmin admin;
    private final MonitorTap tap;
    private final Settings settings;
    private long marks;

    CommandCountPhase(RedisAdmin admin, MonitorTap tap, Settings settings) {
        this.admin = admin;
        this.tap = tap;
        this.settings = settings;
    }

    List<Row> run(Guard guard) throws Exception {
        tap.awaitStarted(admin);
        String session = "cmd-" + guard.name().replaceAll("\\W", "");
        ExecutorService holder = Executors.newSingleThreadExecutor();
        ExecutorService waiter = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < 10; i++) { // warm-up: scripts loaded, pools and pub/sub connections opened
                guard.acquire(session, "warm-" + i, i % 2 == 0 ? Mode.READ : Mode.WRITE)
                        .close();
            }
            contendedRound(guard, session, holder, waiter, -1);
            return List.of(
                    uncontended(guard, session, Mode.READ),
                    uncontended(guard, session, Mode.WRITE),
                    contended(guard, session, holder, waiter));
        } finally {
            holder.shutdownNow();
            waiter.shutdownNow();
        }
    }

    private Row uncontended(Guard guard, String session, Mode mode) throws Exception {
        return sequential(
                guard.name(),
                "uncontended " + mode.wireName(),
                settings.commandCalls(),
                i -> guard.acquire(session, "turn-" + mode + "-" + i, mode).close());
    }

    /**
     * The commands per call of {@code calls} calls made one after the other by {@code call} (through
     * a guard, or over HTTP through a filter), none of which waits. The tap must have started.
     */
    Row sequential(String guardName, String scenario, int calls, SequentialCall call) throws Exception {
        Snapshot before = snapshot();
        for (int i = 0; i < calls; i++) {
            call.run(i);
        }
        return row(guardName, scenario, calls, delta(before, snapshot()), Double.NaN);
    }

    private Row contended(Guard guard, String session, ExecutorService holder, ExecutorService waiter)
            throws Exception {
        int rounds = settings.waitRounds();
        Counts total = new Counts(Map.of(), Map.of());
        long duringWait = 0;
        for (int r = 0; r < rounds; r++) {
            Snapshot before = snapshot();
            duringWait += contendedRound(guard, session, holder, waiter, r);
            total = total.plus(delta(before, snapshot()));
        }
        return row(
                guard.name(),
                "contended: holder + waiter of another turn",
                rounds * 2,
                total,
                (double) duringWait / rounds);
    }

    /** One hand-off with a waiter parked for the wait window; returns the commands sent in that window. */
    private long contendedRound(Guard guard, String session, ExecutorService holder, ExecutorService waiter, int round)
            throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> h = holder.submit(() -> {
            try (Guard.Held place = guard.acquire(session, "hold-" + round, Mode.WRITE)) {
                held.countDown();
                release.await();
            }
            return null;
        });
        held.await();
        Future<?> w = waiter.submit(
                () -> guard.acquire(session, "wait-" + round, Mode.WRITE).close());
        Thread.sleep(settings.waitSettle().toMillis());
        Snapshot windowStart = snapshot();
        Thread.sleep(settings.waitWindow().toMillis());
        Snapshot windowEnd = snapshot();
        release.countDown();
        w.get(10, TimeUnit.SECONDS);
        h.get(10, TimeUnit.SECONDS);
        return delta(windowStart, windowEnd).sent().values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    private Snapshot snapshot() throws InterruptedException {
        long mark = ++marks;
        admin.echo(MonitorTap.MARKER + mark);
        Map<String, Long> lua = tap.luaCountsAt(mark);
        return new Snapshot(admin.commandCalls(), lua);
    }

    private Row row(String guardName, String scenario, int calls, Counts counts, double duringWait) {
        Map<String, Long> sent = counts.sent();
        long evalsha = sent.getOrDefault("evalsha", 0L);
        long eval = sent.getOrDefault("eval", 0L);
        long other = 0;
        StringBuilder names = new StringBuilder();
        for (Map.Entry<String, Long> e : sent.entrySet()) {
            if (e.getKey().equals("evalsha") || e.getKey().equals("eval")) {
                continue;
            }
            other += e.getValue();
            names.append(names.length() == 0 ? "" : ", ")
                    .append(e.getKey().replace('|', ' ').toUpperCase(Locale.ROOT))
                    .append(' ')
                    .append(Report.num((double) e.getValue() / calls, 2));
        }
        return new Row(
                guardName,
                scenario,
                calls,
                (double) evalsha / calls,
                (double) eval / calls,
                (double) other / calls,
                names.toString(),
                (double) counts.inside() / calls,
                duringWait,
                settings.waitWindow().toMillis());
    }

    /** Per-command deltas, without the measuring connection's own INFO and ECHO calls. */
    private static Counts delta(Snapshot before, Snapshot after) {
        return new Counts(diff(before.stats(), after.stats()), diff(before.lua(), after.lua()));
    }

    private static Map<String, Long> diff(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((name, n) -> {
            long d = n - before.getOrDefault(name, 0L);
            if (d != 0 && !name.equals("info") && !name.equals("echo")) {
                delta.put(name, d);
            }
        });
        return delta;
    }
}
