package dev.turnstile.internal.engine;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.SentineledConnectionProvider;

/**
 * A master found and followed through Redis Sentinel. Jedis' provider asks the Sentinels for the
 * master at start and listens on each for {@code +switch-master}; it then moves its pool to the
 * new master. Every key and channel lives on the current master. {@link #moved()} tells the
 * wake-up connections that it changed: the old master may still answer (until the Sentinels
 * demote it, or for good when it hangs), so a connection to it would not notice by itself.
 */
final class SentinelTopology extends RedisTopology {

    private final Provider provider;
    private final UnifiedJedis commands;
    private final AtomicReference<HostAndPort> followed;
    private final long joinMillis;

    private SentinelTopology(Provider provider, UnifiedJedis commands, long joinMillis) {
        this.provider = provider;
        this.commands = commands;
        this.followed = new AtomicReference<>(provider.getCurrentMaster());
        this.joinMillis = joinMillis;
    }

    /**
     * Asks the Sentinels (reached with {@code sentinelConfig}) for master {@code masterName}; its
     * connections use {@code clientConfig}. Throws when no Sentinel answers or none knows the name.
     */
    static SentinelTopology connect(
            String masterName,
            Set<HostAndPort> sentinels,
            JedisClientConfig clientConfig,
            JedisClientConfig sentinelConfig,
            GenericObjectPoolConfig<Connection> poolConfig) {
        Provider provider = new Provider(masterName, clientConfig, poolConfig, sentinels, sentinelConfig);
        UnifiedJedis commands = new StandaloneClient(provider, clientConfig.getRedisProtocol()); // one attempt
        // a listener sleeping between attempts to reach its Sentinel is interrupted; one reading is disconnected
        return new SentinelTopology(provider, commands, clientConfig.getConnectionTimeoutMillis() + 1000L);
    }

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
        return provider.getCurrentMaster();
    }

    @Override
    List<Supplier<Connection>> nodes() {
        return List.of(provider::getConnection);
    }

    /** True once for each change of master since the last call; no network I/O. */
    @Override
    public boolean moved() {
        HostAndPort before = followed.get();
        HostAndPort now = provider.getCurrentMaster();
        return !now.equals(before) && followed.compareAndSet(before, now);
    }

    /** The master the provider follows now. */
    HostAndPort master() {
        return provider.getCurrentMaster();
    }

    @Override
    public void close() {
        commands.close(); // closes the provider: its pool, and the listeners' Sentinel connections
        provider.joinListeners(joinMillis);
    }

    /** Jedis' provider, whose Sentinel listener threads can be joined after it closed. */
    private static final class Provider extends SentineledConnectionProvider {

        Provider(
                String masterName,
                JedisClientConfig clientConfig,
                GenericObjectPoolConfig<Connection> poolConfig,
                Set<HostAndPort> sentinels,
                JedisClientConfig sentinelConfig) {
            super(masterName, clientConfig, poolConfig, sentinels, sentinelConfig);
        }

        void joinListeners(long millis) {
            for (Thread listener : sentinelListeners) {
                listener.interrupt();
            }
            try {
                for (Thread listener : sentinelListeners) {
                    listener.join(millis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
