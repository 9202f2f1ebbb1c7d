package dev.turnstile.itjedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.BusyException;
import dev.turnstile.CallClass;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.ToolClasses;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every place where Turnstile calls Jedis, driven through the public API against a real Redis:
 * EVALSHA and the EVAL after NOSCRIPT, the sharded pub/sub wake-up, the pipelined renewal (and its
 * NOSCRIPT fallback), the learned tool classes (scripts, hashes, their channel), PING and the
 * failures of an unreachable server. Runs once per Jedis version (scripts/test-jedis).
 */
abstract class TurnstileOnJedisContract {

    /** The Jedis version this run must see on the class path (set by the pom from -Djedis.version). */
    static final String EXPECTED_JEDIS = "turnstile.it.jedis";

    private final String prefix = "it-jedis-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Turnstile> opened = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    /** The key prefix of this test's instances. */
    String prefix() {
        return prefix;
    }

    /** The builder pointed at the Redis under test. */
    abstract TurnstileBuilder onRedis(TurnstileBuilder builder);

    abstract RedisNodes nodes();

    Turnstile open(UnaryOperator<TurnstileBuilder> settings) {
        Turnstile t = settings.apply(onRedis(Turnstile.builder().keyPrefix(prefix))).build();
        opened.add(t);
        return t;
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        opened.forEach(Turnstile::close);
    }

    @Test
    void runsOnTheJedisVersionUnderTest() throws IOException {
        Properties jedis = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("redis/clients/jedis/pom.properties")) {
            jedis.load(in);
        }
        assertEquals(System.getProperty(EXPECTED_JEDIS), jedis.getProperty("version"));
    }

    @Test
    void grantsDeniesAndReleasesAlsoAfterRedisForgotTheScripts() {
        Turnstile t = open(b -> b);
        Turnstile other = open(b -> b);
        String session = "session-" + UUID.randomUUID();
        long fence;
        try (Permit write = t.acquire(session, null, Mode.WRITE)) {
            fence = write.fence().getAsLong();
            BusyException busy = assertThrows(BusyException.class,
                    () -> other.acquire(session, "another-turn", Mode.READ, Duration.ZERO));
            assertTrue(busy.retryAfter().compareTo(Duration.ZERO) >= 0);
        }
        nodes().flushScripts(); // EVALSHA answers NOSCRIPT: the script is sent again with EVAL
        try (Permit read1 = other.acquire(session, "turn-1", Mode.READ, Duration.ZERO);
             Permit read2 = t.acquire(session, "turn-1", Mode.READ, Duration.ZERO)) {
            assertTrue(read1.held() && read2.held(), "reads of one turn hold the session together");
        }
        try (Permit write = other.acquire(session, null, Mode.WRITE, Duration.ZERO)) {
            assertTrue(write.fence().getAsLong() > fence, "fences only grow");
        }
    }

    @Test
    void aWaiterIsWokenByTheReleaseOverShardedPubSub() throws Exception {
        // the waiter looks again on its own only after five minutes (its re-check, the holder's lease):
        // within the minute it is given here, only the release's message can let it in
        Turnstile holder = open(b -> b.lease(Duration.ofMinutes(5)));
        Turnstile waiter = open(b -> b.recheckInterval(Duration.ofMinutes(5)).acquireTimeout(Duration.ofMinutes(5)));
        String session = "session-" + UUID.randomUUID();
        String channel = prefix + ":{" + Turnstile.sessionHash(session) + "}:wake";
        Permit held = holder.acquire(session, null, Mode.WRITE);
        long before = nodes().evalshaCalls();
        Future<Permit> next = threads.submit(() -> waiter.acquire(session, null, Mode.WRITE));
        // subscribed, and denied twice (before and after subscribing): it waits for a message now
        awaitTrue("the waiter subscribed and looked again",
                () -> nodes().shardSubscribers(channel) >= 1 && nodes().evalshaCalls() >= before + 2);
        held.close();
        try (Permit granted = next.get(60, TimeUnit.SECONDS)) {
            assertTrue(granted.held());
        }
    }

    @Test
    void renewalsKeepPlacesLongerThanTheirLeaseAlsoAfterRedisForgotTheScripts() throws InterruptedException {
        Duration lease = Duration.ofSeconds(1);
        Turnstile t = open(b -> b.lease(lease));
        Turnstile other = open(b -> b);
        List<String> sessions = new ArrayList<>();
        List<Permit> permits = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // on a Cluster: sessions on several nodes, one pipeline per node
            sessions.add("session-" + UUID.randomUUID());
            permits.add(t.acquire(sessions.get(i), null, Mode.WRITE));
        }
        nodes().flushScripts(); // the first renewals meet NOSCRIPT inside their pipeline
        // not a timing assertion: the places must outlive two and a half leases, so that time has to pass
        Thread.sleep(lease.multipliedBy(5).dividedBy(2).toMillis());
        for (int i = 0; i < permits.size(); i++) {
            assertTrue(permits.get(i).held() && !permits.get(i).leaseLost(), "renewed: " + i);
            String session = sessions.get(i);
            assertThrows(BusyException.class, () -> other.acquire(session, null, Mode.WRITE, Duration.ZERO));
        }
        permits.forEach(Permit::close);
    }

    @Test
    void toolClassesLearnedThroughOneInstanceReachAnother() {
        ToolClasses learner = open(b -> b).toolClasses();
        ToolClasses reader = open(b -> b).toolClasses();
        String endpoint = "/mcp/" + prefix;
        assertNull(reader.classOf(endpoint, "delete_order")); // from now on it reads and listens
        // a change published before the reader's subscription is seen only at its next periodic read (10 s)
        awaitTrue("the reader listens", () -> nodes().shardChannels(prefix + ":{t.*}:tools-changed") >= 1);
        learner.learn(endpoint, null, Map.of("find_order", true, "delete_order", false), null);
        awaitTrue("the reader learned the list", () -> reader.classOf(endpoint, "delete_order") == CallClass.WRITE
                && reader.classOf(endpoint, "find_order") == CallClass.READ);
        awaitTrue("the learner read it back", () -> learner.classOf(endpoint, "find_order") == CallClass.READ);
        learner.forget(endpoint);
        awaitTrue("the reader forgot the list", () -> reader.classOf(endpoint, "delete_order") == null);
    }

    @Test
    void pingReachesEveryNode() {
        open(b -> b).ping();
    }

    /** Waits for something that happens in the background (at most 30 s, then fails). */
    static void awaitTrue(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertFalse(System.nanoTime() - end > 0, "timed out waiting: " + what);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting: " + what);
            }
        }
    }
}
