package dev.turnstile.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Sentinel and TLS settings are checked at start, before anything connects: every bad value or
 * combination stops the start-up with a message that names the setting, never a password, and never
 * leads to a plain-text connection. The stores are made here with the JDK's keytool.
 */
class RedisConnectionSettingsTest {

    private static final String STORE_PASSWORD = "Kiwi9/store@pass:word";

    @TempDir
    static Path dir;

    private final Map<String, String> params = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();

    /** key.p12: a private key and its certificate; trust.p12: only the certificate; empty.p12: nothing. */
    @BeforeAll
    static void stores() throws Exception {
        keytool(
                "-genkeypair",
                "-alias",
                "client",
                "-keyalg",
                "EC",
                "-dname",
                "CN=turnstile-test",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                dir.resolve("key.p12").toString(),
                "-storepass",
                STORE_PASSWORD);
        keytool(
                "-exportcert",
                "-alias",
                "client",
                "-file",
                dir.resolve("client.crt").toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                dir.resolve("key.p12").toString(),
                "-storepass",
                STORE_PASSWORD);
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                dir.resolve("client.crt").toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                dir.resolve("trust.p12").toString(),
                "-storepass",
                STORE_PASSWORD);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "client",
                "-file",
                dir.resolve("ca.pem").toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                dir.resolve("key.p12").toString(),
                "-storepass",
                STORE_PASSWORD);
        keytool(
                "-genkeypair",
                "-alias",
                "client",
                "-keyalg",
                "EC",
                "-dname",
                "CN=turnstile-test",
                "-validity",
                "2",
                "-storetype",
                "JKS",
                "-keystore",
                dir.resolve("key-other-password.jks").toString(),
                "-storepass",
                STORE_PASSWORD,
                "-keypass",
                "Other-key-password");
        java.security.KeyStore empty = java.security.KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        try (var out = java.nio.file.Files.newOutputStream(dir.resolve("empty.p12"))) {
            empty.store(out, STORE_PASSWORD.toCharArray());
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, output);
    }

    private void load() {
        TurnstileSettings.load(new SettingSource(params::get, k -> null, env), path -> null);
    }

    /** The start-up message; it never holds a password. */
    private String fails() {
        String message =
                assertThrows(IllegalArgumentException.class, this::load).getMessage();
        assertFalse(message.contains(STORE_PASSWORD) || message.contains("sentinel-secret"), message);
        return message;
    }

    private void set(String name, String value) {
        params.put("turnstile." + name, value);
    }

    private String store(String name) {
        return dir.resolve(name).toString();
    }

    private void tlsWithTrustStore(String file, String password) {
        set("redis-url", "rediss://127.0.0.1:6380");
        set("redis-trust-store", store(file));
        set("redis-trust-store-password", password);
    }

    @Test
    void goodStoresAreAccepted() {
        tlsWithTrustStore("trust.p12", STORE_PASSWORD);
        set("redis-key-store", store("key.p12"));
        set("redis-key-store-password", STORE_PASSWORD);
        load();
        set("redis-trust-store-type", "pkcs12");
        set("redis-tls-verify-hostname", "false");
        load();
    }

    @Test
    void aStoreThatCannotBeReadIsNamed() {
        tlsWithTrustStore("missing.p12", STORE_PASSWORD);
        assertTrue(fails().startsWith("redis-trust-store names a file that does not exist: '"), fails());
        tlsWithTrustStore("trust.p12", "wrong");
        assertTrue(
                fails().startsWith("redis-trust-store cannot be read as PKCS12 with redis-trust-store-password"),
                fails());
        tlsWithTrustStore("trust.p12", STORE_PASSWORD);
        set("redis-trust-store-type", "NOPE");
        assertEquals("redis-trust-store-type is not a key store type this JVM knows (PKCS12, JKS): 'NOPE'", fails());
    }

    @Test
    void aPemFileAndAKeyWithAnotherPasswordAreNamed() {
        tlsWithTrustStore("ca.pem", null);
        assertTrue(fails().startsWith("redis-trust-store is a PEM file, not a key store: '"), fails());
        assertTrue(fails().contains("keytool -importcert"), fails());
        tlsWithTrustStore("trust.p12", STORE_PASSWORD);
        set("redis-key-store", store("key-other-password.jks"));
        set("redis-key-store-password", STORE_PASSWORD);
        set("redis-key-store-type", "JKS");
        assertTrue(
                fails().startsWith("redis-key-store holds a private key that redis-key-store-password does not open"
                        + " (the key's password must be the store's): '"),
                fails());
    }

    @Test
    void aStoreWithoutWhatItIsForIsNamed() {
        tlsWithTrustStore("empty.p12", STORE_PASSWORD);
        assertTrue(fails().startsWith("redis-trust-store holds no certificate: '"), fails());
        tlsWithTrustStore("trust.p12", STORE_PASSWORD);
        set("redis-key-store", store("trust.p12"));
        set("redis-key-store-password", STORE_PASSWORD);
        assertTrue(fails().startsWith("redis-key-store holds no private key: '"), fails());
    }

    @Test
    void tlsSettingsWithoutTlsAreRefused() {
        set("redis-url", "redis://127.0.0.1:6379");
        set("redis-trust-store", store("trust.p12"));
        assertEquals(
                "redis-trust-store is set, but TLS is off: write rediss:// in redis-url, or set redis-tls=true",
                fails());
        params.remove("turnstile.redis-trust-store");
        set("redis-key-store-password", STORE_PASSWORD);
        assertEquals("redis-key-store-password is set without redis-key-store", fails());
        params.remove("turnstile.redis-key-store-password");
        set("redis-tls-verify-hostname", "false");
        assertEquals(
                "redis-tls-verify-hostname is set, but TLS is off: write rediss:// in redis-url, or set"
                        + " redis-tls=true",
                fails());
    }

    @Test
    void redisTlsMustAgreeWithTheUrlAndNeedsARedis() {
        set("redis-tls", "true");
        assertEquals("redis-tls is true, but no Redis is set: set redis-url, redis-cluster or redis-sentinel", fails());
        set("redis-url", "redis://127.0.0.1:6379");
        assertEquals("redis-tls is true but redis-url starts with redis://: write rediss://", fails());
        set("redis-url", "rediss://127.0.0.1:6379");
        set("redis-tls", "false");
        assertEquals("redis-tls is false but redis-url starts with rediss://: remove one of them", fails());
        env.put("TURNSTILE_REDIS_TLS", "maybe");
        assertEquals("environment variable TURNSTILE_REDIS_TLS must be true or false: 'maybe'", fails());
        env.remove("TURNSTILE_REDIS_TLS");
        params.remove("turnstile.redis-url");
        set("redis-tls", "true");
        set("redis-cluster", "127.0.0.1:7000");
        load(); // TLS to the Cluster nodes, the JDK's default trust
    }

    @Test
    void sentinelNeedsAMasterNameAndExcludesACluster() {
        set("redis-sentinel", "127.0.0.1:26379,127.0.0.1:26380");
        assertEquals(
                "redis-sentinel-master must name the master that the Sentinels of redis-sentinel watch, without"
                        + " spaces: ''",
                fails());
        set("redis-sentinel-master", "my master");
        assertTrue(fails().startsWith("redis-sentinel-master must name the master"), fails());
        set("redis-sentinel-master", "mymaster");
        set("redis-sentinel-user", "watcher");
        assertEquals("redis-sentinel-user is set without redis-sentinel-password", fails());
        set("redis-sentinel-password", "sentinel-secret");
        load();
        set("redis-cluster", "127.0.0.1:7000");
        assertEquals("redis-sentinel and redis-cluster exclude each other: set one of them", fails());
        params.remove("turnstile.redis-cluster");
        set("redis-sentinel", "127.0.0.1");
        assertEquals("redis-sentinel must be host:port[,host:port...]: '127.0.0.1'", fails());
    }

    @Test
    void sentinelSettingsWithoutSentinelsAreRefused() {
        set("redis-url", "redis://127.0.0.1:6379");
        set("redis-sentinel-master", "mymaster");
        assertEquals("redis-sentinel-master is set without redis-sentinel", fails());
        params.remove("turnstile.redis-sentinel-master");
        set("redis-sentinel-password", "sentinel-secret");
        assertEquals("redis-sentinel-password is set without redis-sentinel", fails());
    }
}
