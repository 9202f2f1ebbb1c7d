package dev.turnstile.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The Sentinel set-up that scripts/test starts (scripts/redis-env.sh, {@code redis_start_sentinel}):
 * a master, a replica and three Sentinels, given as the system property
 * {@code turnstile.test.sentinel} = {@code NAME@host:port,host:port,host:port}. Tests that need it
 * are skipped, with the reason, when it is not given. Every wait here polls the servers until a
 * condition holds (bounded by {@link #PATIENCE}); nothing sleeps for a fixed time to let Redis act.
 */
public final class SentinelSetUp {

    /** The longest any step here waits for the servers. */
    public static final Duration PATIENCE = Duration.ofSeconds(90);

    private final String masterName;
    private final List<HostAndPort> sentinels;

    private SentinelSetUp(String masterName, List<HostAndPort> sentinels) {
        this.masterName = masterName;
        this.sentinels = sentinels;
    }

    public static SentinelSetUp fromProperty() {
        String value = System.getProperty("turnstile.test.sentinel", "");
        assumeTrue(!value.isBlank(), "turnstile.test.sentinel is not set: run scripts/test for the Sentinel tests");
        int at = value.indexOf('@');
        List<HostAndPort> nodes = new ArrayList<>();
        for (String node : value.substring(at + 1).split(",")) {
            String[] hp = node.trim().split(":");
            nodes.add(new HostAndPort(hp[0], Integer.parseInt(hp[1])));
        }
        return new SentinelSetUp(value.substring(0, at), nodes);
    }

    public String masterName() {
        return masterName;
    }

    /** The Sentinels as the {@code redis-sentinel} setting writes them. */
    public String nodes() {
        return String.join(",", sentinels.stream().map(HostAndPort::toString).toList());
    }

    public List<HostAndPort> sentinels() {
        return sentinels;
    }

    /** The master, as the first Sentinel says. */
    public HostAndPort master() {
        try (Jedis sentinel = connect(sentinels.get(0))) {
            List<String> address = sentinel.sentinelGetMasterAddrByName(masterName);
            return new HostAndPort(address.get(0), Integer.parseInt(address.get(1)));
        }
    }

    /** The replica of the master, as the first Sentinel says. */
    public HostAndPort replica() {
        try (Jedis sentinel = connect(sentinels.get(0))) {
            Map<String, String> replica = sentinel.sentinelReplicas(masterName).get(0);
            return new HostAndPort(replica.get("ip"), Integer.parseInt(replica.get("port")));
        }
    }

    /**
     * Makes a Sentinel promote the replica ({@code SENTINEL FAILOVER}; asked again while the
     * Sentinel has no replica it would promote yet) and waits until every Sentinel names the new
     * master and that server says it is a master. Returns the new master.
     */
    public HostAndPort failover() throws InterruptedException {
        HostAndPort old = master();
        await("a Sentinel accepts SENTINEL FAILOVER " + masterName, () -> {
            try (Jedis sentinel = connect(sentinels.get(0))) {
                return "OK".equals(sentinel.sentinelFailover(masterName));
            } catch (JedisException e) {
                return false; // NOGOODSLAVE (the replica not yet seen healthy) or INPROG
            }
        });
        await("every Sentinel names a new master", () -> sentinels.stream().allMatch(s -> !old.equals(masterOf(s))));
        HostAndPort promoted = master();
        await(
                promoted + " says it is a master",
                () -> "master".equals(role(promoted).get(0)));
        return promoted;
    }

    /**
     * Waits until {@code node} replicates {@code master} with its link up: after a failover the
     * Sentinels turn the old master into a replica (closing its clients) once it answers.
     */
    public void awaitReplicaOf(HostAndPort node, HostAndPort master) throws InterruptedException {
        await(node + " replicates " + master, () -> {
            List<Object> role = role(node);
            return "slave".equals(role.get(0))
                    && master.getPort() == ((Number) role.get(2)).intValue()
                    && "connected".equals(role.get(3));
        });
    }

    /** Whether a key matching {@code pattern} exists on {@code node} (for example on the replica). */
    public static boolean exists(HostAndPort node, String pattern) {
        try (Jedis jedis = connect(node)) {
            return !jedis.keys(pattern).isEmpty();
        }
    }

    /** The pid of the server on {@code node} (a local process), for {@link #signal}. */
    public static String pid(HostAndPort node) {
        try (Jedis jedis = connect(node)) {
            return jedis.info("server")
                    .lines()
                    .filter(l -> l.startsWith("process_id:"))
                    .findFirst()
                    .orElseThrow()
                    .substring("process_id:".length())
                    .trim();
        }
    }

    /** {@code kill -SIGNAL PID}: STOP makes the server hang (it answers nothing), CONT lets it go on. */
    public static void signal(String pid, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
        }
    }

    public static Jedis connect(HostAndPort node) {
        return new Jedis(
                node,
                DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(2000)
                        .socketTimeoutMillis(2000)
                        .build());
    }

    /** Polls {@code condition} every 50 ms until it holds; fails after {@link #PATIENCE}. */
    public static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long end = System.nanoTime() + PATIENCE.toNanos();
        while (!holds(condition)) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not within " + PATIENCE.toSeconds() + " s: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static boolean holds(Supplier<Boolean> condition) {
        try {
            return condition.get();
        } catch (JedisException e) {
            return false;
        }
    }

    private HostAndPort masterOf(HostAndPort sentinel) {
        try (Jedis jedis = connect(sentinel)) {
            List<String> address = jedis.sentinelGetMasterAddrByName(masterName);
            return new HostAndPort(address.get(0), Integer.parseInt(address.get(1)));
        }
    }

    private static List<Object> role(HostAndPort node) {
        try (Jedis jedis = connect(node)) {
            return jedis.role();
        }
    }
}
