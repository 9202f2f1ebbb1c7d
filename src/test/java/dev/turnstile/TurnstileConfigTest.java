package dev.turnstile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TurnstileConfigTest {

    private static final Duration S = Duration.ofSeconds(1);

    @Test
    void defaultsAreTheDocumentedOnes() {
        TurnstileConfig c = TurnstileConfig.defaults();
        assertEquals("turnstile", c.keyPrefix());
        assertEquals(Duration.ofSeconds(30), c.lease());
        assertEquals(Duration.ofSeconds(5), c.acquireTimeout());
        assertEquals(Duration.ofSeconds(10), c.renewInterval());
        assertEquals(Duration.ofSeconds(3), c.waitingMark());
        TurnstileConfig quick = new TurnstileConfig(
                "t",
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                Duration.ofMillis(100),
                Duration.ofDays(1),
                TurnstileConfig.DEFAULT_MAX_HOLD,
                TurnstileConfig.DEFAULT_TURN_GRACE);
        assertEquals(Duration.ofMillis(350), quick.waitingMark(), "a late attempt has at least 250 ms");
    }

    @Test
    void badSettingsFailNamingTheSettingAndTheValue() {
        assertMessage(
                "key-prefix",
                "a{b}",
                () -> new TurnstileConfig("a{b}", S, S, S, Duration.ofDays(1), Duration.ZERO, Duration.ZERO));
        assertMessage(
                "key-prefix",
                "has space",
                () -> new TurnstileConfig("has space", S, S, S, Duration.ofDays(1), Duration.ZERO, Duration.ZERO));
        assertMessage(
                "lease",
                "100ms",
                () -> new TurnstileConfig(
                        "t", Duration.ofMillis(100), S, S, Duration.ofDays(1), Duration.ZERO, Duration.ZERO));
        assertMessage(
                "acquire-timeout",
                "-1s",
                () -> new TurnstileConfig("t", S, S.negated(), S, Duration.ofDays(1), Duration.ZERO, Duration.ZERO));
        assertMessage(
                "recheck-interval",
                "1ms",
                () -> new TurnstileConfig(
                        "t", S, S, Duration.ofMillis(1), Duration.ofDays(1), Duration.ZERO, Duration.ZERO));
        assertMessage(
                "fence-retention",
                "500ms",
                () -> new TurnstileConfig("t", S, S, S, Duration.ofMillis(500), Duration.ZERO, Duration.ZERO));
    }

    @Test
    void builderRejectsBadRedisSettingsWithoutPrintingCredentials() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Turnstile.builder().redisUrl("http://user:secret@host:1").build());
        assertTrue(e.getMessage().contains("redis-url"), e.getMessage());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
        assertMessage(
                "redis-cluster",
                "h1:x",
                () -> Turnstile.builder().redisCluster("h1:x").build());
        assertMessage(
                "redis-cluster",
                "nohost",
                () -> Turnstile.builder().redisCluster("nohost").build());
    }

    @Test
    void turnIdsAreVisibleAsciiUpTo128Characters() {
        assertEquals("turn-1_A.b:c", TurnIds.validate("turn-1_A.b:c"));
        assertEquals(128, TurnIds.validate("x".repeat(128)).length());
        for (String bad : new String[] {"", " ", "a b", "\u007f", "ü", "x".repeat(129), "a\r\nb"}) {
            InvalidTurnIdException e = assertThrows(InvalidTurnIdException.class, () -> TurnIds.validate(bad));
            if (!bad.isBlank()) {
                assertFalse(e.getMessage().contains(bad), "the message must not quote the id");
            }
        }
    }

    @Test
    void withoutRedisTheBuilderUsesTheInProcessStore() {
        try (Turnstile t = Turnstile.builder().build()) {
            assertTrue(t.toString().contains("in-process"), t.toString());
            try (Permit p = t.acquire("s", null, Mode.WRITE)) {
                assertTrue(p.fence().isPresent());
            }
        }
    }

    private static void assertMessage(String setting, String value, Runnable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(
                e.getMessage().contains(setting) && e.getMessage().contains(value),
                "message should name " + setting + " and " + value + ": " + e.getMessage());
    }
}
