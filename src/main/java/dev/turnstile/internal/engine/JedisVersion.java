package dev.turnstile.internal.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The Jedis on the class path, checked when a Redis store is built. Turnstile calls only what Jedis
 * 6.0.0 to 8.x all have (tested with 6.0.0, 7.0.0, 7.5.3 and 8.0.2); an older Jedis fails here, with
 * a message that says what to change, instead of later with a linkage error. A version that cannot
 * be read is let through.
 */
public final class JedisVersion {

    /** The oldest Jedis Turnstile runs with. */
    static final String FLOOR = "6.0.0";
    /** The Jedis Turnstile is built with and declares ({@code jedis.version} in pom.xml). */
    static final String DECLARED = "7.5.3";

    /** Where a Jedis jar says its version: next to its classes, and where Maven puts it. */
    private static final String[] VERSION_FILES = {
        "redis/clients/jedis/pom.properties", "META-INF/maven/redis.clients/jedis/pom.properties"
    };

    private JedisVersion() {}

    /** Throws {@link IllegalStateException} when the Jedis on the class path is older than {@link #FLOOR}. */
    public static void requireSupported() {
        String problem = problem(found());
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
    }

    /** The message for Jedis {@code version}, or null when it is supported or unknown (null, unreadable). */
    static String problem(String version) {
        if (version == null || !olderThan(version, FLOOR)) {
            return null;
        }
        return "Turnstile needs Jedis " + FLOOR + " to 8.x; found " + version + " on the class path"
                + " (redis.clients:jedis). Use a newer one: with Spring Boot's dependency management set the property"
                + " jedis.version=" + DECLARED + ", otherwise declare redis.clients:jedis:" + DECLARED;
    }

    /**
     * Whether {@code version} is older than {@code floor}, comparing the numbers before any qualifier
     * ({@code 6.0.0-beta1} counts as 6.0.0); false when {@code version} does not start with a number.
     */
    static boolean olderThan(String version, String floor) {
        int[] v = numbers(version);
        int[] f = numbers(floor);
        if (v.length == 0) {
            return false;
        }
        for (int i = 0; i < Math.max(v.length, f.length); i++) {
            int a = i < v.length ? v[i] : 0;
            int b = i < f.length ? f[i] : 0;
            if (a != b) {
                return a < b;
            }
        }
        return false;
    }

    /** The leading dot-separated numbers of a version ({@code 7.5.3-SNAPSHOT}: 7, 5, 3). */
    private static int[] numbers(String version) {
        String[] parts = version.trim().split("[^0-9.]", 2)[0].split("\\.");
        int n = 0;
        while (n < parts.length && n < 3 && parts[n].matches("[0-9]{1,9}")) {
            n++;
        }
        int[] numbers = new int[n];
        for (int i = 0; i < n; i++) {
            numbers[i] = Integer.parseInt(parts[i]);
        }
        return numbers;
    }

    /** The version of the Jedis that Turnstile's classes see, or null when no jar says it. */
    static String found() {
        ClassLoader loader = JedisVersion.class.getClassLoader();
        for (String file : VERSION_FILES) {
            try (InputStream in = loader == null ? null : loader.getResourceAsStream(file)) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    return p.getProperty("version");
                }
            } catch (IOException | IllegalArgumentException e) {
                return null; // unreadable: let it through
            }
        }
        return null;
    }
}
