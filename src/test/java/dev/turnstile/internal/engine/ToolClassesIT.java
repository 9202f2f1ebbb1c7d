package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.CallClass;
import dev.turnstile.ToolClasses;
import dev.turnstile.spi.LockStore;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Learned tool classes on each store: in memory, on a standalone Redis and on a Redis Cluster. The
 * Redis stores learn in the background: {@link #settle} waits until what was handed over is done.
 */
class ToolClassesIT {

    private final String prefix = "tools-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final Deque<AutoCloseable> cleanup = new ArrayDeque<>();
    private final String endpoint = "/mcp-" + UUID.randomUUID();

    @AfterEach
    void closeAll() throws Exception {
        while (!cleanup.isEmpty()) {
            cleanup.pop().close();
        }
        RedisTestServers.deleteStandaloneKeys(prefix);
    }

    static Stream<String> stores() {
        return Stream.of("in-process", "standalone", "cluster");
    }

    private LockStore store(String kind) {
        LockStore store = switch (kind) {
            case "in-process" -> new InProcessLockStore();
            case "standalone" -> RedisTestServers.standaloneStore(prefix);
            default -> RedisTestServers.clusterStore(prefix);
        };
        cleanup.push(store);
        store.toolClasses().classOf(endpoint, "any"); // it serves the endpoint from now on
        settle(store);
        return store;
    }

    private static void settle(LockStore store) {
        if (store.toolClasses() instanceof RedisToolClasses redis) {
            try {
                redis.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void learn(LockStore store, String cursor, Map<String, Boolean> hints, String next) {
        store.toolClasses().learn(endpoint, cursor, hints, next);
        settle(store);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aFullListIsLearnedAndReplacesTheLastOne(String kind) {
        LockStore store = store(kind);
        ToolClasses classes = store.toolClasses();
        learn(store, null, Map.of("fetch_invoice", true, "get_x", false), null);
        assertEquals(CallClass.READ, classes.classOf(endpoint, "fetch_invoice"));
        assertEquals(CallClass.WRITE, classes.classOf(endpoint, "get_x"));
        assertNull(classes.classOf(endpoint, "other"));
        assertNull(classes.classOf(endpoint + "/elsewhere", "fetch_invoice"), "scoped by endpoint");
        learn(store, null, Map.of("get_x", true), null);
        assertNull(classes.classOf(endpoint, "fetch_invoice"), "a new full list replaces the last");
        assertEquals(CallClass.READ, classes.classOf(endpoint, "get_x"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void pagesAreMergedAndLearnedOnlyAfterTheWholeWalk(String kind) {
        LockStore store = store(kind);
        ToolClasses classes = store.toolClasses();
        learn(store, null, Map.of("a", true), "c1");
        learn(store, "c1", Map.of("b", false), "c2");
        assertNull(classes.classOf(endpoint, "a"), "not before the walk ends");
        learn(store, "c2", Map.of(), null);
        assertEquals(CallClass.READ, classes.classOf(endpoint, "a"));
        assertEquals(CallClass.WRITE, classes.classOf(endpoint, "b"));
        learn(store, "c-unknown", Map.of("z", true), null);
        assertNull(classes.classOf(endpoint, "z"), "a page of a walk never seen to begin teaches nothing");
        assertEquals(CallClass.READ, classes.classOf(endpoint, "a"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aChangedListDropsWhatWasLearnedAndVoidsWalksBegunBefore(String kind) {
        LockStore store = store(kind);
        ToolClasses classes = store.toolClasses();
        learn(store, null, Map.of("a", true), null);
        learn(store, null, Map.of("b", true), "c1"); // a walk begins
        store.toolClasses().forget(endpoint);
        settle(store);
        assertNull(classes.classOf(endpoint, "a"));
        learn(store, "c1", Map.of("c", true), null);
        assertNull(classes.classOf(endpoint, "b"), "the walk began before the change");
        learn(store, null, Map.of("c", true), null);
        assertEquals(CallClass.READ, classes.classOf(endpoint, "c"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void anotherInstanceOnTheSameRedisUsesWhatOneLearned(String kind) throws Exception {
        if (kind.equals("in-process")) {
            return; // one instance only
        }
        LockStore a = store(kind);
        LockStore b = store(kind);
        learn(a, null, Map.of("fetch_invoice", true), null);
        assertTrue(
                eventually(b, s -> s.toolClasses().classOf(endpoint, "fetch_invoice") == CallClass.READ),
                "b never heard of what a learned");
        a.toolClasses().forget(endpoint);
        assertTrue(
                eventually(b, s -> s.toolClasses().classOf(endpoint, "fetch_invoice") == null),
                "b never heard that the list changed");
    }

    /** Waits for the pub/sub message to reach the other instance (or its periodic read). */
    private static boolean eventually(LockStore store, Function<LockStore, Boolean> condition)
            throws InterruptedException {
        for (int i = 0; i < 1500; i++) {
            if (condition.apply(store)) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }
}
