package dev.turnstile.internal.engine;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileConfig;
import dev.turnstile.TurnstileListener;
import dev.turnstile.config.SettingSource;
import dev.turnstile.config.TurnstileSettings;
import dev.turnstile.spi.Grant;
import dev.turnstile.spi.LockStore;
import dev.turnstile.spi.Place;
import dev.turnstile.testing.SentinelSetUp;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/**
 * Redis Sentinel with real failovers, on the set-up scripts/test starts (a master, its replica and
 * three Sentinels): the scripts and the wake-up connections follow the new master, and a place
 * replicated before the failover survives it. The re-check interval and the lease are 10 minutes,
 * far beyond each wait (a waiter also looks again when its holder's lease may end), so a waiter gets
 * in only when a wake-up reaches it on the new master (or its subscription is made there again): a
 * wake-up connection left on the old node fails these tests. Each test leaves
 * two data nodes behind, one replicating the other, ready for the next failover.
 */
class RedisSentinelIT {

    /** Far beyond every wait here: a waiter looks again at its re-check and when its holder's lease may end. */
    private static final Duration RECHECK = Duration.ofMinutes(10);

    private static final Duration LEASE = Duration.ofMinutes(10);
    private static final int TIMEOUT_MILLIS = 1000;
    private static final long WAIT_SECONDS = 60;

    private final String prefix = "sentinel-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final Deque<AutoCloseable> cleanup = new ArrayDeque<>();
    private SentinelSetUp setUp;

    @BeforeEach
    void setUp() {
        setUp = SentinelSetUp.fromProperty();
    }

    @AfterEach
    void closeAll() throws Exception {
        while (!cleanup.isEmpty()) {
            cleanup.pop().close();
        }
        if (setUp != null) {
            try (Jedis master = SentinelSetUp.connect(setUp.master())) {
                master.keys(prefix + ":*").forEach(master::del);
            }
        }
    }

    @Test
    void aPlaceReplicatedBeforeTheMasterHangsSurvivesTheFailoverAndItsWaiterIsWokenOnTheNewMaster() throws Exception {
        HostAndPort old = setUp.master();
        HostAndPort replica = setUp.replica();
        Semaphore denials = new Semaphore(0);
        Events events = new Events();
        LockEngine engine = engine(new Counting(store(), denials), events);
        String s = "session-" + UUID.randomUUID();
        Permit a = engine.acquire(s, "A", Mode.WRITE, Duration.ZERO);
        SentinelSetUp.await("A's place is on the replica", () -> SentinelSetUp.exists(replica, prefix + ":*"));
        CompletableFuture<Permit> b = engine.acquireAsync(s, "B", Mode.WRITE).toCompletableFuture();
        assertTrue(denials.tryAcquire(2, WAIT_SECONDS, SECONDS), "B does not sleep on its subscription");

        String pid = SentinelSetUp.pid(old);
        SentinelSetUp.signal(pid, "STOP"); // the master hangs: it answers nothing and closes no connection
        try {
            assertEquals(replica, setUp.failover());
            awaitScripts(engine); // the client learned the new master from the Sentinels
            assertTrue(
                    denials.tryAcquire(1, WAIT_SECONDS, SECONDS),
                    "B's subscription did not move to the new master (B would look again once it is there)");
            assertFalse(b.isDone(), "B got in while A held the session");
            a.close(); // released on the new master
            Permit second = b.get(WAIT_SECONDS, SECONDS); // woken by that release, on the new master
            assertTrue(second.fence().getAsLong() > a.fence().getAsLong(), "the fencing token went back");
            second.close();
        } finally {
            SentinelSetUp.signal(pid, "CONT");
        }
        String session = Turnstile.sessionHash(s);
        assertEquals(
                List.of("released " + session + " held", "released " + session + " held"),
                events.about(session),
                "A's place did not survive the failover, or a lease was lost");
        assertFalse(a.leaseLost());
        setUp.awaitReplicaOf(old, replica);
    }

    @Test
    void scriptsAndWakeUpsFollowAFailoverOfAMasterThatStaysUp() throws Exception {
        HostAndPort old = setUp.master();
        Semaphore denials = new Semaphore(0);
        LockEngine engine = engine(new Counting(store(), denials), new Events());
        String s = "session-" + UUID.randomUUID();
        handOff(engine, s, denials, old); // on the old master

        HostAndPort promoted = setUp.failover();
        setUp.awaitReplicaOf(old, promoted); // demoted; the Sentinels closed its clients
        awaitScripts(engine);
        // the old node now replicates the new master, and so would hear its wake-ups too: the
        // waiter's subscription itself must be on the new master
        handOff(engine, s, denials, promoted);
    }

