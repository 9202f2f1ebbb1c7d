package dev.turnstile.examples.mcpserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import redis.clients.jedis.Jedis;

/**
 * The contract on Redis: {@code -Dturnstile.test.redis=redis://host:port} (skipped without it).
 * Each server gets a key prefix of its own, so the test can see what each one wrote.
 */
@EnabledIfSystemProperty(named = "turnstile.test.redis", matches = ".*\\S.*",
        disabledReason = "no Redis: give -Dturnstile.test.redis=redis://host:port")
class RedisStoreIT extends McpServerContract {

    private static final String REDIS = System.getProperty("turnstile.test.redis", "").trim();
    private final String prefix = "exmcp" + Long.toHexString(System.nanoTime());

    @Override
    String store() {
        return "redis";
    }

    @Override
    Map<String, String> storeEnv(String server) {
        return Map.of("TURNSTILE_REDIS_URL", REDIS, "TURNSTILE_KEY_PREFIX", prefix + "-" + server);
    }

    private Set<String> keys(String keyPrefix) {
        try (Jedis jedis = new Jedis(URI.create(REDIS))) {
            return new TreeSet<>(jedis.keys(keyPrefix + ":*"));
        }
    }

    @Override
    void assertNoPlaceTaken(String sessionHash) {
        assertEquals(Set.of(), keys(prefix + "-guarded:{" + sessionHash + "}"), "a refused request took a place");
    }

    @Test
    void theGuardedServerKeepsItsLocksInRedisAndLeavesOnlyTheFence() {
        McpSyncClient c = client(guarded);
        String hash = (String) structured(Clients.call(c, "create_refund", "K", 5)).get("sessionHash");
        structured(Clients.call(c, "get_balance", "K", 5));
        Set<String> session = new TreeSet<>(keys(prefix + "-guarded:{" + hash + "}"));
        assertEquals(Set.of(prefix + "-guarded:{" + hash + "}:fence"), session,
                "after the calls only the fence counter remains");
    }

    @Test
    void theUnguardedServersFilterTakesNoPlaceInRedis() {
        McpSyncClient c = client(unguarded);
        String hash = null;
        for (String tool : List.of("create_refund", "get_balance", "lookup_charge")) {
            hash = (String) structured(Clients.call(c, tool, "K", 1)).get("sessionHash");
        }
        // audit_note is left out: its @Guarded interceptor builds an engine of its own when the filter
        // is disabled (the library's DefaultGuardProducer does not read turnstile.enabled)
        Set<String> keys = keys(prefix + "-unguarded:{" + hash + "}");
        assertTrue(keys.isEmpty(), keys.toString());
    }
}
