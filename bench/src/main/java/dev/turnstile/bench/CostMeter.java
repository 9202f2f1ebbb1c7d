package dev.turnstile.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * What a stretch of load cost: CPU time of this JVM (server, filters and load generator) and of
 * redis-server, and the Redis commands run (INFO commandstats, commands run inside Lua scripts
 * included; the measuring connection's own INFO calls left out).
 */
final class CostMeter {

    /** Readings at one moment. */
    record Mark(double jvmSeconds, double redisSeconds, Map<String, Long> commands) {}

    /** Totals between two marks; {@code scripts} counts EVALSHA and EVAL, all sent by clients. */
    record Cost(double jvmSeconds, double redisSeconds, long commands, long scripts) {
        static final Cost ZERO = new Cost(0, 0, 0, 0);

        Cost plus(Cost o) {
            return new Cost(
                    jvmSeconds + o.jvmSeconds,
                    redisSeconds + o.redisSeconds,
                    commands + o.commands,
                    scripts + o.scripts);
        }
    }

    private final RedisAdmin admin;

    CostMeter(RedisAdmin admin) {
        this.admin = admin;
    }

    Mark mark() {
        return new Mark(jvmCpuSeconds(), admin.redisCpuSeconds(), admin.commandCalls());
    }

    Cost since(Mark before) {
        Mark now = mark();
        long commands = 0;
        for (Map.Entry<String, Long> e : now.commands().entrySet()) {
            if (!e.getKey().equals("info")) {
                commands += e.getValue() - before.commands().getOrDefault(e.getKey(), 0L);
            }
        }
        return new Cost(
                now.jvmSeconds() - before.jvmSeconds(),
                now.redisSeconds() - before.redisSeconds(),
                commands,
                delta(before, now, "evalsha") + delta(before, now, "eval"));
    }

    private static long delta(Mark before, Mark now, String name) {
        return now.commands().getOrDefault(name, 0L) - before.commands().getOrDefault(name, 0L);
    }

    /** Process CPU time of this JVM, all threads, in seconds (nanosecond clock where the JVM offers it). */
    static double jvmCpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            if (nanos >= 0) {
                return nanos / 1e9;
            }
        }
        return Double.NaN;
    }
}
