package dev.turnstile.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Where a key lives: one standalone server, or the Cluster node that serves its slot. Gives the
 * command client, a pooled connection to a key's node (for per-node pipelines) and the nodes for
 * checks at start.
 */
abstract class RedisTopology implements WakeSubscriber.Routing, AutoCloseable {

    /** Attempts of a Cluster command (redirections and a failed node count), all within redis-timeout. */
    static final int CLUSTER_ATTEMPTS = 3;

    /** Runs commands, with redirections on a Cluster. */
    abstract UnifiedJedis commands();

    /** A pooled connection to the node that serves {@code key}; closing it gives it back. */
    abstract Connection connection(String key);

    /** The node that serves {@code key}, from what is known locally. */
    abstract HostAndPort nodeOfKey(String key);

    /** Every node, as connection suppliers (for the checks at start). */
    abstract List<Supplier<Connection>> nodes();

    @Override
    public HostAndPort nodeOf(String channel) {
        return nodeOfKey(channel);
    }

    @Override
    public void close() {
        commands().close();
    }

    static RedisTopology standalone(HostAndPort node, JedisClientConfig clientConfig,
                                    GenericObjectPoolConfig<Connection> poolConfig) {
        PooledConnectionProvider provider = new PooledConnectionProvider(node, clientConfig, poolConfig);
        UnifiedJedis commands = RedisClient.builder().hostAndPort(node).clientConfig(clientConfig)
                .connectionProvider(provider).build();
        return new RedisTopology() {
            @Override
            UnifiedJedis commands() {
                return commands;
            }

            @Override
            Connection connection(String key) {
                return provider.getConnection();
            }

            @Override
            HostAndPort nodeOfKey(String key) {
                return node;
            }

            @Override
            List<Supplier<Connection>> nodes() {
                return List.of(provider::getConnection);
            }
        };
    }

    static RedisTopology cluster(Set<HostAndPort> seeds, JedisClientConfig clientConfig,
                                 GenericObjectPoolConfig<Connection> poolConfig) {
        ClusterConnectionProvider provider = new ClusterConnectionProvider(seeds, clientConfig, poolConfig);
        UnifiedJedis commands = RedisClusterClient.builder().nodes(seeds).clientConfig(clientConfig)
                .connectionProvider(provider).maxAttempts(CLUSTER_ATTEMPTS)
                .maxTotalRetriesDuration(Duration.ofMillis(clientConfig.getSocketTimeoutMillis())).build();
        HostAndPort fallback = seeds.iterator().next();
        return new RedisTopology() {
            @Override
            UnifiedJedis commands() {
                return commands;
            }

            @Override
            Connection connection(String key) {
                return provider.getConnectionFromSlot(JedisClusterCRC16.getSlot(key));
            }

            @Override
            HostAndPort nodeOfKey(String key) {
                HostAndPort node = provider.getNode(JedisClusterCRC16.getSlot(key));
                return node != null ? node : fallback; // an uncovered slot: a subscription there fails and is routed again
            }

            @Override
            List<Supplier<Connection>> nodes() {
                List<Supplier<Connection>> nodes = new ArrayList<>();
                for (ConnectionPool pool : provider.getNodes().values()) {
                    nodes.add(pool::getResource);
                }
                return nodes;
            }

            @Override
            public void refresh() {
                provider.renewSlotCache();
            }
        };
    }
}
