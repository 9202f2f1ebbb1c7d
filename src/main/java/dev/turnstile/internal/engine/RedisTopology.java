package dev.turnstile.internal.engine;

import dev.turnstile.BackendUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.ConnectionProvider;
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

    /**
     * Runs {@code work} for every node's group and returns the results. On a Cluster the nodes run in
     * parallel, so a node that hangs (up to the Redis timeout) does not hold up the others.
     */
    <T, R> List<R> onEveryNode(Map<HostAndPort, T> groups, BiFunction<HostAndPort, T, R> work) {
        List<R> results = new ArrayList<>(groups.size());
        groups.forEach((node, group) -> results.add(work.apply(node, group)));
        return results;
    }

    /** Learns the topology again, soon and off the caller's thread (a Cluster; nothing for one server). */
    void refreshSoon() {}

    @Override
    public void close() {
        commands().close();
    }

    static RedisTopology standalone(
            HostAndPort node, JedisClientConfig clientConfig, GenericObjectPoolConfig<Connection> poolConfig) {
        PooledConnectionProvider provider = new PooledConnectionProvider(node, clientConfig, poolConfig);
        UnifiedJedis commands = new StandaloneClient(provider, clientConfig.getRedisProtocol());
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

    static RedisTopology cluster(
            Set<HostAndPort> seeds,
            JedisClientConfig clientConfig,
            GenericObjectPoolConfig<Connection> poolConfig,
            ThreadFactory threadFactory) {
        ClusterConnectionProvider provider = new ClusterConnectionProvider(seeds, clientConfig, poolConfig);
        UnifiedJedis commands = clusterClient(provider, Duration.ofMillis(clientConfig.getSocketTimeoutMillis()));
        HostAndPort fallback = seeds.iterator().next();
        DaemonThreads threads = new DaemonThreads("turnstile-cluster", threadFactory);
        ThreadPoolExecutor workers =
                new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), threads);
        // a node's work: connect (timeout), wait for the pool (timeout), read (timeout), with room to spare
        long bound =
                3L * Math.max(clientConfig.getConnectionTimeoutMillis(), clientConfig.getSocketTimeoutMillis()) + 1000;
        AtomicBoolean refreshing = new AtomicBoolean();
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
                return node != null
                        ? node
                        : fallback; // an uncovered slot: a subscription there fails and is routed again
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

            @Override
            <T, R> List<R> onEveryNode(Map<HostAndPort, T> groups, BiFunction<HostAndPort, T, R> work) {
                if (groups.size() < 2) {
                    return super.onEveryNode(groups, work);
                }
                Map<HostAndPort, Future<R>> running = new LinkedHashMap<>();
                try {
                    groups.forEach((node, group) -> running.put(node, workers.submit(() -> work.apply(node, group))));
                } catch (RejectedExecutionException e) {
                    throw new BackendUnavailableException("renew", e, false); // closing
                }
                List<R> results = new ArrayList<>(groups.size());
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(bound);
                for (Future<R> future : running.values()) {
                    try {
                        results.add(future.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS));
                    } catch (ExecutionException e) {
                        // that node's work failed outside its own handling: no outcome for it this round
                    } catch (TimeoutException e) {
                        future.cancel(true); // that node's sessions get no outcome this round
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                return results;
            }

            @Override
            void refreshSoon() {
                if (!refreshing.compareAndSet(false, true)) {
                    return;
                }
                try {
                    workers.execute(() -> {
                        try {
                            refresh();
                        } catch (RuntimeException e) {
                            // the next failure asks again
                        } finally {
                            refreshing.set(false);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    refreshing.set(false);
                }
            }

            @Override
            public void close() {
                workers.shutdownNow();
                try {
                    workers.awaitTermination(bound, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                threads.join(bound);
                super.close();
            }
        };
    }

    /**
     * The command client of a Cluster: follows redirections, {@link #CLUSTER_ATTEMPTS} attempts within
     * {@code retries}. This constructor is the one that Jedis 6.0 to 8.0 all have for a Cluster client
     * on a given provider ({@code RedisClusterClient} came with 7.2; JedisCluster is deprecated since).
     */
    @SuppressWarnings("deprecation")
    private static UnifiedJedis clusterClient(ClusterConnectionProvider provider, Duration retries) {
        return new JedisCluster(provider, CLUSTER_ATTEMPTS, retries);
    }

    /**
     * The command client of one server: one attempt per command, on a connection from the pool. Its
     * constructor is the one that Jedis 6.0 to 8.0 all have for that ({@code RedisClient} came with 7.2,
     * {@code JedisPooled} is gone in 8.0). Also the client of a master behind Sentinel.
     */
    static final class StandaloneClient extends UnifiedJedis {
        StandaloneClient(ConnectionProvider provider, RedisProtocol protocol) {
            super(provider, protocol);
        }
    }
}
