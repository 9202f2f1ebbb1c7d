package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.CallClass;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * What learned tool classes cost Redis when clients list the tools again and again (every session
 * lists them, and a client may list them as often as it likes): a list seen again unchanged should
 * not make every instance read the endpoint's whole hash again.
 */
class ToolClassesLoadIT {

    private final String prefix = "tools-load-" + UUID.randomUUID().toString().substring(0, 8);
    private final String endpoint = "/mcp-" + UUID.randomUUID();

    @AfterEach
    void cleanUp() {
        RedisTestServers.deleteStandaloneKeys(prefix);
    }

    @Test
    void aListSeenAgainUnchangedDoesNotMakeEveryInstanceReadItAgain() throws Exception {
        try (RedisLockStore a = RedisTestServers.standaloneStore(prefix);
                RedisLockStore b = RedisTestServers.standaloneStore(prefix)) {
            RedisToolClasses learnedByA = (RedisToolClasses) a.toolClasses();
            b.toolClasses().classOf(endpoint, "any"); // both instances serve the endpoint
            Map<String, Boolean> tools = new HashMap<>();
            for (int i = 0; i < 200; i++) {
                tools.put("tool_" + i, i % 2 == 0);
            }
            learnedByA.learn(endpoint, null, tools, null);
            learnedByA.flush();
            long before = hgetallCalls();
            for (int i = 0; i < 50; i++) { // 50 clients list the same tools
                learnedByA.learn(endpoint, null, tools, null);
                learnedByA.flush();
            }
            tools.put("sentinel", true); // then the list changes once: b reads it after every read queued before
            learnedByA.learn(endpoint, null, tools, null);
            for (int i = 0; i < 1500 && b.toolClasses().classOf(endpoint, "sentinel") != CallClass.READ; i++) {
                Thread.sleep(10);
            }
            long reads = hgetallCalls() - before;
            assertTrue(
                    reads <= 10,
                    "whole-hash reads of " + tools.size() + " fields for 50 unchanged lists and one"
                            + " change, on two instances: " + reads);
        }
    }

    private static long hgetallCalls() {
        try (Jedis redis = new Jedis(RedisTestServers.standalone())) {
            for (String line : redis.info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_hgetall:")) {
                    return Long.parseLong(line.replaceAll("^cmdstat_hgetall:calls=(\\d+),.*", "$1"));
                }
            }
            return 0;
        }
    }
}
