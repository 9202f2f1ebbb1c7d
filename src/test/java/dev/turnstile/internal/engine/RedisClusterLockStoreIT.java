package dev.turnstile.internal.engine;

import dev.turnstile.spi.LockStore;
import redis.clients.jedis.HostAndPort;

/** The lock contract on a real local 3-master Redis Cluster: sessions spread over the masters. */
class RedisClusterLockStoreIT extends RedisLockStoreContract {

    @Override
    protected LockStore newStore() {
        return RedisTestServers.clusterStore(prefix);
    }

    @Override
    protected Iterable<HostAndPort> nodes() {
        return RedisTestServers.cluster();
    }
}
