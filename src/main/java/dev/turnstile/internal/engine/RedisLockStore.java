package dev.turnstile.internal.engine;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.BusyReason;
import dev.turnstile.Mode;
import dev.turnstile.ToolClasses;
import dev.turnstile.spi.Grant;
import dev.turnstile.spi.LockStore;
import dev.turnstile.spi.Place;
import dev.turnstile.spi.Renewal;
import dev.turnstile.spi.Watch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * The lock store on Redis 7+ (standalone or Cluster), through pooled Jedis. Each transition is
 * one Lua script (resources next to this class) run by EVALSHA: one round trip to acquire, one to
 * release. Waiters are woken by sharded pub/sub on the session's channel. Renewals are pipelined:
 * one round trip per node for all places of the process, with an outcome per session.
 */
public final class RedisLockStore implements LockStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisLockStore.class);

    private static final LuaScript ACQUIRE = LuaScript.load("acquire.lua");
    private static final LuaScript RELEASE = LuaScript.load("release.lua");
    private static final LuaScript RENEW = LuaScript.load("renew.lua");
    private static final LuaScript WITHDRAW = LuaScript.load("withdraw.lua");
    private static final LuaScript ABANDON = LuaScript.load("abandon.lua");

    /** The eviction policy that keeps Turnstile's keys (they all carry TTLs). */
    static final String REQUIRED_POLICY = "noeviction";

    private final RedisTopology topology;
    private final RedisKeys keys;
    private final Duration fenceRetention;
    private final WakeBoard board;
    private final WakeSubscriber subscriber;
    private final RedisToolClasses toolClasses;
    private final String description;
    private final boolean tls;

    private RedisLockStore(
            RedisTopology topology,
            JedisClientConfig clientConfig,
            String keyPrefix,
            Duration fenceRetention,
            String description,
            ThreadFactory threads) {
        this.topology = topology;
        this.keys = new RedisKeys(keyPrefix);
        this.fenceRetention = fenceRetention;
        this.description = description;
        this.tls = clientConfig.isSsl();
        this.subscriber = new WakeSubscriber(topology, clientConfig, this::onWake, this::onWakeAll, e -> {}, threads);
        this.toolClasses =
                new RedisToolClasses(topology::commands, keys, subscriber::subscribe, subscriber::unsubscribe, threads);
        this.board = new WakeBoard(new WakeBoard.Hooks() {
            @Override
            public CompletableFuture<Void> firstWatcher(String sessionHash) {
                return subscriber.subscribe(keys.wakeChannel(sessionHash));
            }

            @Override
            public void lastWatcherGone(String sessionHash) {
                subscriber.unsubscribe(keys.wakeChannel(sessionHash));
            }
        });
    }

    /** A store on one Redis server (or a proxy in front of one). */
    public static RedisLockStore standalone(
            HostAndPort node,
            JedisClientConfig clientConfig,
            GenericObjectPoolConfig<Connection> poolConfig,
            String keyPrefix,
            Duration fenceRetention) {
        return standalone(node, clientConfig, poolConfig, keyPrefix, fenceRetention, null);
    }

    /** As the other {@code standalone}, its threads made by {@code threads} (null: plain daemon threads). */
    public static RedisLockStore standalone(
            HostAndPort node,
            JedisClientConfig clientConfig,
            GenericObjectPoolConfig<Connection> poolConfig,
            String keyPrefix,
            Duration fenceRetention,
            ThreadFactory threads) {
        RedisTopology topology = RedisTopology.standalone(node, clientConfig, poolConfig);
        return started(new RedisLockStore(topology, clientConfig, keyPrefix, fenceRetention, "redis " + node, threads));
    }

    /** A store on a Redis Cluster, found from its seed nodes. */
    public static RedisLockStore cluster(
            Set<HostAndPort> seeds,
            JedisClientConfig clientConfig,
            GenericObjectPoolConfig<Connection> poolConfig,
            String keyPrefix,
            Duration fenceRetention) {
        return cluster(seeds, clientConfig, poolConfig, keyPrefix, fenceRetention, null);
    }

    /** As the other {@code cluster}, its threads made by {@code threads} (null: plain daemon threads). */
    public static RedisLockStore cluster(
            Set<HostAndPort> seeds,
            JedisClientConfig clientConfig,
            GenericObjectPoolConfig<Connection> poolConfig,
            String keyPrefix,
            Duration fenceRetention,
            ThreadFactory threads) {
        RedisTopology topology;
        try {
            topology = RedisTopology.cluster(seeds, clientConfig, poolConfig, threads);
        } catch (JedisException e) {
            throw new BackendUnavailableException("cluster discovery", e, false);
        }
        return started(new RedisLockStore(
                topology, clientConfig, keyPrefix, fenceRetention, "redis cluster " + seeds, threads));
    }

    /**
     * A store on the master that the Sentinels at {@code sentinels} watch as {@code masterName},
     * following it through failovers (scripts and wake-ups); {@code sentinelConfig} is used for the
     * connections to the Sentinels themselves, {@code clientConfig} for those to the master.
     */
    public static RedisLockStore sentinel(
            String masterName,
            Set<HostAndPort> sentinels,
            JedisClientConfig clientConfig,
            JedisClientConfig sentinelConfig,
            GenericObjectPoolConfig<Connection> poolConfig,
            String keyPrefix,
            Duration fenceRetention,
            ThreadFactory threads) {
        RedisTopology topology;
        try {
            topology = SentinelTopology.connect(masterName, sentinels, clientConfig, sentinelConfig, poolConfig);
        } catch (JedisException e) {
            throw new BackendUnavailableException("sentinel discovery", e, false);
        }
        return started(new RedisLockStore(
                topology,
                clientConfig,
                keyPrefix,
                fenceRetention,
                "redis master '" + masterName + "' found by the sentinels " + sentinels,
                threads));
    }

    private static RedisLockStore started(RedisLockStore store) {
        store.checkEvictionPolicy();
        return store;
    }

    @Override
    public Grant tryAcquire(Place place, Duration lease, Duration waitingMark, Duration turnGrace, String arrival) {
        List<String> args = List.of(
                place.turnHash(),
                mode(place),
                place.token(),
                millis(lease),
                millis(waitingMark),
                millis(fenceRetention),
                turnGrace.isNegative() ? "-1" : millis(turnGrace),
                arrival);
        List<?> reply = (List<?>) run(ACQUIRE, keys.acquire(place), args, "acquire");
        if ((Long) reply.get(0) == 1L) {
            return new Grant.Granted((Long) reply.get(1));
        }
        long code = (Long) reply.get(1);
        if (code == 3L) {
            return new Grant.Abandoned();
        }
        BusyReason reason = code == 1L ? BusyReason.SESSION_BUSY : BusyReason.TURN_BUSY;
        return new Grant.Denied(
                reason,
                Duration.ofMillis(Math.max(0, (Long) reply.get(2))),
                ((Long) reply.get(3)).intValue(),
                text(reply.get(4)),
                text(reply.get(5)),
                text(reply.get(6)));
    }

    private static String mode(Place place) {
        return place.mode() == Mode.WRITE ? "w" : "r";
    }

    private static String text(Object reply) {
        return reply instanceof byte[] bytes
                ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                : String.valueOf(reply);
    }

    @Override
    public boolean release(Place place) {
        Object reply = run(RELEASE, keys.session(place.sessionHash()), List.of(place.member()), "release");
        return (Long) reply == 1L;
    }

    @Override
    public Renewal renew(Collection<Place> places, Duration lease) {
        subscriber.follow(); // a new master behind Sentinel: the waiters' channels go there too
        Map<String, List<Place>> bySession = new LinkedHashMap<>();
        places.forEach(p -> bySession
                .computeIfAbsent(p.sessionHash(), s -> new ArrayList<>())
                .add(p));
        Map<HostAndPort, List<List<Place>>> byNode = new LinkedHashMap<>();
        bySession.forEach((session, held) -> byNode.computeIfAbsent(
                        topology.nodeOfKey(keys.base(session)), n -> new ArrayList<>())
                .add(held));
        List<NodeRenewal> outcomes =
                topology.onEveryNode(byNode, (node, sessions) -> renewOnNode(node, sessions, lease));
        Set<String> renewed = new HashSet<>();
        Set<String> lost = new HashSet<>();
        RuntimeException failed = null;
        for (NodeRenewal outcome : outcomes) {
            renewed.addAll(outcome.renewed());
            lost.addAll(outcome.lost());
            failed = outcome.failure() != null ? outcome.failure() : failed;
        }
        if (failed != null) {
            topology.refreshSoon(); // a node failed or a slot moved: learn the topology, off this thread
            if (renewed.isEmpty() && lost.isEmpty()) {
                throw new BackendUnavailableException("renew", failed);
            }
        }
        return new Renewal(renewed, lost);
    }

    /** What one node's pipeline achieved; {@code failure} is set when a session got no outcome. */
    record NodeRenewal(Set<String> renewed, Set<String> lost, RuntimeException failure) {}

    /** One pipeline to one node; a failure there leaves only that node's sessions without outcome. */
    private NodeRenewal renewOnNode(HostAndPort node, List<List<Place>> sessions, Duration lease) {
        Map<List<Place>, Response<Object>> replies = new LinkedHashMap<>();
        try (Connection connection =
                topology.connection(keys.base(sessions.get(0).get(0).sessionHash()))) {
            Pipeline pipeline = new Pipeline(connection);
            for (List<Place> held : sessions) {
                replies.put(
                        held,
                        pipeline.evalsha(RENEW.sha(), keys.session(held.get(0).sessionHash()), renewArgs(held, lease)));
            }
            pipeline.sync();
        } catch (RuntimeException e) {
            LOG.debug("renewal on {} failed: {}", node, e.toString());
            return new NodeRenewal(Set.of(), Set.of(), e);
        }
        Set<String> renewed = new HashSet<>();
        Set<String> lost = new HashSet<>();
        RuntimeException failure = null;
        for (Map.Entry<List<Place>, Response<Object>> reply : replies.entrySet()) {
            List<Place> held = reply.getKey();
            try {
                List<?> flags = renewReply(reply.getValue(), held, lease);
                for (int i = 0; i < held.size(); i++) {
                    ((Long) flags.get(i) == 1L ? renewed : lost).add(held.get(i).token());
                }
            } catch (RuntimeException e) {
                failure = e; // a redirection (the slot moved) or an error: no outcome for this session
            }
        }
        return new NodeRenewal(renewed, lost, failure);
    }

    /** The flags of one session's renewal; NOSCRIPT is answered by sending the script itself. */
    private List<?> renewReply(Response<Object> response, List<Place> held, Duration lease) {
        try {
            return (List<?>) response.get();
        } catch (JedisDataException e) {
            if (e instanceof JedisRedirectionException
                    || e.getMessage() == null
                    || !e.getMessage().startsWith("NOSCRIPT")) {
                throw e;
            }
            return (List<?>)
                    RENEW.run(topology.commands(), keys.session(held.get(0).sessionHash()), renewArgs(held, lease));
        }
    }

    private static List<String> renewArgs(List<Place> held, Duration lease) {
        List<String> args = new ArrayList<>(held.size() + 1);
        args.add(millis(lease));
        held.forEach(p -> args.add(p.member()));
        return args;
    }

    @Override
    public void withdraw(Place place, String arrival) {
        run(
                WITHDRAW,
                keys.session(place.sessionHash()),
                List.of(place.turnHash(), mode(place), place.token(), arrival),
                "withdraw");
    }

    @Override
    public boolean abandon(Place place, Duration tombstone) {
        Object reply = run(
                ABANDON, keys.abandon(place), List.of(place.turnHash(), place.token(), millis(tombstone)), "abandon");
        return (Long) reply == 1L;
    }

    /** A {@code PING} through the pool to every node (one server, or each node of a Cluster). */
    @Override
    public void ping() {
        List<Supplier<Connection>> nodes = topology.nodes();
        if (nodes.isEmpty()) {
            throw new BackendUnavailableException("ping", new IllegalStateException("no node is known"), false);
        }
        for (Supplier<Connection> node : nodes) {
            try (Connection connection = node.get()) {
                connection.sendCommand(Protocol.Command.PING);
                connection.getStatusCodeReply();
            } catch (JedisException e) {
                throw new BackendUnavailableException("ping", e, false);
            }
        }
    }

    @Override
    public Watch watch(Place place, Runnable onWake) {
        return board.watch(place, onWake);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public ToolClasses toolClasses() {
        return toolClasses;
    }

    @Override
    public void close() {
        toolClasses.close();
        subscriber.close();
        topology.close();
    }

    /** Wake-up connections open right now (one per node with watched sessions). */
    int wakeConnections() {
        return subscriber.connections();
    }

    private Object run(LuaScript script, List<String> keyNames, List<String> args, String operation) {
        subscriber.follow(); // a new master behind Sentinel: the waiters' channels go there too
        try {
            return script.run(topology.commands(), keyNames, args);
        } catch (JedisException e) {
            throw new BackendUnavailableException(operation, e, JedisFailures.mayHaveApplied(e));
        }
    }

    private void onWake(String channel) {
        String session = keys.sessionOfChannel(channel);
        if (session != null) {
            board.signal(session);
        } else {
            toolsChanged(channel);
        }
    }

    private void onWakeAll(String channel) {
        String session = keys.sessionOfChannel(channel);
        if (session != null) {
            board.signalAll(session);
        } else {
            toolsChanged(channel);
        }
    }

    private void toolsChanged(String channel) {
        String endpoint = keys.endpointOfChannel(channel);
        if (endpoint != null) {
            toolClasses.changed(endpoint);
        }
    }

    /**
     * Eviction would remove Turnstile's keys (they all carry TTLs) and silently end mutual
     * exclusion: warn at start when a node's {@code maxmemory-policy} is not {@code noeviction}.
     */
    private void checkEvictionPolicy() {
        for (Supplier<Connection> node : topology.nodes()) {
            String policy;
            try (Connection connection = node.get()) {
                connection.sendCommand(Protocol.Command.INFO, "memory");
                policy = evictionPolicy(connection.getBulkReply());
            } catch (JedisException e) {
                String tlsProblem = tls ? JedisFailures.tlsProblem(e) : null;
                if (tlsProblem != null) {
                    LOG.warn("TLS connection to {} failed: {}", description, tlsProblem);
                } else {
                    LOG.info(
                            "could not read maxmemory-policy from {} ({}); Turnstile needs noeviction",
                            description,
                            e.getClass().getSimpleName());
                }
                continue;
            }
            if (policy != null && !REQUIRED_POLICY.equals(policy)) {
                LOG.warn(
                        "Redis maxmemory-policy is {} on {}: under memory pressure Redis may evict Turnstile's keys"
                                + " and two calls could then hold one session. Set maxmemory-policy noeviction"
                                + " (or give Turnstile a Redis of its own)",
                        policy,
                        description);
            }
        }
    }

    /** The {@code maxmemory_policy} line of {@code INFO memory}, or null. */
    static String evictionPolicy(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("maxmemory_policy:")) {
                return line.substring("maxmemory_policy:".length()).trim();
            }
        }
        return null;
    }

    /** The one place where durations become milliseconds for Redis. */
    private static String millis(Duration d) {
        return Long.toString(d.toMillis());
    }
}
