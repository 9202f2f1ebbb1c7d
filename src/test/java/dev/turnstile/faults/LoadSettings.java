package dev.turnstile.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every worker runs with: the engine settings (given to {@code Turnstile.builder()}) and
 * the shape of the load. Passed to the worker processes as {@code name=value} arguments.
 *
 * @param lease          lease of a place
 * @param acquireTimeout one deadline per acquisition
 * @param recheckInterval longest sleep of a waiter without a wake-up
 * @param redisTimeout   connect and socket timeout of Redis connections
 * @param maxHold        longest a place is renewed (0: without end)
 * @param sessions       sessions shared by all workers
 * @param threads        calling threads per worker, thread i of worker w on session (w * threads + i) mod sessions
 * @param hotThreads     more calling threads per worker, all on session 0, so that it nearly always has
 *                       waiters in every process (the case where lost wake-ups hurt most)
 * @param writeShare     share of calls that are writes (the rest are reads)
 * @param toolMin        shortest time a call holds its place (the "tool")
 * @param toolMax        longest time a call holds its place
 * @param turnSlice      length of a turn: every call of one session within the same slice of the
 *                       shared monotonic clock carries the same turn id, in every process
 */
record LoadSettings(
        Duration lease,
        Duration acquireTimeout,
        Duration recheckInterval,
        Duration redisTimeout,
        Duration maxHold,
        int sessions,
        int threads,
        int hotThreads,
        double writeShare,
        Duration toolMin,
        Duration toolMax,
        Duration turnSlice) {

    /** The worker's arguments for these settings. */
    List<String> toArgs() {
        List<String> args = new ArrayList<>();
        asMap().forEach((k, v) -> args.add(k + "=" + v));
        return args;
    }

    /** These settings with one of them ({@code lease-ms}, {@code threads}, ...) changed. */
    LoadSettings with(String name, String value) {
        Map<String, String> m = asMap();
        if (!m.containsKey(name)) {
            throw new IllegalArgumentException("unknown setting: " + name + " (known: " + m.keySet() + ")");
        }
        m.put(name, value);
        List<String> args = new ArrayList<>();
        m.forEach((k, v) -> args.add(k + "=" + v));
        return parse(args);
    }

    private Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("lease-ms", ms(lease));
        m.put("acquire-timeout-ms", ms(acquireTimeout));
        m.put("recheck-interval-ms", ms(recheckInterval));
        m.put("redis-timeout-ms", ms(redisTimeout));
        m.put("max-hold-ms", ms(maxHold));
        m.put("sessions", Integer.toString(sessions));
        m.put("threads", Integer.toString(threads));
        m.put("hot-threads", Integer.toString(hotThreads));
        m.put("write-share", Double.toString(writeShare));
        m.put("tool-min-us", Long.toString(toolMin.toNanos() / 1000));
        m.put("tool-max-us", Long.toString(toolMax.toNanos() / 1000));
        m.put("turn-slice-ms", ms(turnSlice));
        return m;
    }

    static LoadSettings parse(List<String> args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected name=value: " + arg);
            }
            m.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return new LoadSettings(
                millis(m, "lease-ms"),
                millis(m, "acquire-timeout-ms"),
                millis(m, "recheck-interval-ms"),
                millis(m, "redis-timeout-ms"),
                millis(m, "max-hold-ms"),
                Integer.parseInt(need(m, "sessions")),
                Integer.parseInt(need(m, "threads")),
                Integer.parseInt(need(m, "hot-threads")),
                Double.parseDouble(need(m, "write-share")),
                Duration.ofNanos(Long.parseLong(need(m, "tool-min-us")) * 1000),
                Duration.ofNanos(Long.parseLong(need(m, "tool-max-us")) * 1000),
                millis(m, "turn-slice-ms"));
    }

    /** The settings as one line for the results file. */
    String describe() {
        return "lease " + ms(lease) + " ms, acquire-timeout " + ms(acquireTimeout) + " ms, recheck-interval "
                + ms(recheckInterval) + " ms, redis-timeout " + ms(redisTimeout) + " ms, max-hold "
                + (maxHold.isZero() ? "0 (renew without end)" : ms(maxHold) + " ms") + "; " + sessions
                + " sessions, " + threads + " threads per worker (+" + hotThreads + " more on session-0), "
                + Math.round(writeShare * 100)
                + " % writes, a tool holds its place " + toolMin.toNanos() / 1000 + "-" + toolMax.toNanos() / 1000
                + " µs, a turn lasts " + ms(turnSlice) + " ms of the shared clock";
    }

    private static String ms(Duration d) {
        return Long.toString(d.toMillis());
    }

    private static Duration millis(Map<String, String> m, String key) {
        return Duration.ofMillis(Long.parseLong(need(m, key)));
    }

    private static String need(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing worker argument " + key);
        }
        return v;
    }
}
