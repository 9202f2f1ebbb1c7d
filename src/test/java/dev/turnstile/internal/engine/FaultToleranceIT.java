package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.BusyException;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileBuilder;
import dev.turnstile.TurnstileListener;
import dev.turnstile.testing.RedisClusterProcesses;
import dev.turnstile.testing.RedisProcess;
import dev.turnstile.testing.TcpProxy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;

/**
 * The faults of a real Redis that must not turn into long lock-outs or silent risks: a reply that
 * comes too late, a watchdog that stalls, a Cluster node that fails, a release that fails, a
 * wake-up connection that hangs, a call that hangs, eviction, keys of an unexpected type. Each test
 * waits for outcomes (a grant, a listener event, a thrown exception), never for a time to pass:
 * every lease and re-check is far longer than the test's wait unless the fault handling works.
 */
class FaultToleranceIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Longer than {@link #WAIT}: a place left behind would hold its session past the test's wait. */
    private static final Duration LONG = Duration.ofSeconds(60);

    private final Deque<AutoCloseable> cleanup = new ArrayDeque<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    /** One prefix per test; its keys on the shared server are deleted afterwards. */
    private final String prefix = "faults-it-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void closeAll() throws Exception {
        threads.shutdownNow();
        while (!cleanup.isEmpty()) {
            cleanup.pop().close();
        }
        String url = System.getProperty("turnstile.test.redis", "");
        if (!url.isBlank()) {
            HostAndPort node = RedisTestServers.standalone();
            try (Jedis jedis = new Jedis(node, RedisTestServers.clientConfig())) {
                RedisTestServers.keys(List.of(node), prefix).forEach(jedis::del);
            }
        }
    }

    // 1. a slow Redis: the place granted to an acquire whose answer came too late

    @Test
    void anAcquireAnsweredTooLateLeavesNoPlaceBehind() throws Exception {
        RedisProcess redis = closeLater(RedisProcess.start());
        String session = session();
        Turnstile late =
                engine(redis.url(), b -> b.redisTimeout(Duration.ofMillis(300)).lease(LONG));
        Turnstile next =
                engine(redis.url(), b -> b.lease(LONG).recheckInterval(LONG).acquireTimeout(LONG));
        late.acquire(session(), null, Mode.WRITE).close(); // a pooled connection exists: the command is sent

        redis.pause(); // kill -STOP: Redis keeps the bytes and runs them when it resumes
        assertThrows(BackendUnavailableException.class, () -> late.acquire(session, "turn-late", Mode.WRITE));
        redis.resume(); // the delayed acquire runs now and may be granted its place

        Permit permit = within(
                () -> next.acquire(session, "turn-next", Mode.WRITE),
                "the next turn waited for the place of the acquire that came too late");
        permit.close();
    }

    // 2. leaseLost() from the permit's own deadline

    @Test
    void leaseLostTurnsTrueAtTheDeadlineEvenWhenTheWatchdogStalls() throws Exception {
        String url = RedisTestServers.standaloneUrl();
        String session = session();
        ScheduledExecutorService stalled = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch unblock = new CountDownLatch(1);
        closeLater(() -> {
            unblock.countDown();
            stalled.shutdownNow();
        });
        stalled.submit(() -> {
            unblock.await();
            return null;
        }); // the watchdog's thread is busy: no renewal, no check
        Turnstile holder = engine(url, b -> b.lease(Duration.ofSeconds(1)).watchdogExecutor(stalled));
        Turnstile other = engine(url, b -> b.acquireTimeout(LONG));
        Permit permit = holder.acquire(session, "turn-1", Mode.WRITE);
        assertFalse(permit.leaseLost());

        Permit next = within(() -> other.acquire(session, "turn-2", Mode.WRITE), "the lease never ran out");
        assertTrue(permit.leaseLost(), "another turn holds the session: the permit must say its lease is lost");
        next.close();
        permit.close();
    }

    // 4. one Cluster node fails: only its sessions lose their places

    @Test
    void aFailingClusterNodeCostsOnlyItsOwnSessionsTheirLeases() throws Exception {
        RedisClusterProcesses cluster = closeLater(RedisClusterProcesses.start());
        RedisKeys keys = new RedisKeys(prefix);
        String healthy = session();
        String failing = session();
        while (cluster.nodeOf(keys.base(Hashing.sessionHash(failing)))
                == cluster.nodeOf(keys.base(Hashing.sessionHash(healthy)))) {
            failing = session();
        }
        String failingHash = Hashing.sessionHash(failing);
        CountDownLatch failingLost = new CountDownLatch(1);
        Set<String> lost = ConcurrentHashMap.newKeySet();
        TurnstileListener listener = new TurnstileListener() {
            @Override
            public void leaseLost(String sessionHash, Mode mode) {
                lost.add(sessionHash);
                if (sessionHash.equals(failingHash)) {
                    failingLost.countDown();
                }
            }
        };
        Turnstile turnstile = closeLater(Turnstile.builder()
                .redisCluster(cluster.seedList())
                .keyPrefix(prefix)
                .lease(Duration.ofMillis(1500))
                .redisTimeout(Duration.ofMillis(300))
                .listener(listener)
                .build());
        Permit onHealthy = turnstile.acquire(healthy, "t", Mode.WRITE);
        Permit onFailing = turnstile.acquire(failing, "t", Mode.WRITE);

        RedisProcess node = cluster.nodeOf(keys.base(failingHash));
        node.pause();
        try {
            assertTrue(
                    failingLost.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the failing node's lease was not lost");
            assertTrue(onFailing.leaseLost());
            assertFalse(onHealthy.leaseLost(), "a place on a healthy node must stay renewed");
            assertEquals(Set.of(failingHash), lost);
        } finally {
            node.resume();
        }
        onHealthy.close();
        onFailing.close();
    }

    // 5. a release that failed is retried

    @Test
    void aFailedReleaseIsRetriedSoTheNextTurnNeedNotWaitALease() throws Exception {
        RedisProcess redis = closeLater(RedisProcess.start());
        String session = session();
        Turnstile holder =
                engine(redis.url(), b -> b.redisTimeout(Duration.ofMillis(300)).lease(LONG));
        Turnstile next =
                engine(redis.url(), b -> b.lease(LONG).recheckInterval(LONG).acquireTimeout(LONG));
        Permit permit = holder.acquire(session, "turn-1", Mode.WRITE);

        try (Jedis admin = redis.admin()) {
            // CLIENT PAUSE holds every command; a client that gives up meanwhile is dropped before
            // its command runs: the release is lost for good, unless it is sent again
            admin.clientPause(2000, ClientPauseMode.ALL);
        }
        permit.close(); // times out: must not throw

        Permit granted = within(
                () -> next.acquire(session, "turn-2", Mode.WRITE),
                "the next turn waited for the lease of a release that failed once");
        granted.close();
    }

    // 6. every wait of an acquisition counts against its deadline; no lock across network I/O

    @Test
    void aWaiterGivesUpAtItsDeadlineWhileTheWakeUpConnectionHangs() throws Exception {
        HostAndPort node = RedisTestServers.standalone();
        TcpProxy proxy = TcpProxy.to(node.getHost(), node.getPort());
        String session = session();
        Turnstile holder = closeLater(Turnstile.builder()
                .redisUrl(RedisTestServers.standaloneUrl())
                .keyPrefix(prefix)
                .build());
        Turnstile waiter = closeLater(Turnstile.builder()
                .redisUrl("redis://127.0.0.1:" + proxy.port())
                .keyPrefix(prefix)
                .redisTimeout(LONG)
                .acquireTimeout(Duration.ofMillis(500))
                .build());
        closeLater(proxy); // closed first: a connect it holds ends at once
        waiter.acquire(session(), null, Mode.WRITE).close(); // the command connection is open

        try (Permit held = holder.acquire(session, "turn-1", Mode.WRITE)) {
            proxy.holdNewConnections(); // the wake-up connection's connect hangs (for LONG)
            Future<Permit> call = threads.submit(() -> waiter.acquire(session, "turn-2", Mode.WRITE));
            ExecutionException busy = assertThrows(
                    ExecutionException.class,
                    () -> call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS),
                    "the waiter must give up at its deadline, not when the hung connect does");
            assertTrue(busy.getCause() instanceof BusyException, busy.getCause().toString());
            // another session of the same node is not held up by the hung connect either
            String other = session();
            Future<Permit> free = threads.submit(() -> waiter.acquire(other, "turn-1", Mode.WRITE));
            free.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).close();
            assertTrue(held.fence().isPresent());
        }
    }

    @Test
    void aWaiterWhoseSubscriptionNeverComesStillLooksAgainEveryRecheck() throws Exception {
        HostAndPort node = RedisTestServers.standalone();
        TcpProxy proxy = TcpProxy.to(node.getHost(), node.getPort());
        String session = session();
        CountDownLatch waiting = new CountDownLatch(1);
        Turnstile holder = closeLater(Turnstile.builder()
                .redisUrl(RedisTestServers.standaloneUrl())
                .keyPrefix(prefix)
                .build());
        Turnstile waiter = closeLater(Turnstile.builder()
                .redisUrl("redis://127.0.0.1:" + proxy.port())
                .keyPrefix(prefix)
                .redisTimeout(LONG)
                .acquireTimeout(LONG)
                .recheckInterval(Duration.ofMillis(200))
                .listener(new TurnstileListener() {
                    @Override
                    public void waited(String sessionHash, Mode mode, dev.turnstile.BusyReason reason) {
                        waiting.countDown();
                    }
                })
                .build());
        closeLater(proxy);
        waiter.acquire(session(), null, Mode.WRITE).close(); // the command connection is open

        Permit held = holder.acquire(session, "turn-1", Mode.WRITE);
        proxy.holdNewConnections(); // the wake-up connection never comes up: no wake-up at all
        Future<Permit> call = threads.submit(() -> waiter.acquire(session, "turn-2", Mode.WRITE));
        assertTrue(waiting.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        held.close();
        // only its re-check (200 ms) can bring it in before its deadline (60 s) and the test's wait
        call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).close();
    }

    @Test
    void aSubscriptionRefusedOverAndOverBacksOffInsteadOfSpinning() throws Exception {
        RedisProcess redis = closeLater(RedisProcess.start());
        try (Jedis admin = redis.admin()) {
            // may run the scripts, may not subscribe to any channel: SSUBSCRIBE answers NOPERM
            admin.aclSetUser("app", "on", ">pw", "~*", "resetchannels", "+@all");
        }
        String url = "redis://app:pw@127.0.0.1:" + redis.port();
        String session = session();
        Turnstile holder = engine(url, b -> b);
        Turnstile waiter = engine(url, b -> b.acquireTimeout(Duration.ofSeconds(3)));
        long before = connectionsReceived(redis);
        try (Permit held = holder.acquire(session, "turn-1", Mode.WRITE)) {
            String log = stderrOf(
                    () -> assertThrows(BusyException.class, () -> waiter.acquire(session, "turn-2", Mode.WRITE)));
            assertEquals(
                    1,
                    log.split("wake-up connection to", -1).length - 1,
                    "one WARN for the whole outage, not one per attempt: " + log);
            assertTrue(held.held());
        }
        long opened = connectionsReceived(redis) - before;
        assertTrue(
                opened < 100,
                "a refused subscription must back off, not reconnect in a loop: " + opened + " connections in 3 s");
    }

    private static long connectionsReceived(RedisProcess redis) {
        try (Jedis admin = redis.admin()) {
            return Long.parseLong(admin.info("stats")
                    .lines()
                    .filter(l -> l.startsWith("total_connections_received:"))
                    .findFirst()
                    .orElseThrow()
                    .split(":")[1]
                    .trim());
        }
    }

    // 7. a hung call stops being renewed after max-hold

    @Test
    void aCallHeldPastMaxHoldLosesItsLeaseAndTheNextTurnEnters() throws Exception {
        String url = RedisTestServers.standaloneUrl();
        String session = session();
        CountDownLatch lostReported = new CountDownLatch(1);
        Turnstile holder = engine(
                url,
                b -> b.lease(Duration.ofSeconds(1))
                        .maxHold(Duration.ofSeconds(1))
                        .listener(new TurnstileListener() {
                            @Override
                            public void leaseLost(String sessionHash, Mode mode) {
                                lostReported.countDown();
                            }
                        }));
        Turnstile other = engine(url, b -> b.acquireTimeout(LONG));
        Permit hung = holder.acquire(session, "turn-1", Mode.WRITE);

        Permit next = within(() -> other.acquire(session, "turn-2", Mode.WRITE), "max-hold did not end the hold");
        assertTrue(hung.leaseLost());
        assertTrue(lostReported.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the lost lease was not reported");
        next.close();
        hung.close();
    }

    @Test
    void withoutMaxHoldAHungCallIsRenewedForAsLongAsItRuns() {
        String url = RedisTestServers.standaloneUrl();
        String session = session();
        Turnstile holder = engine(url, b -> b.lease(Duration.ofSeconds(2)).maxHold(Duration.ZERO));
        Turnstile other = engine(url, b -> b.acquireTimeout(Duration.ofSeconds(5)));
        try (Permit hung = holder.acquire(session, "turn-1", Mode.WRITE)) {
            // 2.5 leases: a hold that was not renewed would have ended
            assertThrows(BusyException.class, () -> other.acquire(session, "turn-2", Mode.WRITE));
            assertFalse(hung.leaseLost());
        }
    }

    // 8. eviction, and scripts that check before they write

    @Test
    void aRedisThatMayEvictKeysIsNamedInAWarningAtStart() throws Exception {
        RedisProcess evicting =
                closeLater(RedisProcess.start("--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"));
        RedisProcess keeping =
                closeLater(RedisProcess.start("--maxmemory", "64mb", "--maxmemory-policy", "noeviction"));
        String warned = stderrOf(
                () -> Turnstile.builder().redisUrl(evicting.url()).build().close());
        assertTrue(warned.contains("WARN") && warned.contains("allkeys-lru") && warned.contains("noeviction"), warned);
        String quiet = stderrOf(
                () -> Turnstile.builder().redisUrl(keeping.url()).build().close());
        assertFalse(quiet.contains("maxmemory-policy"), quiet);
    }

    @Test
    void aKeyOfAnUnexpectedTypeFailsTheScriptBeforeItWritesAnything() {
        HostAndPort node = RedisTestServers.standalone();
        String session = session();
        String fence = prefix + ":{" + Hashing.sessionHash(session) + "}:fence";
        try (Jedis admin = new Jedis(node, RedisTestServers.clientConfig())) {
            admin.rpush(fence, "not a counter");
            admin.pexpire(fence, LONG.toMillis());
            Turnstile turnstile = engine(RedisTestServers.standaloneUrl(), b -> b);
            BackendUnavailableException e =
                    assertThrows(BackendUnavailableException.class, () -> turnstile.acquire(session, "t", Mode.WRITE));
            assertFalse(e.mayHaveApplied(), "Redis answered with an error: nothing ran");
            assertEquals(
                    List.of(fence),
                    RedisTestServers.keys(List.of(node), prefix),
                    "the script must not have written a key before it failed");
            admin.del(fence);
        }
    }

    // helpers

    private Turnstile engine(String url, UnaryOperator<TurnstileBuilder> settings) {
        return closeLater(settings.apply(Turnstile.builder().redisUrl(url).keyPrefix(prefix))
                .build());
    }

    private <T> T within(Callable<T> call, String failure) throws Exception {
        Future<T> result = threads.submit(call);
        try {
            return result.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            return fail(failure + " (no grant within " + WAIT.toSeconds() + " s)");
        } catch (ExecutionException e) {
            return fail(failure + ": " + e.getCause(), e.getCause());
        }
    }

    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        cleanup.push(resource);
        return resource;
    }

    private static String session() {
        return "session-" + UUID.randomUUID();
    }
}