    @Test
    void startsFromTheSettingsAndRefusesAMasterNameNoSentinelKnows() {
        Map<String, String> params = Map.of(
                "turnstile.redis-sentinel",
                setUp.nodes(),
                "turnstile.redis-sentinel-master",
                setUp.masterName(),
                "turnstile.key-prefix",
                prefix);
        TurnstileSettings settings =
                TurnstileSettings.load(new SettingSource(params::get, k -> null, Map.of()), path -> null);
        try (Turnstile turnstile = settings.builder().build()) {
            turnstile.ping();
            turnstile.acquire("session-" + UUID.randomUUID(), null, Mode.WRITE).close();
        }
        BackendUnavailableException unknown = assertThrows(
                BackendUnavailableException.class,
                () -> Turnstile.builder()
                        .redisSentinel(setUp.nodes())
                        .redisSentinelMaster("no-such-master")
                        .build());
        assertTrue(String.valueOf(unknown.getCause()).contains("no-such-master"), String.valueOf(unknown.getCause()));
    }

    /**
     * A holds the session; B waits until it sleeps on its subscription, which must be on
     * {@code master}; A's release must wake B.
     */
    private void handOff(LockEngine engine, String s, Semaphore denials, HostAndPort master) throws Exception {
        Permit a = engine.acquire(s, "A", Mode.WRITE, Duration.ZERO);
        CompletableFuture<Permit> b = engine.acquireAsync(s, "B", Mode.WRITE).toCompletableFuture();
        assertTrue(denials.tryAcquire(2, WAIT_SECONDS, SECONDS), "B does not sleep on a subscription");
        String channel = new RedisKeys(prefix).wakeChannel(Turnstile.sessionHash(s));
        try (Jedis jedis = SentinelSetUp.connect(master)) {
            assertEquals(Map.of(channel, 1L), jedis.pubsubShardNumSub(channel), "B's subscription is not on " + master);
        }
        a.close();
        b.get(WAIT_SECONDS, SECONDS).close();
        denials.drainPermits();
    }

    /** Until the client has heard of the new master, calls fail on the old one (or time out on it). */
    private static void awaitScripts(LockEngine engine) throws InterruptedException {
        SentinelSetUp.await("a call gets a place on the new master", () -> {
            try {
                engine.acquire("probe-" + UUID.randomUUID(), null, Mode.WRITE, Duration.ZERO)
                        .close();
                return true;
            } catch (BackendUnavailableException e) {
                return false;
            }
        });
    }

    private RedisLockStore store() {
        JedisClientConfig config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(TIMEOUT_MILLIS)
                .socketTimeoutMillis(TIMEOUT_MILLIS)
                .build();
        return RedisLockStore.sentinel(
                setUp.masterName(),
                new LinkedHashSet<>(setUp.sentinels()),
                config,
                config,
                RedisTestServers.pool(),
                prefix,
                RedisTestServers.FENCE_RETENTION,
                null);
    }

    private LockEngine engine(LockStore store, TurnstileListener listener) {
        TurnstileConfig config = new TurnstileConfig(
                prefix,
                LEASE,
                Duration.ofSeconds(2 * WAIT_SECONDS),
                RECHECK,
                RedisTestServers.FENCE_RETENTION,
                TurnstileConfig.DEFAULT_MAX_HOLD,
                TurnstileConfig.TURN_GRACE_OFF);
        LockEngine engine = new LockEngine(config, store, listener, null, System::nanoTime);
        cleanup.push(engine);
        return engine;
    }

    /** Counts the denied attempts of waiting calls: denied twice, a call sleeps on its subscription. */
    private static final class Counting extends ForwardingLockStore {
        private final Semaphore denials;

        Counting(LockStore delegate, Semaphore denials) {
            super(delegate);
            this.denials = denials;
        }

        @Override
        public Grant tryAcquire(Place place, Duration lease, Duration mark, Duration grace, String arrival) {
            Grant grant = super.tryAcquire(place, lease, mark, grace, arrival);
            if (grant instanceof Grant.Denied && !mark.isZero()) {
                denials.release();
            }
            return grant;
        }
    }

    /** Releases and lost leases, per session. */
    private static final class Events implements TurnstileListener {
        private final List<String> all = new CopyOnWriteArrayList<>();

        @Override
        public void released(String sessionHash, Mode mode, Duration held, boolean wasHeld) {
            all.add("released " + sessionHash + (wasHeld ? " held" : " not held"));
        }

        @Override
        public void leaseLost(String sessionHash, Mode mode) {
            all.add("leaseLost " + sessionHash);
        }

        List<String> about(String sessionHash) {
            return all.stream().filter(e -> e.contains(" " + sessionHash)).toList();
        }
    }
}
