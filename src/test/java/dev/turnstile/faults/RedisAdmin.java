package dev.turnstile.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Short administrative connections to one node (never through the engine). */
final class RedisAdmin {

    private static final int TIMEOUT_MILLIS = 2000;
    private static final int SCAN_COUNT = 1000;

    private RedisAdmin() {}

    static <T> T with(HostAndPort node, Function<Jedis, T> work) {
        try (Jedis jedis = new Jedis(node.getHost(), node.getPort(), TIMEOUT_MILLIS)) {
            return work.apply(jedis);
        }
    }

    static boolean pings(HostAndPort node) {
        try {
            return "PONG".equals(with(node, Jedis::ping));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** {@code CLIENT KILL TYPE pubsub}: the number of connections closed. */
    static long killPubSubClients(HostAndPort node) {
        return with(node, j -> j.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB)));
    }

    /** A key and its PTTL (-1: no TTL). */
    record KeyTtl(String key, long pttl) {}

    /**
     * Every key under {@code prefix:} on this node with its PTTL. A replica is asked with
     * READONLY so that it answers for its own keys.
     */
    static List<KeyTtl> keys(HostAndPort node, String prefix, boolean replica) {
        return with(node, j -> {
            if (replica) {
                j.readonly();
            }
            List<KeyTtl> found = new ArrayList<>();
            ScanParams params = new ScanParams().match(prefix + ":*").count(SCAN_COUNT);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = j.scan(cursor, params);
                for (String key : page.getResult()) {
                    long ttl = j.pttl(key);
                    if (ttl != -2) {
                        found.add(new KeyTtl(key, ttl));
                    }
                }
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
            return found;
        });
    }

    static String clusterNodes(HostAndPort node) {
        return with(node, Jedis::clusterNodes);
    }

    static boolean clusterStateOk(HostAndPort node) {
        try {
            return with(node, Jedis::clusterInfo).contains("cluster_state:ok");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The node's role ("master", "slave"), or "down" when it does not answer. */
    static String role(HostAndPort node) {
        try {
            return with(node, j -> String.valueOf(j.role().get(0)));
        } catch (RuntimeException e) {
            return "down";
        }
    }

    static String info(HostAndPort node, String section) {
        return with(node, j -> j.info(section));
    }
}
