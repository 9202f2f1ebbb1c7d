package dev.turnstile.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Properties;

/** Where and with what the run happened. */
record Environment(
        String started,
        String cpu,
        int cores,
        String memory,
        String os,
        String jdk,
        String redis,
        String turnstile,
        String libraries,
        String loadBefore) {

    static Environment collect(RedisAdmin admin, String libInfo) {
        Properties v = new Properties();
        try (InputStream in = Environment.class.getResourceAsStream("/bench-versions.properties")) {
            v.load(in);
        } catch (IOException | NullPointerException e) {
            v.clear();
        }
        String cpu = firstValue("/proc/cpuinfo", "model name");
        String mem = firstValue("/proc/meminfo", "MemTotal");
        if (mem.endsWith(" kB")) {
            mem = String.format(
                    java.util.Locale.ROOT,
                    "%.1f GiB",
                    Long.parseLong(mem.replace(" kB", "").trim()) / 1048576.0);
        }
        String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vm.vendor") + ")";
        String redis = "Redis " + admin.serverInfo("redis_version") + " (" + admin.serverInfo("arch_bits")
                + "-bit, standalone, loopback, no persistence)";
        String turnstile = "turnstile " + v.getProperty("turnstile", "?")
                + (libInfo == null || libInfo.isBlank() ? "" : " (" + libInfo + ")");
        String libs = "Jedis " + v.getProperty("jedis", "?") + ", Redisson " + v.getProperty("redisson", "?")
                + ", Tomcat " + v.getProperty("tomcat", "?") + " (embedded), JMH " + v.getProperty("jmh", "?");
        return new Environment(
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                cpu,
                Runtime.getRuntime().availableProcessors(),
                mem,
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                jdk,
                redis,
                turnstile,
                libs,
                loadAverage());
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String firstValue(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "?";
    }
}
