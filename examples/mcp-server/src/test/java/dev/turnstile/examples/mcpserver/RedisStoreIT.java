package dev.turnstile.examples.mcpserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import redis.clients.jedis.Jedis;

/**
 * The contract on Redis: {@code -Dturnstile.test.redis=redis://host:port} (skipped without it).
 * Each server gets a key prefix of its own, so the test can see what each one wrote.
 */
@EnabledIfSystemProperty(
        named = "turnstile.test.redis",
        matches = ".*\\S.*",
        disabledReason = "no Redis: give -Dturnstile.test.redis=redis://host:port")
class RedisStoreIT extends McpServerContract {

    private static final String REDIS =
            System.getProperty("turnstile.test.redis", "").trim();
    /** The longest wait for a release after the answer reached the client (a bound, not an expectation). */
    private static final long RELEASED_WITHIN_MS = 3_000;

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
    void theGuardedServerKeepsItsLocksInRedisAndLeavesOnlyTheFence() throws InterruptedException {
        McpSyncClient c = client(guarded);
        String hash =
                (String) structured(Clients.call(c, "create_refund", "K", 5)).get("sessionHash");
        structured(Clients.call(c, "get_balance", "K", 5));
        // the place is released when the server's asynchronous response completes, which may be just after
        // the client has read the answer: wait for that (a state), at most RELEASED_WITHIN_MS
        Set<String> fenceOnly = Set.of(prefix + "-guarded:{" + hash + "}:fence");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RELEASED_WITHIN_MS);
        Set<String> session = keys(prefix + "-guarded:{" + hash + "}");
        while (!session.equals(fenceOnly) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            session = keys(prefix + "-guarded:{" + hash + "}");
        }
        assertEquals(fenceOnly, session, "after the calls only the fence counter remains");
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
