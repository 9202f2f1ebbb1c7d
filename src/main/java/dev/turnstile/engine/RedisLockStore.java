package dev.turnstile.engine;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.BusyReason;
import dev.turnstile.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The lock store on Redis 7+ (standalone or Cluster), through pooled Jedis. Each transition is
 * one Lua script (resources next to this class) run by EVALSHA: one round trip to acquire, one to
 * release. Waiters are woken by sharded pub/sub on the session's channel. Renewals are pipelined:
 * one round trip per node for all places of the process.
 */
public final class RedisLockStore implements LockStore {

    /** How long a waiter waits for its SSUBSCRIBE confirmation before it relies on the re-check. */
    static final Duration SUBSCRIBE_CONFIRM_WAIT = Duration.ofSeconds(1);

    private static final LuaScript ACQUIRE = LuaScript.load("acquire.lua");
    private static final LuaScript RELEASE = LuaScript.load("release.lua");
    private static final LuaScript RENEW = LuaScript.load("renew.lua");
    private static final LuaScript WITHDRAW = LuaScript.load("withdraw.lua");

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final Duration fenceRetention;
    private final WakeBoard board;
    private final WakeSubscriber subscriber;
    private final String description;

    private RedisLockStore(UnifiedJedis redis, Function<String, HostAndPort> nodeOfChannel,
                           JedisClientConfig clientConfig, String keyPrefix, Duration fenceRetention,
                           String description) {
        this.redis = redis;
        this.keys = new RedisKeys(keyPrefix);
        this.fenceRetention = fenceRetention;
        this.description = description;
        this.subscriber = new WakeSubscriber(nodeOfChannel, clientConfig, this::onWake, this::onWakeLost,
                SUBSCRIBE_CONFIRM_WAIT);
        this.board = new WakeBoard(new WakeBoard.Hooks() {
            @Override
            public void firstWatcher(String sessionHash) {
                subscriber.subscribe(keys.wakeChannel(sessionHash));
            }

            @Override
            public void lastWatcherGone(String sessionHash) {
                subscriber.unsubscribe(keys.wakeChannel(sessionHash));
            }
        });
    }

    /** A store on one Redis server (or a proxy in front of one). */
    public static RedisLockStore standalone(HostAndPort node, JedisClientConfig clientConfig,
                                            GenericObjectPoolConfig<Connection> poolConfig,
                                            String keyPrefix, Duration fenceRetention) {
        RedisClient client = RedisClient.builder().hostAndPort(node).clientConfig(clientConfig)
                .poolConfig(poolConfig).build();
        return new RedisLockStore(client, channel -> node, clientConfig, keyPrefix, fenceRetention,
                "redis " + node);
    }

    /** A store on a Redis Cluster, found from its seed nodes. */
    public static RedisLockStore cluster(Set<HostAndPort> seeds, JedisClientConfig clientConfig,
                                         GenericObjectPoolConfig<Connection> poolConfig,
                                         String keyPrefix, Duration fenceRetention) {
        ClusterConnectionProvider provider;
        try {
            provider = new ClusterConnectionProvider(seeds, clientConfig, poolConfig);
        } catch (JedisException e) {
            throw new BackendUnavailableException("cluster discovery", e);
        }
        RedisClusterClient client = RedisClusterClient.builder().nodes(seeds).connectionProvider(provider)
                .clientConfig(clientConfig).build();
        return new RedisLockStore(client, channel -> provider.getNode(JedisClusterCRC16.getSlot(channel)),
                clientConfig, keyPrefix, fenceRetention, "redis cluster " + seeds);
    }

    @Override
    public Grant tryAcquire(Place place, Duration lease, Duration waitingMark) {
        List<String> args = List.of(place.turnHash(), place.mode() == Mode.WRITE ? "w" : "r",
                place.token(), millis(lease), millis(waitingMark), millis(fenceRetention));
        List<?> reply = (List<?>) run(ACQUIRE, keys.acquire(place), args, "acquire");
        if ((Long) reply.get(0) == 1L) {
            return new Grant.Granted((Long) reply.get(1));
        }
        BusyReason reason = (Long) reply.get(1) == 1L ? BusyReason.SESSION_BUSY : BusyReason.TURN_BUSY;
        return new Grant.Denied(reason, Duration.ofMillis(Math.max(0, (Long) reply.get(2))));
    }

    @Override
    public boolean release(Place place) {
        Object reply = run(RELEASE, keys.session(place.sessionHash()), List.of(place.member()), "release");
        return (Long) reply == 1L;
    }

    @Override
    public Set<String> renew(Collection<Place> places, Duration lease) {
        Map<String, List<Place>> bySession = new LinkedHashMap<>();
        places.forEach(p -> bySession.computeIfAbsent(p.sessionHash(), s -> new ArrayList<>()).add(p));
        Set<String> lost = new HashSet<>();
        try {
            Map<List<Place>, Response<Object>> replies = new LinkedHashMap<>();
            try (AbstractPipeline pipeline = redis.pipelined()) {
                bySession.forEach((session, held) ->
                        replies.put(held, pipeline.evalsha(RENEW.sha(), keys.session(session), renewArgs(held, lease))));
                pipeline.sync();
            }
            replies.forEach((held, response) -> collectLost(held, renewReply(response, held, lease), lost));
        } catch (JedisException e) {
            throw new BackendUnavailableException("renew", e);
        }
        return lost;
    }

    @Override
    public void withdraw(Place place) {
        run(WITHDRAW, keys.withdraw(place), List.of(place.token()), "withdraw");
    }

    @Override
    public Watch watch(String sessionHash) {
        return board.watch(sessionHash);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        subscriber.close();
        redis.close();
    }

    private Object run(LuaScript script, List<String> keyNames, List<String> args, String operation) {
        try {
            return script.run(redis, keyNames, args);
        } catch (JedisException e) {
            throw new BackendUnavailableException(operation, e);
        }
    }

    private List<?> renewReply(Response<Object> response, List<Place> held, Duration lease) {
        try {
            return (List<?>) response.get();
        } catch (JedisNoScriptException e) {
            return (List<?>) RENEW.run(redis, keys.session(held.get(0).sessionHash()), renewArgs(held, lease));
        } catch (JedisDataException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
                return (List<?>) RENEW.run(redis, keys.session(held.get(0).sessionHash()), renewArgs(held, lease));
            }
            throw e;
        }
    }

    private static List<String> renewArgs(List<Place> held, Duration lease) {
        List<String> args = new ArrayList<>(held.size() + 1);
        args.add(millis(lease));
        held.forEach(p -> args.add(p.member()));
        return args;
    }

    private static void collectLost(List<Place> held, List<?> flags, Set<String> lost) {
        for (int i = 0; i < held.size(); i++) {
            if ((Long) flags.get(i) == 0L) {
                lost.add(held.get(i).token());
            }
        }
    }

    private void onWake(String channel) {
        String session = keys.sessionOfChannel(channel);
        if (session != null) {
            board.signal(session);
        }
    }

    private void onWakeLost() {
        board.signalAll();
    }

    /** The one place where durations become milliseconds for Redis. */
    private static String millis(Duration d) {
        return Long.toString(d.toMillis());
    }
}
