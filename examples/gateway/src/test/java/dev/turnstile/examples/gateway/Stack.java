package dev.turnstile.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import redis.clients.jedis.Jedis;

/**
 * The gateway as deployed, for the tests: the example MCP server as upstream (unguarded, it keeps the MCP
 * sessions), or an upstream the test serves itself, and gateway replicas, each started with its
 * {@code run} script, sharing the test Redis ({@code -Dturnstile.test.redis}) under a key prefix of this
 * stack's own.
 */
final class Stack {

    static final String REDIS = System.getProperty("turnstile.test.redis", "").trim();
    static final String NO_REDIS = "turnstile.test.redis is not set: the gateway tests need the Redis that "
            + "the replicas share; run with -Dturnstile.test.redis=redis://127.0.0.1:PORT (redis_start_standalone "
            + "in scripts/redis-env.sh starts a throwaway one)";
    static final Duration LEASE = Duration.ofSeconds(2);
    static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(30);

    final String prefix = "gwit" + Long.toHexString(System.nanoTime());
    /** The example MCP server; null when the test serves the upstream itself. */
    final ServerProcess upstream;

    private final URI upstreamEndpoint;
    private final List<ServerProcess> servers = Collections.synchronizedList(new ArrayList<>());

    private Stack(Map<String, String> upstreamEnv) throws IOException, InterruptedException {
        upstream = upstream("upstream", upstreamEnv);
        upstreamEndpoint = upstream.endpoint;
    }

    private Stack(URI upstreamEndpoint) {
        upstream = null;
        this.upstreamEndpoint = upstreamEndpoint;
    }

    /** Starts an upstream: the example MCP server, unguarded (the gateways guard it). */
    ServerProcess upstream(String name, Map<String, String> extraEnv) throws IOException, InterruptedException {
        Path upstreamRun = Path.of(System.getProperty("gateway.upstream.run", "../mcp-server/run"));
        assertTrue(Files.isExecutable(upstreamRun), "the upstream's run script is missing: " + upstreamRun);
        // build the upstream only when it has never been built (its run script knows how)
        boolean built = Files.isRegularFile(upstreamRun.resolveSibling("target/mcp-server.war"));
        Map<String, String> env = new HashMap<>(
                Map.of("TURNSTILE_ENABLED", "false", "INSTANCE_ID", name, "BUILD", built ? "never" : "auto"));
        env.putAll(extraEnv);
        return start(name, upstreamRun, env, Duration.ofMinutes(5));
    }

    /** Starts the upstream. */
    static Stack start() throws IOException, InterruptedException {
        return new Stack(Map.of());
    }

    /** Starts the upstream with extra environment. */
    static Stack start(Map<String, String> upstreamEnv) throws IOException, InterruptedException {
        return new Stack(upstreamEnv);
    }

    /** A stack whose gateways forward to an upstream the test serves itself (no upstream process). */
    static Stack before(URI upstreamEndpoint) {
        return new Stack(upstreamEndpoint);
    }

    /**
     * Starts a gateway replica in front of the upstream (lease 2 s, acquire timeout 30 s), with extra
     * environment (which may name another {@code UPSTREAM_URL}).
     */
    ServerProcess gateway(String name, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>();
        env.put("BUILD", "never"); // the Maven build under test has just packaged it
        env.put("UPSTREAM_URL", upstreamEndpoint.toString());
        env.put("INSTANCE_ID", name);
        env.put("TURNSTILE_REDIS_URL", REDIS);
        env.put("TURNSTILE_KEY_PREFIX", prefix);
        env.put("TURNSTILE_LEASE", LEASE.toSeconds() + "s");
        env.put("TURNSTILE_ACQUIRE_TIMEOUT", ACQUIRE_TIMEOUT.toSeconds() + "s");
        env.putAll(extraEnv);
        try {
            return start(name, Path.of(System.getProperty("gateway.run", "run")), env, Duration.ofSeconds(90));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    ServerProcess gateway(String name) {
        return gateway(name, Map.of());
    }

    /** Stops a server before the others (SIGTERM). */
    void stop(ServerProcess server) throws InterruptedException {
        servers.remove(server);
        server.close();
    }

    /** Kills a server (SIGKILL: no chance to clean up). */
    void kill(ServerProcess server) throws InterruptedException {
        servers.remove(server);
        server.kill();
    }

    /** Stops every server, the last started first. */
    void close() throws InterruptedException {
        List<ServerProcess> all = new ArrayList<>(servers);
        Collections.reverse(all);
        for (ServerProcess server : all) {
            server.close(); // SIGTERM; fails the run if a server does not stop within 30 s
        }
    }

    <T> T redis(Function<Jedis, T> command) {
        try (Jedis jedis = new Jedis(URI.create(REDIS))) {
            return command.apply(jedis);
        }
    }

    /** The keys of one session (by its hash), fence counter included. */
    Set<String> keys(String sessionHash) {
        return redis(j -> new TreeSet<>(j.keys(prefix + ":{" + sessionHash + "}:*")));
    }

    /** The last fencing token Turnstile handed out in the session (by its hash), from its fence counter. */
    long fence(String sessionHash) {
        String counter = redis(j -> j.get(prefix + ":{" + sessionHash + "}:fence"));
        assertTrue(counter != null, "no fence counter for session " + sessionHash);
        return Long.parseLong(counter);
    }

    /** Waits until a place of the session is held in Redis (a state the test waits for, not a time). */
    void awaitPlaceHeld(String sessionHash) throws InterruptedException {
        String places = prefix + ":{" + sessionHash + "}:places";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (redis(j -> j.zcard(places)) == 0) {
            assertTrue(System.nanoTime() < deadline, "the held call never showed up in Redis");
            Thread.sleep(20);
        }
    }

    /** Waits until a call of the session waits for its place in Redis (a state, not a time). */
    void awaitWaiting(String sessionHash) throws InterruptedException {
        String waiting = prefix + ":{" + sessionHash + "}:waiting";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (redis(j -> j.zcard(waiting)) == 0) {
            assertTrue(System.nanoTime() < deadline, "no call of the session ever waited in Redis");
            Thread.sleep(20);
        }
    }

    /** When no call is in flight, the only key left of any session is its fence counter (lock keys are gone). */
    void assertOnlyFenceKeysRemain() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3); // a release follows the response closely
        Set<String> locks;
        do {
            locks = redis(j -> new TreeSet<>(j.keys(prefix + ":*"))).stream()
                    .filter(k -> !k.endsWith(":fence"))
                    .collect(Collectors.toCollection(TreeSet::new));
            if (locks.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("lock keys left after the calls: " + locks);
    }

    private ServerProcess start(String name, Path script, Map<String, String> env, Duration within)
            throws IOException, InterruptedException {
        ServerProcess server = ServerProcess.start(name, script, env, within);
        servers.add(server);
        return server;
    }
}
