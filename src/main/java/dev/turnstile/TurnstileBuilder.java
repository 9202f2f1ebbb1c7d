package dev.turnstile;

import dev.turnstile.engine.InProcessLockStore;
import dev.turnstile.engine.LockEngine;
import dev.turnstile.engine.LockStore;
import dev.turnstile.engine.RedisLockStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;

/**
 * Builds a {@link Turnstile}. Without a Redis URL or Cluster nodes it uses the in-process store
 * (one instance only) and says so once in the log. {@link #build()} validates and copies; the
 * builder can be reused.
 */
public final class TurnstileBuilder {

    public static final Duration DEFAULT_REDIS_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_REDIS_POOL_SIZE = 64;

    private static final Logger LOG = LoggerFactory.getLogger(TurnstileBuilder.class);

    private String keyPrefix = TurnstileConfig.DEFAULT_KEY_PREFIX;
    private Duration lease = TurnstileConfig.DEFAULT_LEASE;
    private Duration acquireTimeout = TurnstileConfig.DEFAULT_ACQUIRE_TIMEOUT;
    private Duration recheckInterval = TurnstileConfig.DEFAULT_RECHECK_INTERVAL;
    private Duration fenceRetention = TurnstileConfig.DEFAULT_FENCE_RETENTION;
    private Duration maxHold = TurnstileConfig.DEFAULT_MAX_HOLD;
    private Duration redisTimeout = DEFAULT_REDIS_TIMEOUT;
    private int redisPoolSize = DEFAULT_REDIS_POOL_SIZE;
    private String redisUrl;
    private String clusterNodes;
    private LockStore store;
    private TurnstileListener listener = new TurnstileListener() {};
    private ScheduledExecutorService watchdogExecutor;

    TurnstileBuilder() {}

