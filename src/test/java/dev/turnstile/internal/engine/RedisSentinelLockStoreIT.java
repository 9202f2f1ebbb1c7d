package dev.turnstile.internal.engine;

import dev.turnstile.spi.LockStore;
import dev.turnstile.testing.SentinelSetUp;
import java.util.LinkedHashSet;
import java.util.List;
import redis.clients.jedis.HostAndPort;

/** The lock contract on the master that the Sentinels of scripts/test's Sentinel set-up watch. */
class RedisSentinelLockStoreIT extends RedisLockStoreContract {

    @Override
    protected LockStore newStore() {
        SentinelSetUp setUp = SentinelSetUp.fromProperty();
        return RedisLockStore.sentinel(
                setUp.masterName(),
                new LinkedHashSet<>(setUp.sentinels()),
                RedisTestServers.clientConfig(),
                RedisTestServers.clientConfig(),
                RedisTestServers.pool(),
                prefix,
                RedisTestServers.FENCE_RETENTION,
                null);
    }

    @Override
    protected Iterable<HostAndPort> nodes() {
        return List.of(SentinelSetUp.fromProperty().master());
    }
}
