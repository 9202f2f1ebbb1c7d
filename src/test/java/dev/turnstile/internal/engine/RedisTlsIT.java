package dev.turnstile.internal.engine;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileBuilder;
import dev.turnstile.config.SettingSource;
import dev.turnstile.config.TurnstileSettings;
import dev.turnstile.testing.SentinelSetUp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * TLS against the TLS-only redis-server that scripts/test starts ({@code tls-auth-clients yes},
 * certificates made at test time): with the trust store and the client certificate everything works,
 * wake-ups included; without the client certificate, with a trust store of another CA, with the JDK's
 * default trust or with a host name the certificate does not name, every call fails (there is no
 * plain-text fallback) and the start-up log says what to check.
 */
class RedisTlsIT {

    private final String prefix = "tls-it-" + UUID.randomUUID().toString().substring(0, 8);
    private URI url;
    private Path dir;
    private String password;

    @BeforeEach
    void setUp() throws IOException {
        String tls = System.getProperty("turnstile.test.tls", "");
        String tlsDir = System.getProperty("turnstile.test.tls-dir", "");
        assumeTrue(
                !tls.isBlank() && !tlsDir.isBlank(),
                "turnstile.test.tls and turnstile.test.tls-dir are not set: run scripts/test for the TLS tests");
        url = URI.create(tls);
        dir = Path.of(tlsDir);
        password = Files.readString(dir.resolve("store.pass")).trim();
    }

    @Test
    void worksWithTheTrustStoreAndTheClientCertificateWakeUpsIncluded() throws Exception {
        Map<String, String> params = Map.of(
                "turnstile.redis-url",
                url.toString(),
                "turnstile.redis-trust-store",
                dir.resolve("truststore.p12").toString(),
                "turnstile.redis-trust-store-password",
                password,
                "turnstile.redis-key-store",
                dir.resolve("client.p12").toString(),
                "turnstile.redis-key-store-password",
                password,
                "turnstile.key-prefix",
                prefix,
                "turnstile.recheck-interval",
                "10m",
                "turnstile.lease",
                "10m");
        TurnstileSettings settings =
                TurnstileSettings.load(new SettingSource(params::get, k -> null, Map.of()), path -> null);
        try (Turnstile turnstile = settings.builder().build()) {
            turnstile.ping();
            String s = "session-" + UUID.randomUUID();
            Permit a = turnstile.acquire(s, "A", Mode.WRITE);
            CompletableFuture<Permit> b =
                    turnstile.acquireAsync(s, "B", Mode.WRITE).toCompletableFuture();
            String channel = new RedisKeys(prefix).wakeChannel(Turnstile.sessionHash(s));
            SentinelSetUp.await("B's subscription over TLS", () -> subscribers(channel) == 1);
            a.close();
            b.get(60, SECONDS).close(); // woken over the TLS wake-up connection (the re-check is 10 minutes)
        }
    }

    @Test
    void failsClearlyWithoutTheClientCertificate() {
        String log = failingStart(() -> Turnstile.builder()
                .redisUrl(url.toString())
                .redisTrustStore(dir.resolve("truststore.p12").toString())
                .redisTrustStorePassword(password));
        assertTrue(
                log.contains("TLS connection to redis " + url.getHost() + ":" + url.getPort() + " failed")
                        && log.contains("redis-key-store"),
                log);
    }

    @Test
    void failsClearlyWithATrustStoreOfAnotherCa() {
        String log = failingStart(() -> Turnstile.builder()
                .redisUrl(url.toString())
                .redisTrustStore(dir.resolve("other-truststore.p12").toString())
                .redisTrustStorePassword(password)
                .redisKeyStore(dir.resolve("client.p12").toString())
                .redisKeyStorePassword(password));
        assertTrue(log.contains("PKIX path building failed") && log.contains("redis-trust-store"), log);
    }

    @Test
    void failsWithTheJdkDefaultTrust() {
        String log = failingStart(() -> Turnstile.builder()
                .redisUrl(url.toString())
                .redisKeyStore(dir.resolve("client.p12").toString())
                .redisKeyStorePassword(password));
        assertTrue(log.contains("PKIX path building failed"), log);
    }

    @Test
    void checksTheHostNameUnlessTurnedOff() {
        String other =
                "rediss://127.0.0.2:" + url.getPort(); // the server listens there; its certificate does not name it
        String log = failingStart(() -> withStores(Turnstile.builder().redisUrl(other)));
        assertTrue(log.contains("No subject alternative names matching IP address 127.0.0.2"), log);
        try (Turnstile turnstile = withStores(
                        Turnstile.builder().redisUrl(other).keyPrefix(prefix))
                .redisTlsVerifyHostname(false)
                .build()) {
            turnstile.ping();
            turnstile.acquire("session-" + UUID.randomUUID(), null, Mode.WRITE).close();
        }
    }

    private TurnstileBuilder withStores(TurnstileBuilder builder) {
        return builder.redisTrustStore(dir.resolve("truststore.p12").toString())
                .redisTrustStorePassword(password)
                .redisKeyStore(dir.resolve("client.p12").toString())
                .redisKeyStorePassword(password);
    }

    /**
     * Builds (which checks the server at start and logs what it finds), then expects every call to
     * fail on TLS; returns what the start-up logged.
     */
    private String failingStart(Supplier<TurnstileBuilder> builder) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream original = System.err;
        Turnstile turnstile;
        System.setErr(new PrintStream(new Tee(original, log), true, StandardCharsets.UTF_8));
        try {
            turnstile = builder.get().keyPrefix(prefix).build();
        } finally {
            System.setErr(original);
        }
        try (turnstile) {
            BackendUnavailableException ping = assertThrows(BackendUnavailableException.class, turnstile::ping);
            assertEquals("TLS", tlsCause(ping), String.valueOf(ping.getCause()));
            assertThrows(
                    BackendUnavailableException.class,
                    () -> turnstile.acquire("session-" + UUID.randomUUID(), null, Mode.WRITE, Duration.ZERO));
        }
        return log.toString(StandardCharsets.UTF_8);
    }

    /** "TLS" when the failure's causes show a TLS handshake that failed or a connection the server closed. */
    private static String tlsCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException || t instanceof java.net.SocketException) {
                return "TLS";
            }
        }
        return "other";
    }

    /** Subscribers of a shard channel on the TLS server, asked over TLS with the client certificate. */
    private long subscribers(String channel) {
        RedisTls tls = RedisTls.create(
                new RedisTls.Store("trust", dir.resolve("truststore.p12").toString(), password, "PKCS12"),
                new RedisTls.Store("key", dir.resolve("client.p12").toString(), password, "PKCS12"),
                true);
        try (Jedis jedis = new Jedis(
                new HostAndPort(url.getHost(), url.getPort()),
                tls.applyTo(DefaultJedisClientConfig.builder()).build())) {
            return jedis.pubsubShardNumSub(channel).getOrDefault(channel, 0L);
        }
    }

    /** Writes to both streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }
}