    public TurnstileBuilder keyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
        return this;
    }

    public TurnstileBuilder lease(Duration lease) {
        this.lease = lease;
        return this;
    }

    public TurnstileBuilder acquireTimeout(Duration acquireTimeout) {
        this.acquireTimeout = acquireTimeout;
        return this;
    }

    public TurnstileBuilder recheckInterval(Duration recheckInterval) {
        this.recheckInterval = recheckInterval;
        return this;
    }

    public TurnstileBuilder fenceRetention(Duration fenceRetention) {
        this.fenceRetention = fenceRetention;
        return this;
    }

    /**
     * The longest a place is renewed (default 15 minutes; {@link Duration#ZERO} renews without end).
     * A call still running then stops being renewed: its lease runs out, it is reported lost, and
     * the next turn may enter.
     */
    public TurnstileBuilder maxHold(Duration maxHold) {
        this.maxHold = maxHold;
        return this;
    }

    /**
     * A standalone Redis: {@code redis://[[user]:password@]host[:port][/db]}, or {@code rediss://}
     * for TLS. With {@link #redisCluster}, only its credentials and scheme are used.
     */
    public TurnstileBuilder redisUrl(String redisUrl) {
        this.redisUrl = redisUrl;
        return this;
    }

    /** Redis Cluster seed nodes, {@code host:port,host:port}. */
    public TurnstileBuilder redisCluster(String clusterNodes) {
        this.clusterNodes = clusterNodes;
        return this;
    }

    /** Connect and socket timeout of Redis connections. */
    public TurnstileBuilder redisTimeout(Duration redisTimeout) {
        this.redisTimeout = redisTimeout;
        return this;
    }

    public TurnstileBuilder redisPoolSize(int redisPoolSize) {
        this.redisPoolSize = redisPoolSize;
        return this;
    }

    /** Uses this store instead of one built from the Redis settings; the engine closes it. */
    public TurnstileBuilder store(LockStore store) {
        this.store = store;
        return this;
    }

    public TurnstileBuilder listener(TurnstileListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Runs lease renewal on this executor (not shut down by the engine) instead of a thread of its own. */
    public TurnstileBuilder watchdogExecutor(ScheduledExecutorService executor) {
        this.watchdogExecutor = executor;
        return this;
    }

    /**
     * Checks every setting without connecting anywhere; throws {@link IllegalArgumentException}
     * naming the setting and the value.
     */
    public TurnstileConfig validate() {
        TurnstileConfig config = new TurnstileConfig(keyPrefix, lease, acquireTimeout, recheckInterval, fenceRetention,
                maxHold);
        if (redisTimeout == null || redisTimeout.isNegative() || redisTimeout.isZero()) {
            throw new IllegalArgumentException("redis-timeout must be positive: " + redisTimeout);
        }
        if (redisPoolSize < 1) {
            throw new IllegalArgumentException("redis-pool-size must be at least 1: " + redisPoolSize);
        }
        if (redisUrl != null && !redisUrl.isBlank()) {
            parseUrl(redisUrl);
        }
        if (clusterNodes != null && !clusterNodes.isBlank()) {
            parseNodes(clusterNodes);
        }
        return config;
    }

    public Turnstile build() {
        TurnstileConfig config = validate();
        LockStore chosen = store != null ? store : createStore(config);
        LockEngine engine = LockEngine.start(config, chosen, listener, watchdogExecutor);
        if (chosen instanceof InProcessLockStore && store == null) {
            LOG.info("Turnstile runs in single-instance mode (in-process store): set turnstile.redis-url"
                    + " (TURNSTILE_REDIS_URL) to share locks between instances");
        } else {
            LOG.info("Turnstile uses the {}", chosen.describe());
        }
        return engine;
    }

    private LockStore createStore(TurnstileConfig config) {
        boolean cluster = clusterNodes != null && !clusterNodes.isBlank();
        boolean standalone = redisUrl != null && !redisUrl.isBlank();
        if (!cluster && !standalone) {
            return new InProcessLockStore();
        }
        URI uri = standalone ? parseUrl(redisUrl) : null;
        JedisClientConfig clientConfig = clientConfig(uri);
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(redisPoolSize);
        pool.setMaxIdle(redisPoolSize);
        pool.setMaxWait(redisTimeout);
        pool.setJmxEnabled(false);
        if (cluster) {
            return RedisLockStore.cluster(parseNodes(clusterNodes), clientConfig, pool, config.keyPrefix(),
                    config.fenceRetention());
        }
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        return RedisLockStore.standalone(new HostAndPort(uri.getHost(), port), clientConfig, pool,
                config.keyPrefix(), config.fenceRetention());
    }

    private JedisClientConfig clientConfig(URI uri) {
        DefaultJedisClientConfig.Builder b = uri == null ? DefaultJedisClientConfig.builder()
                : DefaultJedisClientConfig.builder(uri);
        int millis = (int) Math.min(Integer.MAX_VALUE, redisTimeout.toMillis());
        return b.connectionTimeoutMillis(millis).socketTimeoutMillis(millis).clientName("turnstile").build();
    }

    static URI parseUrl(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("redis-url is not a URL: '" + masked(url) + "'");
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException("redis-url must start with redis:// or rediss://: '" + masked(url) + "'");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("redis-url has no host: '" + masked(url) + "'");
        }
        return uri;
    }

    static Set<HostAndPort> parseNodes(String nodes) {
        Set<HostAndPort> result = new LinkedHashSet<>();
        for (String part : nodes.split(",")) {
            String node = part.trim();
            int colon = node.lastIndexOf(':');
            try {
                if (colon <= 0) {
                    throw new NumberFormatException();
                }
                int port = Integer.parseInt(node.substring(colon + 1));
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                result.add(new HostAndPort(node.substring(0, colon), port));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("redis-cluster must be host:port[,host:port...]: '" + nodes + "'");
            }
        }
        return result;
    }

    /** The URL with its user info replaced, for error messages. */
    static String masked(String url) {
        return url.replaceFirst("//[^@/]*@", "//***@");
    }
}
