package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import dev.turnstile.testing.TcpProxy;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

/**
 * {@code TurnstileBuilder.threadFactory}: every thread a Redis-backed engine starts (watchdog,
 * waiters, pub/sub reader and sender, tool classes, clean-up) comes from the supplied factory,
 * keeps its {@code turnstile-*} name, is a daemon thread, and has ended when {@code close()} returns.
 */
class ThreadFactoryIT {

    /** Makes non-daemon threads with names of its own, as a managed factory might, and keeps them. */
    private static final class CountingFactory implements ThreadFactory {
        final List<Thread> made = new CopyOnWriteArrayList<>();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "managed-" + made.size());
            made.add(t);
            return t;
        }

        Set<String> names() {
            return made.stream()
                    .map(t -> t.getName().replaceAll("-127\\.0\\.0\\.1:\\d+$", ""))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void everyThreadComesFromTheSuppliedFactoryAndIsJoinedOnClose() throws Exception {
        HostAndPort node = RedisTestServers.standalone();
        Set<Thread> before = turnstileThreads();
        CountingFactory factory = new CountingFactory();
        String session = UUID.randomUUID().toString();
        TcpProxy proxy = TcpProxy.to(node.getHost(), node.getPort());
        try {
            Turnstile engine = Turnstile.builder()
                    .redisUrl("redis://127.0.0.1:" + proxy.port())
                    .keyPrefix("tf-" + UUID.randomUUID())
                    .threadFactory(factory)
                    .build();
            try {
                waitOneCall(engine, session);
                waitOneCall(engine, UUID.randomUUID().toString()); // subscribed by the sender: the connection is up
                Permit lost = engine.acquire(session, "turn-3", Mode.WRITE);
                proxy.close(); // the release fails: the clean-up thread takes it over
                releaseLater(lost);
                Set<Thread> others = turnstileThreads();
                others.removeAll(before);
                others.removeAll(factory.made);
                assertEquals(Set.of(), others, "threads Turnstile started without the factory");
            } finally {
                engine.close();
            }
        } finally {
            proxy.close();
        }
        assertEquals(
                Set.of(
                        "turnstile-cleanup",
                        "turnstile-tool-classes",
                        "turnstile-waiter",
                        "turnstile-wake",
                        "turnstile-wake-send",
                        "turnstile-watchdog"),
                factory.names());
        for (Thread t : factory.made) {
            assertFalse(t.isAlive(), t.getName() + " is still running after close()");
            assertTrue(t.isDaemon(), t.getName() + " is not a daemon thread");
        }
    }

    /** A second call waits (asynchronously, on the pub/sub wake-up) until the first is released. */
    private static void waitOneCall(Turnstile engine, String session) throws Exception {
        CompletableFuture<Permit> second;
        Permit first = engine.acquire(session, "turn-1", Mode.WRITE);
        try {
            second = engine.acquireAsync(session, "turn-2", Mode.WRITE).toCompletableFuture();
            assertFalse(second.isDone(), "the second call must wait for the first");
        } finally {
            first.close();
        }
        second.get(30, TimeUnit.SECONDS).close();
    }

    /** Releases a permit whose release is expected to fail (and be retried in the background). */
    private static void releaseLater(Permit permit) {
        permit.close();
    }

    private static Set<Thread> turnstileThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("turnstile-"))
                .collect(Collectors.toSet());
    }
}
