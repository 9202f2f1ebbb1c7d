package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisCredentials;

/** A Redis URL gives the same client settings as Jedis 7.2+'s own {@code DefaultJedisClientConfig.builder(URI)}. */
class RedisUrlConfigTest {

    @Test
    void readsWhatJedisReadsFromAUrl() {
        for (String url : new String[] {
            "redis://127.0.0.1:6379",
            "redis://127.0.0.1:6379/",
            "redis://127.0.0.1:6379/7",
            "redis://:secret@127.0.0.1:6379",
            "redis://alice:s%40cret%3A@127.0.0.1:6379/2",
            "rediss://alice:pw@redis.example:6380/0",
            "redis://127.0.0.1:6379?protocol=3",
            "redis://127.0.0.1:6379/1?protocol=2"
        }) {
            URI uri = URI.create(url);
            assertEquals(
                    settings(DefaultJedisClientConfig.builder(uri).build()),
                    settings(RedisUrlConfig.builder(uri).build()),
                    url);
        }
    }

    private static String settings(JedisClientConfig c) {
        RedisCredentials credentials = c.getCredentialsProvider() == null
                ? null
                : c.getCredentialsProvider().get();
        String user = credentials == null ? null : credentials.getUser();
        String password =
                credentials == null || credentials.getPassword() == null ? null : new String(credentials.getPassword());
        return "user=" + user + " password=" + password + " database=" + c.getDatabase() + " ssl=" + c.isSsl()
                + " protocol=" + c.getRedisProtocol() + " timeouts=" + c.getConnectionTimeoutMillis() + "/"
                + c.getSocketTimeoutMillis() + " name=" + c.getClientName();
    }
}
