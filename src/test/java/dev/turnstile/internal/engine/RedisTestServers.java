package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The real Redis servers that scripts/test starts: system properties {@code turnstile.test.redis}
 * (a redis:// URL) and {@code turnstile.test.cluster} (host:port,host:port,...). Tests that need
 * one are skipped, with the reason, when it is not configured.
 */
public final class RedisTestServers {

    public static final Duration FENCE_RETENTION = Duration.ofMinutes(10);

    private RedisTestServers() {}

    public static HostAndPort standalone() {
        String url = System.getProperty("turnstile.test.redis", "");
        assumeTrue(!url.isBlank(), "turnstile.test.redis is not set: run scripts/test for the Redis-backed tests");
        java.net.URI uri = java.net.URI.create(url);
        return new HostAndPort(uri.getHost(), uri.getPort());
    }

    public static String standaloneUrl() {
        HostAndPort node = standalone();
        return "redis://" + node.getHost() + ":" + node.getPort();
    }

    public static Set<HostAndPort> cluster() {
        String nodes = System.getProperty("turnstile.test.cluster", "");
        assumeTrue(!nodes.isBlank(), "turnstile.test.cluster is not set: run scripts/test for the Cluster tests");
        Set<HostAndPort> result = new HashSet<>();
        for (String node : nodes.split(",")) {
            String[] hp = node.trim().split(":");
            result.add(new HostAndPort(hp[0], Integer.parseInt(hp[1])));
        }
        return result;
    }

    public static JedisClientConfig clientConfig() {
        return DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(2000)
                .socketTimeoutMillis(2000)
                .build();
    }

    public static GenericObjectPoolConfig<Connection> pool() {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(64);
        pool.setMaxIdle(64);
        pool.setJmxEnabled(false);
        return pool;
    }

    public static RedisLockStore standaloneStore(String prefix) {
        return RedisLockStore.standalone(standalone(), clientConfig(), pool(), prefix, FENCE_RETENTION);
    }

    public static RedisLockStore clusterStore(String prefix) {
        return RedisLockStore.cluster(cluster(), clientConfig(), pool(), prefix, FENCE_RETENTION);
    }

    /** Every key under {@code prefix} on the given nodes. */
    public static List<String> keys(Iterable<HostAndPort> nodes, String prefix) {
        List<String> keys = new ArrayList<>();
        for (HostAndPort node : nodes) {
            try (Jedis jedis = new Jedis(node, clientConfig())) {
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = jedis.scan(
                            cursor, new ScanParams().match(prefix + ":*").count(1000));
                    keys.addAll(page.getResult());
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            }
        }
        return keys;
    }

    /** Deletes every key under {@code prefix} on the standalone server. */
    public static void deleteStandaloneKeys(String prefix) {
        try (Jedis jedis = new Jedis(standalone(), clientConfig())) {
            keys(List.of(standalone()), prefix).forEach(jedis::del);
        }
    }

    /** The remaining TTL of a key in ms (-1 none, -2 missing), on whichever node answers for it. */
    public static long pttl(Iterable<HostAndPort> nodes, String key) {
        long best = -2;
        for (HostAndPort node : nodes) {
            try (Jedis jedis = new Jedis(node, clientConfig())) {
                long ttl = jedis.pttl(key);
                if (ttl != -2) {
                    best = ttl;
                }
            } catch (redis.clients.jedis.exceptions.JedisDataException moved) {
                // not this node's slot
            }
        }
        return best;
    }
}
