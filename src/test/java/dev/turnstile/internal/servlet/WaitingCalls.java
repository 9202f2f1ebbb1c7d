package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.internal.engine.Hashing;
import dev.turnstile.internal.engine.RedisTestServers;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.Jedis;

/** Raw calls for the waiting tests, and what Redis shows of them (waiting calls, lock keys). */
final class WaitingCalls implements AutoCloseable {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final String prefix;

    WaitingCalls(String prefix) {
        this.prefix = prefix;
    }

    static String toolCall(String tool, Map<String, Object> args) {
        return McpHttp.toolCall(McpHttp.nextId(), tool, args);
    }

    HttpResponse<String> post(URI endpoint, String session, String turn, String body) throws Exception {
        return McpHttp.send(endpoint, session, turn, body);
    }

    Future<HttpResponse<String>> postAsync(URI endpoint, String session, String turn, String body) {
        return threads.submit(() -> McpHttp.send(endpoint, session, turn, body));
    }

    /** Calls of the session that wait in Redis (the session's {@code waiting} set). */
    long waiting(String session) {
        try (Jedis jedis = new Jedis(RedisTestServers.standalone(), RedisTestServers.clientConfig())) {
            return jedis.zcard(prefix + ":{" + Hashing.sessionHash(session) + "}:waiting");
        }
    }

    /** Waits (bounded) until at least {@code calls} calls of the session wait in Redis. */
    void awaitWaiting(String session, int calls) throws InterruptedException {
        awaitTrue(() -> waiting(session) >= calls, "fewer than " + calls + " calls wait in Redis");
    }

    /** Waits (bounded) until no lock key but fence counters is left under the prefix. */
    void awaitNoLockKeys() throws InterruptedException {
        awaitTrue(() -> lockKeys().isEmpty(), "lock keys left");
        assertEquals(List.of(), lockKeys());
    }

    List<String> lockKeys() {
        return RedisTestServers.keys(List.of(RedisTestServers.standalone()), prefix).stream()
                .filter(k -> !k.endsWith(":fence"))
                .toList();
    }

    /** Polls (every 10 ms, at most 20 s) for an outcome; fails with {@code failure} when it does not come. */
    static void awaitTrue(BooleanSupplier outcome, String failure) throws InterruptedException {
        for (int i = 0; i < 2000 && !outcome.getAsBoolean(); i++) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertTrue(outcome.getAsBoolean(), failure);
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
