package dev.turnstile.itjedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * With a Jedis older than 6.0.0 (run with {@code -Pfloor -Djedis.version=5.2.0}), building a Redis
 * store fails at once with one message that names the version found and the fix.
 */
class JedisFloorIT {

    @Test
    void anOlderJedisIsRefusedWithOneMessage() throws IOException {
        String found = jedisOnTheClassPath();
        assertEquals(System.getProperty(TurnstileOnJedisContract.EXPECTED_JEDIS), found);
        String url = System.getProperty(RedisNodes.REDIS, "redis://127.0.0.1:6379");
        TurnstileBuilder builder = Turnstile.builder().redisUrl(url);
        IllegalStateException refused = assertThrows(IllegalStateException.class, builder::build);
        assertTrue(refused.getMessage().startsWith("Turnstile needs Jedis 6.0.0 to 8.x; found " + found
                + " on the class path"), refused.getMessage());
        assertTrue(refused.getMessage().contains("jedis.version="), refused.getMessage());
        assertTrue(refused.getMessage().contains("redis.clients:jedis:"), refused.getMessage());
    }

    private static String jedisOnTheClassPath() throws IOException {
        Properties jedis = new Properties();
        try (InputStream in = JedisFloorIT.class.getClassLoader().getResourceAsStream("redis/clients/jedis/pom.properties")) {
            jedis.load(in);
        }
        return jedis.getProperty("version");
    }
}
