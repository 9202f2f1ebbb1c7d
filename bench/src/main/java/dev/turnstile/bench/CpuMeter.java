package dev.turnstile.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How busy the machine was during a phase, and with what: this JVM (server and load generator),
 * redis-server, and everything else (other processes on the shared machine). From /proc/stat,
 * the JVM's process CPU time and Redis' INFO cpu. Linux only; elsewhere it reports nothing.
 */
final class CpuMeter {

    private static final double JIFFIES_PER_SECOND = 100.0; // USER_HZ on Linux

    /** A reading; all in CPU-seconds except {@code wall} (seconds). */
    record Reading(double wall, double machineBusy, double jvm, double redis) {}

    private final RedisAdmin admin;

    CpuMeter(RedisAdmin admin) {
        this.admin = admin;
    }

    Reading read() {
        double busy = Double.NaN;
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            busy = (total - idle) / JIFFIES_PER_SECOND;
        } catch (Exception e) {
            // not Linux
        }
        double jvm = selfAndChildren();
        if (Double.isNaN(jvm)
                && ManagementFactory.getOperatingSystemMXBean()
                        instanceof com.sun.management.OperatingSystemMXBean os) {
            jvm = os.getProcessCpuTime() / 1e9;
        }
        return new Reading(System.nanoTime() / 1e9, busy, jvm, admin.redisCpuSeconds());
    }

    /** This process and its finished children (JMH's forked JVM): utime + stime + cutime + cstime. */
    private static double selfAndChildren() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            long jiffies =
                    Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return jiffies / JIFFIES_PER_SECOND;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /** "the 2 cores were 97 % busy: this JVM 61 %, redis-server 25 %, other processes 11 %" */
    static String describe(Reading a, Reading b) {
        double wall = b.wall() - a.wall();
        int cores = Runtime.getRuntime().availableProcessors();
        double capacity = wall * cores;
        double busy = (b.machineBusy() - a.machineBusy()) / capacity;
        double jvm = (b.jvm() - a.jvm()) / capacity;
        double redis = (b.redis() - a.redis()) / capacity;
        if (Double.isNaN(busy) || wall <= 0) {
            return "CPU use not measured (no /proc/stat)";
        }
        return String.format(
                Locale.ROOT,
                "over %.0f s the %d cores were %.0f %% busy: this JVM (and its JMH fork) %.0f %%, redis-server "
                        + "%.0f %%, other processes %.0f %%",
                wall,
                cores,
                100 * busy,
                100 * jvm,
                100 * redis,
                100 * Math.max(0, busy - jvm - redis));
    }
}
