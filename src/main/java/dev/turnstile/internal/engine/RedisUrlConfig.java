package dev.turnstile.internal.engine;

import java.net.URI;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.DefaultRedisCredentials;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The client settings a Redis URL carries beyond host and port: user and password, database,
 * protocol ({@code ?protocol=3}) and TLS ({@code rediss://}). Reads them as Jedis 7.2+'s
 * {@code DefaultJedisClientConfig.builder(URI)} does, with calls that Jedis 6.0 to 8.0 all have.
 */
public final class RedisUrlConfig {

    private RedisUrlConfig() {}

    /** A client config builder with what {@code uri} says; timeouts and the rest are left to the caller. */
    @SuppressWarnings("deprecation") // ssl(boolean): what builder(URI) sets for rediss://
    public static DefaultJedisClientConfig.Builder builder(URI uri) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder();
        String user = JedisURIHelper.getUser(uri);
        String password = JedisURIHelper.getPassword(uri);
        if (user != null || password != null) {
            b.credentials(new DefaultRedisCredentials(user, password));
        }
        b.database(JedisURIHelper.getDBIndex(uri));
        RedisProtocol protocol = JedisURIHelper.getRedisProtocol(uri);
        if (protocol != null) {
            b.protocol(protocol);
        }
        if (JedisURIHelper.isRedisSSLScheme(uri)) {
            b.ssl(true);
        }
        return b;
    }
}
