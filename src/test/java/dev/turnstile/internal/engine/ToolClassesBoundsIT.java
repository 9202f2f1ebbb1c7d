package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertNull;

import dev.turnstile.ToolClasses;
import dev.turnstile.spi.LockStore;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A server's tool list is read only up to 4 MiB (README): a list split into pages, each under the
 * limit, is still one list, so a walk whose pages together go past it teaches nothing, rather than
 * every instance keeping it in memory and Redis keeping it for 24 h.
 */
class ToolClassesBoundsIT {

    private final String prefix = "tools-bounds-" + UUID.randomUUID().toString().substring(0, 8);
    private final String endpoint = "/mcp-" + UUID.randomUUID();

    @AfterEach
    void cleanUp() {
        RedisTestServers.deleteStandaloneKeys(prefix);
    }

    static Stream<String> stores() {
        return Stream.of("in-process", "standalone");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aWalkLongerThanTheLimitOfOneListTeachesNothing(String kind) throws Exception {
        try (LockStore store =
                kind.equals("in-process") ? new InProcessLockStore() : RedisTestServers.standaloneStore(prefix)) {
            ToolClasses classes = store.toolClasses();
            classes.classOf(endpoint, "any");
            String padding = "x".repeat(100);
            int pages = 9; // 9 pages of 5000 names of ~110 bytes: about 5 MB of tool names, each page ~0.55 MB
            for (int p = 0; p < pages; p++) {
                Map<String, Boolean> page = new HashMap<>();
                for (int t = 0; t < 5000; t++) {
                    page.put("t" + p + "_" + t + "_" + padding, true);
                }
                classes.learn(endpoint, p == 0 ? null : "c" + p, page, p == pages - 1 ? null : "c" + (p + 1));
            }
            if (classes instanceof RedisToolClasses redis) {
                redis.flush();
            }
            assertNull(classes.classOf(endpoint, "t0_0_" + padding), "a 5 MB tool list was learned");
        }
    }
}
