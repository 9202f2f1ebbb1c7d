package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.testing.Passwords;
import dev.turnstile.testing.RedisProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A Redis password with {@code / @ : % # ?} and a space, on a private redis-server (for the
 * default user and for an ACL user): percent-encoded in the URL it works, and neither it, nor its
 * encoded form, nor any piece of it shows in anything Turnstile and its libraries print — log
 * lines at TRACE, exception messages, cause chains, toString — with good credentials, a wrong
 * password, malformed URLs, unreachable and unknown hosts, unreachable Cluster seeds, and a
 * password changed under a running engine. The scenarios ({@link CredentialProbeMain}) run in a
 * JVM of their own, so that everything it prints can be searched.
 */
class RedisCredentialsIT {

    static final String PASSWORD = "Vault9/kiwi@mango:papaya%41 lime#7?";

    @Test
    void aPasswordWithSlashAtAndColonWorksPercentEncodedAndNeverShows() throws Exception {
        try (RedisProcess redis = RedisProcess.start()) {
            try (Jedis admin = new Jedis(redis.node(), RedisTestServers.clientConfig())) {
                admin.aclSetUser("app", "on", ">" + PASSWORD, "~*", "&*", "+@all");
                admin.configSet("requirepass", PASSWORD);
            }
            String output = probe(redis.node().getPort(), freePort());

            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("good app user", "acquired");
            expected.put("good default user", "acquired");
            expected.put("good via settings", "acquired");
            expected.put("wrong password", "BackendUnavailableException");
            expected.put("raw password", "IllegalArgumentException");
            expected.put("raw password via settings", "IllegalArgumentException");
            expected.put("password as the user name", "IllegalArgumentException");
            expected.put("malformed url", "IllegalArgumentException");
            expected.put("unreachable port", "BackendUnavailableException");
            expected.put("unresolvable host", "BackendUnavailableException");
            expected.put("cluster seeds unreachable", "BackendUnavailableException");
            expected.put("password changed under a running engine", "BusyException");
            assertEquals(expected, results(output), output);
            assertTrue(
                    section(output, "password changed under a running engine").contains("WRONGPASS"),
                    "the wake-up connection's failed authentication was not logged:\n" + output);
            Passwords.assertNotLeaked(PASSWORD, output);
        }
    }

    /** Runs the probe with SLF4J at TRACE; returns everything it wrote to stdout and stderr. */
    private static String probe(int port, int closedPort) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
                        CredentialProbeMain.class.getName())
                .redirectErrorStream(true);
        builder.environment().put("PROBE_PORT", Integer.toString(port));
        builder.environment().put("PROBE_CLOSED_PORT", Integer.toString(closedPort));
        builder.environment().put("PROBE_PASSWORD", PASSWORD);
        Process process = builder.start();
        try (InputStream in = process.getInputStream()) {
            CompletableFuture<String> all = CompletableFuture.supplyAsync(() -> readAll(in));
            String output = all.get(3, TimeUnit.MINUTES);
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the probe did not end");
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.contains("\nDONE"), output);
            return output;
        } finally {
            process.destroyForcibly();
        }
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> results(String output) {
        Map<String, String> results = new LinkedHashMap<>();
        output.lines()
                .filter(l -> l.startsWith("RESULT "))
                .forEach(l -> results.put(
                        l.substring("RESULT ".length(), l.lastIndexOf(' ')), l.substring(l.lastIndexOf(' ') + 1)));
        return results;
    }

    private static String section(String output, String scenario) {
        int start = output.indexOf("== " + scenario);
        int end = output.indexOf("RESULT " + scenario, start);
        return start < 0 || end < 0 ? "" : output.substring(start, end);
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }
}
