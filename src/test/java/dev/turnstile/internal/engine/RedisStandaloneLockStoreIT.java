package dev.turnstile.internal.engine;

import dev.turnstile.spi.LockStore;
import java.util.List;
import redis.clients.jedis.HostAndPort;

/** The lock contract on a real standalone Redis server. */
class RedisStandaloneLockStoreIT extends RedisLockStoreContract {

    @Override
    protected LockStore newStore() {
        return RedisTestServers.standaloneStore(prefix);
    }

    @Override
    protected Iterable<HostAndPort> nodes() {
        return List.of(RedisTestServers.standalone());
    }
}
