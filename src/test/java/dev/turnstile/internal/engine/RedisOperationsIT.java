package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.BusyException;
import dev.turnstile.BusyReason;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileBuilder;
import dev.turnstile.TurnstileListener;
import dev.turnstile.testing.RedisProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ClientKillParams;

/**
 * Operational properties of the Redis store seen from the server side: how many commands a call
 * costs, that waiting does not poll, and how the library behaves when Redis goes away, loses a
 * message, loses its data, or a holder process dies.
 *
 * <p>Tests 1, 2, 4 and 5 run on the shared standalone server ({@code turnstile.test.redis}) and use
 * a key prefix of their own. Tests 3 and 6 stop or flush Redis, so they start a private
 * {@code redis-server} process on a free port (skipped when the binary is not on the PATH).
 * Command counts come from MONITOR: only lines of the connections that touched this test's keys
 * are counted, so other clients of the shared server cannot disturb them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisOperationsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final String ACQUIRE_SHA = LuaScript.load("acquire.lua").sha();
    private static final String RELEASE_SHA = LuaScript.load("release.lua").sha();
    private static final String RENEW_SHA = LuaScript.load("renew.lua").sha();

    private final Deque<AutoCloseable> cleanup = new ArrayDeque<>();

    @AfterEach
    void cleanUp() {
        while (!cleanup.isEmpty()) {
            try {
                cleanup.pop().close();
            } catch (Exception e) {
                // best effort: everything else must still be cleaned up
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 1. one round trip to acquire, one to release

    @Test
    void uncontendedAcquireAndReleaseCostExactlyTwoCommands() throws Exception {
        HostAndPort node = RedisTestServers.standalone();
        String prefix = sharedPrefix(node);
        String session = "session-" + UUID.randomUUID();
        Turnstile turnstile = engine(url(node), prefix, b -> b);

        // warm-up: the pool connection exists and both scripts are in the server's script cache
        turnstile.acquire(session, "warm-write", Mode.WRITE).close();
        turnstile.acquire(session, "warm-read", Mode.READ).close();

        Monitor monitor = closeLater(Monitor.start(node));
        Monitor.StatsMark beforeWrite = monitor.statsMark();
        try (Permit permit = turnstile.acquire(session, "turn-write", Mode.WRITE)) {
            assertTrue(permit.fence().isPresent());
        }
        Monitor.StatsMark afterWrite = monitor.statsMark();
        try (Permit permit = turnstile.acquire(session, "turn-read", Mode.READ)) {
            assertTrue(permit.fence().isEmpty());
        }
        Monitor.StatsMark afterRead = monitor.statsMark();

        for (Monitor.StatsMark[] window :
                new Monitor.StatsMark[][] {{beforeWrite, afterWrite}, {afterWrite, afterRead}}) {
            int from = window[0].index();
            int to = window[1].index();
            List<Monitor.Line> sent = monitor.clientLines(from, to, monitor.addressesTouching(prefix, from, to));
            assertEquals(
                    List.of("EVALSHA " + ACQUIRE_SHA, "EVALSHA " + RELEASE_SHA),
                    sent.stream().map(l -> l.command() + " " + l.arg(1)).toList(),
                    "an uncontended acquire + release must be exactly 2 commands, both EVALSHA: " + sent);

            // second view: the server's own command counters. Every client's EVALSHA between the two
            // INFO calls is counted there, so take away the ones of other clients that MONITOR saw.
            long foreignEvalsha = monitor.foreignCount(from, to, sent, "evalsha");
            long foreignEval = monitor.foreignCount(from, to, sent, "eval");
            assertEquals(
                    2,
                    window[1].calls("evalsha") - window[0].calls("evalsha") - foreignEvalsha,
                    "cmdstat_evalsha must grow by 2 per acquire + release");
            assertEquals(
                    0,
                    window[1].calls("eval") - window[0].calls("eval") - foreignEval,
                    "no script may be sent as text (EVAL) once it is cached");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 2. waiting costs nothing: no polling while the waiter sleeps

    @Test
    void waitingIssuesNoRepeatedCommands() throws Exception {
        HostAndPort node = RedisTestServers.standalone();
        String prefix = sharedPrefix(node);
        String session = "session-" + UUID.randomUUID();
        String sessionKeys = sessionKeyBase(prefix, session);
        // The holder's lease is long so that no renewal (every lease/3) falls into the window. A waiter
        // that is not woken sleeps until its deadline (30 s) and only then tries again: the test waits
        // 20 s for the grant, so it fails then.
        Turnstile holderEngine = engine(url(node), prefix, b -> b.lease(Duration.ofSeconds(60)));
        Turnstile waiterEngine = engine(
                url(node),
                prefix,
                b -> b.recheckInterval(Duration.ofSeconds(60))
                        .acquireTimeout(Duration.ofSeconds(30))
                        .lease(Duration.ofSeconds(30)));
        // warm-up in another session: pool connections and the script cache are ready
        holderEngine.acquire("warm-" + session, null, Mode.WRITE).close();
        waiterEngine.acquire("warm-" + session, null, Mode.WRITE).close();
        ExecutorService waiterThread = executor();

        Monitor monitor = closeLater(Monitor.start(node));
        int start = monitor.mark();
        Permit held = holderEngine.acquire(session, "turn-1", Mode.WRITE);
        Future<Permit> waiter = waiterThread.submit(() -> waiterEngine.acquire(session, "turn-2", Mode.WRITE));

        // the waiter tried, subscribed, tried once more after the subscription, and went to sleep
        boolean waiting = monitor.await(
                lines -> {
                    List<Monitor.Line> window = lines.subList(start, lines.size());
                    long attempts = window.stream()
                            .filter(l -> l.isEvalsha(ACQUIRE_SHA) && l.touches(sessionKeys))
                            .count();
                    boolean subscribed = window.stream().anyMatch(l -> l.is("ssubscribe") && l.touches(sessionKeys));
                    return attempts >= 3 && subscribed;
                },
                WAIT);
        assertTrue(waiting, "the waiter did not make its two busy attempts and subscribe: " + monitor.linesFrom(start));

        // the hold goes on for a while; the waiter must keep sleeping without sending anything
        assertThrows(
                TimeoutException.class,
                () -> waiter.get(500, TimeUnit.MILLISECONDS),
                "the waiter got a place while the session was held");
        held.close();
        Permit granted = result(waiter, "the waiter was not woken by the release");
        assertTrue(granted.fence().getAsLong() > held.fence().getAsLong());
        granted.close();
        int end = monitor.mark();

        List<Monitor.Line> sent = monitor.clientLines(start, end, monitor.addressesTouching(prefix, start, end));
        Map<String, Long> evalsha = sent.stream()
                .filter(l -> l.is("evalsha"))
                .collect(Collectors.groupingBy(l -> scriptName(l.arg(1)), Collectors.counting()));
        // holder acquire 1 + waiter busy 2 + waiter granted 1 = 4; holder release 1 + waiter release 1 = 2
        assertEquals(
                Map.of("acquire", 4L, "release", 2L),
                evalsha,
                "EVALSHA commands of the whole scenario (a polling waiter would send more): " + sent);
        assertEquals(0, sent.stream().filter(l -> l.is("eval")).count(), "no script sent as text: " + sent);
        assertEquals(1, sent.stream().filter(l -> l.is("ssubscribe")).count(), "one subscription: " + sent);
        Set<String> others = sent.stream()
                .map(Monitor.Line::command)
                .filter(c -> !Set.of("EVALSHA", "SSUBSCRIBE", "SUNSUBSCRIBE").contains(c))
                .collect(Collectors.toSet());
        // a connection's handshake (CLIENT SETNAME ...) is fine; anything else would be noise per call
        others.removeAll(Set.of("CLIENT", "HELLO"));
        assertEquals(Set.of(), others, "unexpected commands while waiting: " + sent);
    }

    // ---------------------------------------------------------------------------------------------
    // 3. Redis goes away and comes back

    @Test
    void unreachableRedisFailsFastAndRecoversWithoutRestart() throws Exception {
        RedisProcess redis = closeLater(RedisProcess.start());
        Recorder listener = new Recorder();
        String prefix = uniquePrefix();
        String session = "secret-session-" + UUID.randomUUID();
        Turnstile turnstile =
                engine(redis.url(), prefix, b -> b.listener(listener).redisTimeout(Duration.ofSeconds(1)));
        Permit held = turnstile.acquire(session, "turn-held", Mode.WRITE);

        redis.shutdown();

        String otherSession = "secret-session-" + UUID.randomUUID();
        String turn = "secret-turn-" + UUID.randomUUID();
        BackendUnavailableException failure = assertThrows(
                BackendUnavailableException.class, () -> turnstile.acquire(otherSession, turn, Mode.WRITE));
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String text = String.valueOf(t.getMessage());
            for (String secret : List.of(session, otherSession, turn, "turn-held")) {
                assertFalse(text.contains(secret), "an error message names a session or turn id: " + text);
            }
        }
        assertTrue(listener.backendErrors.contains("acquire"), "backendError(acquire) " + listener.backendErrors);

        assertDoesNotThrow(held::close, "closing a permit never throws, also when Redis is gone");
        assertTrue(
                listener.backendErrors.contains("release"),
                "the failed release must be reported as backendError(release): " + listener.backendErrors);

        redis.restart();
        try (Permit again = turnstile.acquire(session, "turn-after-restart", Mode.WRITE, WAIT)) {
            assertTrue(again.fence().isPresent());
            assertFalse(again.leaseLost());
        }
        try (Permit again = turnstile.acquire(otherSession, turn, Mode.READ, WAIT)) {
            assertEquals(Mode.READ, again.mode());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 4. a dropped pub/sub connection is opened again at once, for a waiter already waiting

    @Test
    void aKilledWakeUpConnectionIsReopenedAndResubscribedForTheWaitersAlreadyWaiting() throws Exception {
        HostAndPort node = RedisTestServers.standalone();
        String prefix = sharedPrefix(node);
        String session = "session-" + UUID.randomUUID();
        String sessionKeys = sessionKeyBase(prefix, session);
        String channel = sessionKeys + "wake";
        Recorder listener = new Recorder();
        // The re-check (60 s), the holder's lease and the waiter's deadline are all far beyond the
        // test's wait (20 s): only a wake-up on a re-opened connection can bring the waiter in.
        Turnstile holderEngine = engine(url(node), prefix, b -> b.lease(Duration.ofSeconds(60)));
        Turnstile waiterEngine = engine(
                url(node),
                prefix,
                b -> b.listener(listener)
                        .recheckInterval(Duration.ofSeconds(60))
                        .acquireTimeout(Duration.ofSeconds(60))
                        .lease(Duration.ofSeconds(60)));
        ExecutorService waiterThread = executor();
        Monitor monitor = closeLater(Monitor.start(node));
        int start = monitor.mark();

        Permit held = holderEngine.acquire(session, "turn-1", Mode.WRITE);
        Future<Permit> waiter = waiterThread.submit(() -> waiterEngine.acquire(session, "turn-2", Mode.WRITE));
        assertTrue(listener.waited.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the waiter never waited");
        String address = subscriber(monitor, start, channel);
        for (int round = 0; round < 2; round++) {
            // drop the wake-up connection (and only it: other suites may share this server)
            int afterKill = monitor.mark();
            long killed = monitor.admin()
                    .clientKill(new ClientKillParams().type(ClientType.PUBSUB).addr(address));
            assertEquals(1, killed, "CLIENT KILL TYPE pubsub ADDR " + address);
            String again = subscriber(monitor, afterKill, channel);
            assertNotEquals(address, again, "the channel must be subscribed on a new connection");
            address = again;
            assertFalse(waiter.isDone(), "the waiter finished while the session was held");
        }

        held.close();
        Permit granted = result(waiter, "the waiter was not woken through the re-opened connection");
        assertTrue(granted.fence().getAsLong() > held.fence().getAsLong());
        granted.close();
    }

    /**
     * The address of the connection that subscribes {@code channel} after line {@code from}. MONITOR
     * shows a command once the server ran it: the subscription is in place when this returns.
     */
    private static String subscriber(Monitor monitor, int from, String channel) throws InterruptedException {
        int subscribed =
                monitor.awaitIndex(from, l -> l.is("ssubscribe") && l.args().contains(channel), WAIT);
        assertTrue(subscribed >= 0, "nobody subscribed to " + channel + ": " + monitor.linesFrom(from));
        return monitor.line(subscribed).address();
    }

    // ---------------------------------------------------------------------------------------------
    // 5. kill -9 of a holder

    @Test
    void aKilledHolderProcessFreesItsSessionWithinOneLease() throws Exception {
        HostAndPort node = RedisTestServers.standalone();
        String prefix = sharedPrefix(node);
        String session = "session-" + UUID.randomUUID();
        Path stderr = Files.createTempFile("turnstile-holder", ".log");
        closeLater(() -> Files.deleteIfExists(stderr));
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        HolderProcessMain.class.getName(),
                        url(node),
                        prefix,
                        session,
                        "turn-dead")
                .redirectError(stderr.toFile());
        Process holder = builder.start();
        closeLater(() -> {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        });
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        String line;
        try {
            line = CompletableFuture.supplyAsync(() -> {
                        try {
                            return out.readLine();
                        } catch (IOException e) {
                            return null;
                        }
                    })
                    .get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            line = null;
        }
        if (line == null || !line.startsWith("HELD ")) {
            fail("the holder process did not report its place (" + line + "): " + Files.readString(stderr));
        }
        long deadFence = Long.parseLong(line.substring("HELD ".length()).trim());

        Turnstile turnstile = engine(url(node), prefix, b -> b.acquireTimeout(WAIT));
        BusyException busy = assertThrows(
                BusyException.class,
                () -> turnstile.acquire(session, "turn-alive", Mode.WRITE, Duration.ZERO),
                "the holder process must hold the session before it is killed");
        assertEquals(BusyReason.SESSION_BUSY, busy.reason());

        holder.destroyForcibly(); // SIGKILL: no release, no more renewals
        assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "the holder process did not die");

        try (Permit permit = turnstile.acquire(session, "turn-alive", Mode.WRITE)) {
            assertTrue(
                    permit.fence().getAsLong() > deadFence,
                    "fence " + permit.fence() + " must be greater than the dead holder's " + deadFence);
        }
        String fenceKey = sessionKeyBase(prefix, session) + "fence";
        assertEquals(
                List.of(fenceKey),
                RedisTestServers.keys(List.of(node), prefix),
                "only the fence counter may remain once no call of the session is in flight");
    }

    // ---------------------------------------------------------------------------------------------
    // 6. Redis loses its data

    @Test
    void redisLosingItsDataReportsLostLeasesAndFencesStillGrow() throws Exception {
        RedisProcess redis = closeLater(RedisProcess.start()); // FLUSHALL must not hit the shared server
        Recorder listener = new Recorder();
        String prefix = uniquePrefix();
        String session = "session-" + UUID.randomUUID();
        Turnstile turnstile =
                engine(redis.url(), prefix, b -> b.listener(listener).lease(Duration.ofMillis(900)));
        Permit first = turnstile.acquire(session, "turn-1", Mode.WRITE);
        long f1 = first.fence().getAsLong();

        try (Jedis admin = new Jedis(redis.node(), RedisTestServers.clientConfig())) {
            assertEquals("OK", admin.flushAll());
        }

        // the watchdog's next renewal (every lease/3) finds the place gone
        assertTrue(listener.leaseLost.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "leaseLost was not reported");
        assertTrue(first.leaseLost(), "the permit must say that its lease is lost");

        try (Permit second = turnstile.acquire(session, "turn-2", Mode.WRITE, Duration.ZERO)) {
            long f2 = second.fence().getAsLong();
            assertTrue(f2 > f1, "fence " + f2 + " after the flush must be greater than " + f1);
        }
        first.close();
        assertTrue(listener.releasedNotHeld.get() >= 1, "releasing the lost place must say wasHeld=false");
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    private Turnstile engine(String url, String prefix, UnaryOperator<TurnstileBuilder> settings) {
        Turnstile turnstile = settings.apply(Turnstile.builder().redisUrl(url).keyPrefix(prefix))
                .build();
        return closeLater(turnstile);
    }

    /** The waiter's permit, or a failure when it does not come within {@link #WAIT}. */
    private static Permit result(Future<Permit> waiter, String failure) throws Exception {
        try {
            return waiter.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(failure + " within " + WAIT.toSeconds() + " s");
        }
    }

    private ExecutorService executor() {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "redis-operations-it-waiter");
            t.setDaemon(true);
            return t;
        });
        closeLater(executor::shutdownNow);
        return executor;
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        cleanup.push(resource);
        return resource;
    }

    private static String uniquePrefix() {
        return "ops-it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A prefix on the shared server; its keys (fence counters) are deleted after the test. */
    private String sharedPrefix(HostAndPort node) {
        String prefix = uniquePrefix();
        cleanup.addLast(() -> {
            try (Jedis jedis = new Jedis(node, RedisTestServers.clientConfig())) {
                for (String key : RedisTestServers.keys(List.of(node), prefix)) {
                    jedis.del(key);
                }
            }
        });
        return prefix;
    }

    private static String url(HostAndPort node) {
        return "redis://" + node.getHost() + ":" + node.getPort();
    }

    private static String sessionKeyBase(String prefix, String sessionId) {
        return prefix + ":{" + Hashing.sessionHash(sessionId) + "}:";
    }

    private static String scriptName(String sha) {
        if (ACQUIRE_SHA.equals(sha)) {
            return "acquire";
        }
        if (RELEASE_SHA.equals(sha)) {
            return "release";
        }
        if (RENEW_SHA.equals(sha)) {
            return "renew";
        }
        return sha;
    }

    /** Records listener events the tests wait for. */
    private static final class Recorder implements TurnstileListener {
        final CountDownLatch waited = new CountDownLatch(1);
        final CountDownLatch leaseLost = new CountDownLatch(1);
        final List<String> backendErrors = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger releasedNotHeld =
                new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void waited(String sessionHash, Mode mode, BusyReason reason) {
            waited.countDown();
        }

        @Override
        public void leaseLost(String sessionHash, Mode mode) {
            leaseLost.countDown();
        }

        @Override
        public void released(String sessionHash, Mode mode, Duration held, boolean wasHeld) {
            if (!wasHeld) {
                releasedNotHeld.incrementAndGet();
            }
        }

        @Override
        public void backendError(String operation, Throwable error) {
            backendErrors.add(operation);
        }
    }

    /**
     * A MONITOR connection on one server plus an admin connection for markers and kills. Lines are
     * kept in server order; markers (ECHO or INFO from the admin connection) cut the stream into
     * windows, and every command executed before a marker is seen before it.
     */
    static final class Monitor implements AutoCloseable {

        /** One MONITOR line: the client address ("lua" inside scripts) and the arguments. */
        record Line(String address, List<String> args, String raw) {
            String command() {
                return args.isEmpty() ? "" : args.get(0).toUpperCase(Locale.ROOT);
            }

            String arg(int i) {
                return i < args.size() ? args.get(i) : null;
            }

            boolean is(String command) {
                return command().equalsIgnoreCase(command);
            }

            boolean isEvalsha(String sha) {
                return is("evalsha") && sha.equals(arg(1));
            }

            boolean fromScript() {
                return address.equals("lua");
            }

            boolean touches(String text) {
                return args.stream().anyMatch(a -> a.contains(text));
            }

            @Override
            public String toString() {
                return address + " " + String.join(" ", args);
            }
        }

        /** An INFO commandstats taken from the admin connection, and its place in the stream. */
        record StatsMark(int index, Map<String, Long> calls) {
            long calls(String command) {
                return calls.getOrDefault(command, 0L);
            }
        }

        private final Jedis admin;
        private final Jedis monitorConnection;
        private final String adminAddress;
        private final long monitorId;
        private final Thread thread;
        private final Object lock = new Object();
        private final List<Line> lines = new ArrayList<>(); // guarded by lock
        private int lastMark = -1;

        private Monitor(HostAndPort node) {
            this.admin = new Jedis(node, RedisTestServers.clientConfig());
            this.adminAddress = field(admin.clientInfo(), "addr");
            this.monitorConnection = new Jedis(
                    node,
                    DefaultJedisClientConfig.builder()
                            .connectionTimeoutMillis(2000)
                            .socketTimeoutMillis(0)
                            .build());
            this.monitorId = monitorConnection.clientId();
            this.thread = new Thread(
                    () -> {
                        try {
                            monitorConnection.monitor(new JedisMonitor() {
                                @Override
                                public void onCommand(String command) {
                                    add(parse(command));
                                }
                            });
                        } catch (RuntimeException e) {
                            // killed by close()
                        }
                    },
                    "redis-operations-it-monitor");
            thread.setDaemon(true);
        }

        static Monitor start(HostAndPort node) throws InterruptedException {
            Monitor monitor = new Monitor(node);
            monitor.thread.start();
            String token = "turnstile-it-start-" + UUID.randomUUID();
            long deadline = System.nanoTime() + WAIT.toNanos();
            // MONITOR is on once it shows our marker; until then a marker may go unseen, so repeat it
            while (System.nanoTime() < deadline) {
                monitor.admin.echo(token);
                int index = monitor.awaitIndex(
                        0, l -> monitor.isAdmin(l) && l.is("echo") && token.equals(l.arg(1)), Duration.ofMillis(100));
                if (index >= 0) {
                    monitor.lastMark = index;
                    return monitor;
                }
            }
            monitor.close();
            throw new AssertionError("MONITOR did not start");
        }

        Jedis admin() {
            return admin;
        }

        /** Sends a marker and waits until MONITOR shows it; returns its index in the stream. */
        int mark() throws InterruptedException {
            String token = "turnstile-it-mark-" + UUID.randomUUID();
            admin.echo(token);
            int index = awaitIndex(lastMark + 1, l -> isAdmin(l) && l.is("echo") && token.equals(l.arg(1)), WAIT);
            assertTrue(index >= 0, "MONITOR did not show the marker");
            lastMark = index;
            return index;
        }

        /** INFO commandstats as a marker. */
        StatsMark statsMark() throws InterruptedException {
            String info = admin.info("commandstats");
            int index = awaitIndex(lastMark + 1, l -> isAdmin(l) && l.is("info"), WAIT);
            assertTrue(index >= 0, "MONITOR did not show INFO");
            lastMark = index;
            Map<String, Long> calls = new HashMap<>();
            for (String row : info.split("\r?\n")) {
                if (row.startsWith("cmdstat_")) {
                    String name = row.substring("cmdstat_".length(), row.indexOf(':'));
                    calls.put(
                            name,
                            Long.parseLong(
                                    field(row.substring(row.indexOf(':') + 1).replace(',', ' '), "calls")));
                }
            }
            return new StatsMark(index, calls);
        }

        boolean await(Predicate<List<Line>> condition, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (lock) {
                while (!condition.test(lines)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
                return true;
            }
        }

        /** The index of the first line at or after {@code from} that matches, or -1 after the timeout. */
        int awaitIndex(int from, Predicate<Line> match, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (lock) {
                int i = from;
                while (true) {
                    for (; i < lines.size(); i++) {
                        if (match.test(lines.get(i))) {
                            return i;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return -1;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
            }
        }

        Line line(int index) {
            synchronized (lock) {
                return lines.get(index);
            }
        }

        List<Line> linesFrom(int from) {
            synchronized (lock) {
                return new ArrayList<>(lines.subList(from, lines.size()));
            }
        }

        /** Client addresses (not scripts, not the admin connection) that named a key starting with {@code prefix}. */
        Set<String> addressesTouching(String prefix, int from, int to) {
            Set<String> addresses = new HashSet<>();
            for (Line l : window(from, to)) {
                if (!l.fromScript()
                        && !isAdmin(l)
                        && l.args().stream().skip(1).anyMatch(a -> a.startsWith(prefix + ":"))) {
                    addresses.add(l.address());
                }
            }
            return addresses;
        }

        /** Every command the given client connections sent strictly between two markers. */
        List<Line> clientLines(int from, int to, Set<String> addresses) {
            return window(from, to).stream()
                    .filter(l -> addresses.contains(l.address()))
                    .toList();
        }

        /** Commands named {@code command} that other clients sent strictly between two markers. */
        long foreignCount(int from, int to, List<Line> ours, String command) {
            return window(from, to).stream()
                    .filter(l -> !l.fromScript() && l.is(command) && !ours.contains(l))
                    .count();
        }

        private List<Line> window(int from, int to) {
            synchronized (lock) {
                return new ArrayList<>(lines.subList(from + 1, to));
            }
        }

        private boolean isAdmin(Line l) {
            return l.address().equals(adminAddress);
        }

        private void add(Line line) {
            synchronized (lock) {
                lines.add(line);
                lock.notifyAll();
            }
        }

        @Override
        public void close() {
            try {
                admin.clientKill(new ClientKillParams().id(Long.toString(monitorId)));
            } catch (JedisException e) {
                // already gone
            }
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            monitorConnection.close();
            admin.close();
        }

        /** {@code 1700000000.123456 [0 127.0.0.1:5555] "evalsha" "..." "3" ...} */
        static Line parse(String raw) {
            int open = raw.indexOf('[');
            int close = raw.indexOf(']', open);
            String inside = raw.substring(open + 1, close);
            String address = inside.substring(inside.indexOf(' ') + 1);
            List<String> args = new ArrayList<>();
            StringBuilder current = null;
            for (int i = close + 1; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (current == null) {
                    if (c == '"') {
                        current = new StringBuilder();
                    }
                } else if (c == '\\' && i + 1 < raw.length()) {
                    current.append(raw.charAt(++i));
                } else if (c == '"') {
                    args.add(current.toString());
                    current = null;
                } else {
                    current.append(c);
                }
            }
            return new Line(address, List.copyOf(args), raw);
        }

        /** {@code name=value} out of a space-separated list such as CLIENT INFO. */
        private static String field(String text, String name) {
            for (String part : text.trim().split("\\s+")) {
                if (part.startsWith(name + "=")) {
                    return part.substring(name.length() + 1);
                }
            }
            throw new IllegalStateException("no " + name + " in " + text);
        }
    }
}
