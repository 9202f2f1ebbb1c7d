package dev.turnstile;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.testing.Passwords;
import java.net.URI;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;

/**
 * Redis URLs: a password with {@code / @ :} works percent-encoded, and no message about a bad URL
 * quotes any part of a password, raw or encoded. (A real Redis with such a password:
 * {@code RedisCredentialsIT}.)
 */
class RedisUrlTest {

    static final String PASSWORD = "vault9/kiwi@mango:papaya%41 lime";

    static Stream<Arguments> maskedUrls() {
        return Stream.of(
                Arguments.of("redis://user:pa/ss@host:6379", "redis://***@host:6379"),
                Arguments.of("redis://user:p@ss@host:6379/0", "redis://***@host:6379/0"),
                Arguments.of("redis://:s:e:c@host", "redis://***@host"),
                Arguments.of("redis://user:p?a#s@host", "redis://***@host"),
                Arguments.of("redis://user:p%2Fa%40s@host", "redis://***@host"),
                Arguments.of("redis://u:123/abc@host:6379", "redis://***@host:6379"),
                Arguments.of("rediss://u:pw@h:1/0?x=y", "rediss://***@h:1/0?x=y"),
                Arguments.of(" redis://u:secret@host ", " redis://***@host "),
                Arguments.of("user:secret@host", "***@host"),
                Arguments.of("redis:u:secret@host", "***@host"),
                Arguments.of("redis://:secret", "redis://:***"),
                Arguments.of("redis://user:secret/0", "redis://user:***/0"),
                Arguments.of("redis://host:6379/0", "redis://host:6379/0"),
                Arguments.of("http://host:1", "http://host:1"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("maskedUrls")
    void maskedReplacesTheWholeUserInfoWhateverItHolds(String url, String expected) {
        assertEquals(expected, TurnstileBuilder.masked(url));
    }

    static Stream<String> badUrls() {
        String enc = Passwords.percentEncoded(PASSWORD);
        return Stream.of(
                "redis://app:" + PASSWORD + "@127.0.0.1:6379",
                "redis://:" + PASSWORD + "@127.0.0.1:6379",
                "redis://app:vault9/kiwi@127.0.0.1:6379",
                "redis://app:1234/kiwi@127.0.0.1:6379",
                "redis://app:kiwi@mango@127.0.0.1:6379",
                "redis://app:kiwi?mango@127.0.0.1:6379",
                "redis://app:kiwi#mango@127.0.0.1:6379",
                "redis://app:papaya%4@127.0.0.1:6379",
                "redis://app:papaya lime@127.0.0.1:6379",
                "redis://" + enc + "@127.0.0.1:6379",
                "redis://vault9%3Akiwi:" + enc + "@127.0.0.1:6379",
                "redis://app:" + enc + "@",
                "redis://app:" + enc + "@127.0.0.1:99999",
                "redis://app:" + enc + "@bad_host:6379",
                "http://app:" + enc + "@127.0.0.1:6379",
                "redis:app:" + enc + "@127.0.0.1:6379",
                "redis://app:" + enc + "@127.0.0.1:6379/0 x",
                "redis://app:" + enc + "@127.0.0.1:6379/0?next=a@b",
                "redis://app:" + enc + "@127.0.0.1:6379/zero",
                "redis://app:" + enc + "@127.0.0.1:6379/0/1",
                "redis://:vault9kiwi",
                "redis://app:vault9kiwi/0");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badUrls")
    void aBadUrlIsRefusedWithoutQuotingThePassword(String url) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TurnstileBuilder.parseUrl(url));
        assertTrue(e.getMessage().startsWith("redis-url "), e.getMessage());
        assertNull(e.getCause(), "no cause that could quote the URL");
        Passwords.assertNotLeaked(PASSWORD, e.toString());
        IllegalArgumentException built = assertThrows(
                IllegalArgumentException.class,
                () -> Turnstile.builder().redisUrl(url).build());
        Passwords.assertNotLeaked(PASSWORD, built.toString());
    }

    @Test
    void aPercentEncodedPasswordReachesTheRedisClientDecodedOnce() {
        String enc = Passwords.percentEncoded(PASSWORD);
        assertEquals("vault9%2Fkiwi%40mango%3Apapaya%2541%20lime", enc);
        JedisClientConfig app = clientConfig("redis://app:" + enc + "@127.0.0.1:7000/2");
        assertEquals("app", app.getUser());
        assertEquals(PASSWORD, app.getPassword());
        assertEquals(2, app.getDatabase());
        JedisClientConfig defaultUser = clientConfig("redis://:" + enc + "@127.0.0.1:7000");
        assertNull(defaultUser.getUser());
        assertEquals(PASSWORD, defaultUser.getPassword());
        assertEquals("a:b", clientConfig("redis://app:a:b@127.0.0.1:7000").getPassword(), "a raw ':' may stay");
    }

    @Test
    void aUrlWithoutAPortGetsTheDefaultPort() {
        URI plain = TurnstileBuilder.parseUrl("redis://127.0.0.1");
        assertEquals(6379, plain.getPort());
        assertDoesNotThrow(() -> DefaultJedisClientConfig.builder(plain).build(), "the Redis client takes it");
        URI full = TurnstileBuilder.parseUrl(" rediss://app:p%2F@[::1]/3?x=1 ");
        assertEquals("rediss://app:p%2F@[::1]:6379/3?x=1", full.toString());
        assertEquals(3, DefaultJedisClientConfig.builder(full).build().getDatabase());
        assertEquals(6379, TurnstileBuilder.parseUrl("redis://host:").getPort());
    }

    private static JedisClientConfig clientConfig(String url) {
        return DefaultJedisClientConfig.builder(TurnstileBuilder.parseUrl(url)).build();
    }
}
