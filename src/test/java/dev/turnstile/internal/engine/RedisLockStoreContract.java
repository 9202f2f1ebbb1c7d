package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import redis.clients.jedis.HostAndPort;

/** The lock contract on real Redis: every engine gets a store (and connection pool) of its own. */
abstract class RedisLockStoreContract extends WaitingContract {

    protected abstract Iterable<HostAndPort> nodes();

    @Override
    protected List<String> lockState() {
        return RedisTestServers.keys(nodes(), prefix).stream()
                .filter(k -> !k.endsWith(":fence") && !k.contains("}:gone:"))
                .sorted()
                .collect(Collectors.toList());
    }

    @Override
    protected void assertEverythingExpires() {
        for (String key : RedisTestServers.keys(nodes(), prefix)) {
            long ttl = RedisTestServers.pttl(nodes(), key);
            assertTrue(ttl > 0, key + " has no TTL: " + ttl);
        }
    }
}
