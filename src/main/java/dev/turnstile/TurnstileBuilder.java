package dev.turnstile;

import dev.turnstile.internal.engine.InProcessLockStore;
import dev.turnstile.internal.engine.JedisVersion;
import dev.turnstile.internal.engine.LockEngine;
import dev.turnstile.internal.engine.RedisLockStore;
import dev.turnstile.internal.engine.RedisOptions;
import dev.turnstile.internal.engine.RedisTls;
import dev.turnstile.internal.engine.RedisUrlConfig;
import dev.turnstile.spi.LockStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;

/**
 * Builds a {@link Turnstile}. Without a Redis URL, Cluster nodes or Sentinel nodes it uses the in-process store
 * (one instance only) and says so once in the log. {@link #build()} validates and copies; the
 * builder can be reused.
 */
public final class TurnstileBuilder {

    /** Default {@code redis-timeout}: 2 seconds. */
    public static final Duration DEFAULT_REDIS_TIMEOUT = Duration.ofSeconds(2);
    /** Default {@code redis-pool-size}: {@value} connections. */
    public static final int DEFAULT_REDIS_POOL_SIZE = 64;

    private static final Logger LOG = LoggerFactory.getLogger(TurnstileBuilder.class);

    private String keyPrefix = TurnstileConfig.DEFAULT_KEY_PREFIX;
    private Duration lease = TurnstileConfig.DEFAULT_LEASE;
    private Duration acquireTimeout = TurnstileConfig.DEFAULT_ACQUIRE_TIMEOUT;
    private Duration recheckInterval = TurnstileConfig.DEFAULT_RECHECK_INTERVAL;
    private Duration fenceRetention = TurnstileConfig.DEFAULT_FENCE_RETENTION;
    private Duration maxHold = TurnstileConfig.DEFAULT_MAX_HOLD;
    private Duration turnGrace = TurnstileConfig.DEFAULT_TURN_GRACE;
    private Duration redisTimeout = DEFAULT_REDIS_TIMEOUT;
    private int redisPoolSize = DEFAULT_REDIS_POOL_SIZE;
    private String redisUrl;
    private String clusterNodes;
    private final RedisOptions redis = new RedisOptions();
    private LockStore store;
    private TurnstileListener listener = new TurnstileListener() {};
    private ScheduledExecutorService watchdogExecutor;
    private ThreadFactory threadFactory;

    TurnstileBuilder() {}

    /**
     * The first part of every Redis key and channel (default {@value TurnstileConfig#DEFAULT_KEY_PREFIX}):
     * 1-64 visible ASCII characters without braces. Applications that share one Redis and must not
     * share sessions use different prefixes.
     *
     * @param keyPrefix the prefix
     * @return this builder
     */
    public TurnstileBuilder keyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
        return this;
    }

    /**
     * How long a place survives without renewal (default 30 s, at least
     * {@link TurnstileConfig#MIN_LEASE}): the watchdog renews held places every lease/3, and a crashed
     * holder frees its session within one lease.
     *
     * @param lease the lease
     * @return this builder
     */
    public TurnstileBuilder lease(Duration lease) {
        this.lease = lease;
        return this;
    }

    /**
     * How long a call may wait for its place (default 5 s; zero: one attempt): one deadline for the
     * whole acquisition. A call that does not get its place by then gets a {@link BusyException}.
     *
     * @param acquireTimeout the timeout of {@link Turnstile#acquire(String, String, Mode)}
     * @return this builder
     */
    public TurnstileBuilder acquireTimeout(Duration acquireTimeout) {
        this.acquireTimeout = acquireTimeout;
        return this;
    }

    /**
     * The longest a waiting call sleeps without a wake-up before it tries again (default 2 s, at least
     * {@link TurnstileConfig#MIN_RECHECK_INTERVAL}): the bound on a lost wake-up.
     *
     * @param recheckInterval the interval
     * @return this builder
     */
    public TurnstileBuilder recheckInterval(Duration recheckInterval) {
        this.recheckInterval = recheckInterval;
        return this;
    }

    /**
     * How long a session's fence counter is kept after its last write (default 1 day, at least the
     * lease), so that fencing tokens keep growing across idle periods up to this long.
     *
     * @param fenceRetention the retention
     * @return this builder
     */
    public TurnstileBuilder fenceRetention(Duration fenceRetention) {
        this.fenceRetention = fenceRetention;
        return this;
    }

    /**
     * The longest a place is renewed (default 15 minutes; {@link Duration#ZERO} renews without end).
     * A call still running then stops being renewed: its lease runs out, it is reported lost, and
     * the next turn may enter.
     *
     * @param maxHold the longest renewal; zero for none
     * @return this builder
     */
    public TurnstileBuilder maxHold(Duration maxHold) {
        this.maxHold = maxHold;
        return this;
    }

    /**
     * Rule 4: once a call of another turn has waited this long (default 500 ms), new calls of the
     * turn holding the session queue behind it; waiting turns get the session first come, first
     * served. {@link TurnstileConfig#TURN_GRACE_OFF} turns it off (a turn whose calls keep
     * overlapping may then hold its session for as long as they do).
     *
     * @param turnGrace the grace period, at least zero, or {@link TurnstileConfig#TURN_GRACE_OFF}
     * @return this builder
     */
    public TurnstileBuilder turnGrace(Duration turnGrace) {
        this.turnGrace = turnGrace;
        return this;
    }

    /**
     * A standalone Redis: {@code redis://[[user]:password@]host[:port][/db]}, or {@code rediss://}
     * for TLS. With {@link #redisCluster}, only its credentials and scheme are used; with
     * {@link #redisSentinel}, only its credentials, database and scheme (the master's address
     * comes from the Sentinels). Characters of the user name and password that a URL does not allow
     * raw ({@code / ? # @ %}) must be percent-encoded. Null or blank (the default) without Cluster or
     * Sentinel nodes: the in-process store.
     *
     * @param redisUrl the URL, or null
     * @return this builder
     */
    public TurnstileBuilder redisUrl(String redisUrl) {
        this.redisUrl = redisUrl;
        return this;
    }

    /**
     * Redis Cluster seed nodes, {@code host:port,host:port}; the client discovers the other nodes.
     *
     * @param clusterNodes the seed nodes, or null for a standalone Redis or the in-process store
     * @return this builder
     */
    public TurnstileBuilder redisCluster(String clusterNodes) {
        this.clusterNodes = clusterNodes;
        return this;
    }

    /**
     * Redis Sentinel nodes, {@code host:port,host:port}: Turnstile asks them for the master named
     * by {@link #redisSentinelMaster} and follows it through failovers. Excludes
     * {@link #redisCluster}; credentials, database and TLS of the master from {@link #redisUrl}.
     *
     * @param sentinelNodes the Sentinels, or null for none
     * @return this builder
     */
    public TurnstileBuilder redisSentinel(String sentinelNodes) {
        redis.sentinelNodes = sentinelNodes;
        return this;
    }

    /**
     * The master name the Sentinels watch ({@code sentinel monitor NAME ...}); required with {@link #redisSentinel}.
     *
     * @param masterName the master's name
     * @return this builder
     */
    public TurnstileBuilder redisSentinelMaster(String masterName) {
        redis.sentinelMaster = masterName;
        return this;
    }

    /**
     * The user name for the Sentinels themselves (ACL), with {@link #redisSentinelPassword}.
     *
     * @param user the Sentinels' user name, or null for none
     * @return this builder
     */
    public TurnstileBuilder redisSentinelUser(String user) {
        redis.sentinelUser = user;
        return this;
    }

    /**
     * The password of the Sentinels themselves ({@code requirepass} in sentinel.conf); none by default.
     *
     * @param password the Sentinels' password, or null for none
     * @return this builder
     */
    public TurnstileBuilder redisSentinelPassword(String password) {
        redis.sentinelPassword = password;
        return this;
    }

    /**
     * TLS for every Redis connection: the master or standalone server, Cluster nodes and Sentinels.
     * On when {@link #redisUrl} starts with {@code rediss://}; this turns it on without a URL (a
     * Cluster or Sentinel without credentials). A value that contradicts the URL's scheme is refused.
     *
     * @param tls whether every Redis connection uses TLS
     * @return this builder
     */
    public TurnstileBuilder redisTls(boolean tls) {
        redis.tls = tls;
        return this;
    }

    /**
     * Whether the server's certificate must name the host Turnstile connects to (default true; the
     * addresses Sentinels report count as such hosts). Turn off only for certificates without the
     * right names, on a network you trust.
     *
     * @param verify whether the certificate must name the host
     * @return this builder
     */
    public TurnstileBuilder redisTlsVerifyHostname(boolean verify) {
        redis.verifyHostname = verify;
        return this;
    }

    /**
     * A trust store file with the CA certificates that may sign the Redis servers' certificates;
     * without one, the JDK's default trust applies ({@code cacerts}, or {@code javax.net.ssl.trustStore}).
     *
     * @param path the trust store's file, or null for the JDK's default trust
     * @return this builder
     */
    public TurnstileBuilder redisTrustStore(String path) {
        redis.trustStore = path;
        return this;
    }

    /**
     * The trust store's password (none by default).
     *
     * @param password the password, or null for none
     * @return this builder
     */
    public TurnstileBuilder redisTrustStorePassword(String password) {
        redis.trustStorePassword = password;
        return this;
    }

    /**
     * The trust store's type: {@code PKCS12} (the default) or {@code JKS}.
     *
     * @param type the store type
     * @return this builder
     */
    public TurnstileBuilder redisTrustStoreType(String type) {
        redis.trustStoreType = type;
        return this;
    }

    /**
     * A key store file with the client certificate and its key, for servers that require one ({@code tls-auth-clients}).
     *
     * @param path the key store's file, or null for no client certificate
     * @return this builder
     */
    public TurnstileBuilder redisKeyStore(String path) {
        redis.keyStore = path;
        return this;
    }

    /**
     * The key store's password, also the password of the key in it.
     *
     * @param password the password, or null for none
     * @return this builder
     */
    public TurnstileBuilder redisKeyStorePassword(String password) {
        redis.keyStorePassword = password;
        return this;
    }

    /**
     * The key store's type: {@code PKCS12} (the default) or {@code JKS}.
     *
     * @param type the store type
     * @return this builder
     */
    public TurnstileBuilder redisKeyStoreType(String type) {
        redis.keyStoreType = type;
        return this;
    }

    /**
     * Connect and socket timeout of Redis connections, and the longest wait for a pooled connection
     * (default 2 s; must be positive).
     *
     * @param redisTimeout the timeout
     * @return this builder
     */
    public TurnstileBuilder redisTimeout(Duration redisTimeout) {
        this.redisTimeout = redisTimeout;
        return this;
    }

    /**
     * The most connections of the Redis pool (default {@value #DEFAULT_REDIS_POOL_SIZE}, per node of a
     * Cluster; at least 1).
     *
     * @param redisPoolSize the pool size
     * @return this builder
     */
    public TurnstileBuilder redisPoolSize(int redisPoolSize) {
        this.redisPoolSize = redisPoolSize;
        return this;
    }

    /**
     * Uses this store instead of one built from the Redis settings; the engine closes it.
     *
     * @param store the lock store, or null to build one from the Redis settings
     * @return this builder
     */
    public TurnstileBuilder store(LockStore store) {
        this.store = store;
        return this;
    }

    /**
     * Receives the engine's events (default: none). A listener that throws never blocks a release.
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException when {@code listener} is null
     */
    public TurnstileBuilder listener(TurnstileListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Runs lease renewal on this executor (not shut down by the engine) instead of a thread of its own.
     *
     * @param executor the executor, or null for a thread of the engine's own
     * @return this builder
     */
    public TurnstileBuilder watchdogExecutor(ScheduledExecutorService executor) {
        this.watchdogExecutor = executor;
        return this;
    }

    /**
     * Makes every thread Turnstile starts (the watchdog, the waiters, the clean-up, the pub/sub
     * readers and senders, the tool-class refresher, the Cluster workers) with this factory, for
     * example a Jakarta Concurrency {@code ManagedThreadFactory}. Turnstile names them
     * {@code turnstile-*} and makes them daemon threads where the factory allows it, and
     * {@code close()} still stops and joins them. Not used for a store given with {@link #store}.
     *
     * @param threadFactory the factory, or null for plain threads
     * @return this builder
     */
    public TurnstileBuilder threadFactory(ThreadFactory threadFactory) {
        this.threadFactory = threadFactory;
        return this;
    }

    /**
     * Checks every setting without connecting anywhere; throws {@link IllegalArgumentException}
     * naming the setting and the value.
     *
     * @return the engine settings
     * @throws IllegalArgumentException when a setting is invalid; a Redis URL in the message has its
     *                                  user info masked
     */
    public TurnstileConfig validate() {
        TurnstileConfig config = new TurnstileConfig(
                keyPrefix, lease, acquireTimeout, recheckInterval, fenceRetention, maxHold, turnGrace);
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
        redisTls();
        return config;
    }

    /** Checks the Sentinel and TLS settings; the TLS context, or null when TLS is off. */
    private RedisTls redisTls() {
        String scheme =
                redisUrl != null && !redisUrl.isBlank() ? parseUrl(redisUrl).getScheme() : null;
        return redis.check(scheme, clusterNodes != null && !clusterNodes.isBlank());
    }

    /**
     * Validates the settings, connects the store (Redis when a URL, Cluster or Sentinel nodes are set, else the
     * in-process store) and starts the engine.
     *
     * @return a running Turnstile; close it when the application stops
     * @throws IllegalArgumentException when a setting is invalid (see {@link #validate()})
     */
    public Turnstile build() {
        TurnstileConfig config = validate();
        LockStore chosen = store != null ? store : createStore(config);
        LockEngine engine = LockEngine.start(config, chosen, listener, watchdogExecutor, threadFactory);
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
        if (!cluster && !standalone && !redis.sentinel()) {
            return new InProcessLockStore();
        }
        JedisVersion.requireSupported();
        URI uri = standalone ? parseUrl(redisUrl) : null;
        RedisTls tls = redisTls();
        JedisClientConfig clientConfig = clientConfig(uri, tls);
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(redisPoolSize);
        pool.setMaxIdle(redisPoolSize);
        pool.setMaxWait(redisTimeout);
        pool.setJmxEnabled(false);
        if (redis.sentinel()) {
            return RedisLockStore.sentinel(
                    redis.sentinelMaster.trim(),
                    redis.sentinels(),
                    clientConfig,
                    redis.sentinelConfig(clientConfig.getConnectionTimeoutMillis(), tls),
                    pool,
                    config.keyPrefix(),
                    config.fenceRetention(),
                    threadFactory);
        }
        if (cluster) {
            return RedisLockStore.cluster(
                    parseNodes(clusterNodes),
                    clientConfig,
                    pool,
                    config.keyPrefix(),
                    config.fenceRetention(),
                    threadFactory);
        }
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        return RedisLockStore.standalone(
                new HostAndPort(uri.getHost(), port),
                clientConfig,
                pool,
                config.keyPrefix(),
                config.fenceRetention(),
                threadFactory);
    }

    private JedisClientConfig clientConfig(URI uri, RedisTls tls) {
        DefaultJedisClientConfig.Builder b =
                uri == null ? DefaultJedisClientConfig.builder() : RedisUrlConfig.builder(uri);
        if (tls != null) {
            tls.applyTo(b); // also over rediss://: the trust and key stores, and hostname verification
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, redisTimeout.toMillis());
        return b.connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .clientName("turnstile")
                .build();
    }

    /** The hint of every URL error that a raw credential may have caused. */
    private static final String ENCODE_CREDENTIALS = "percent-encode / ? # @ % in the user name and password";

    /**
     * Parses and checks a Redis URL. Characters of the user name and password that are not
     * allowed there raw ({@code / ? # @ %}, spaces...) must be percent-encoded; a URL in which an
     * {@code @} is left outside the user info is refused, because its password would be read as
     * a host, a port or a path (and could then show up in messages). Without a port, 6379.
     */
    static URI parseUrl(String url) {
        String trimmed = url.trim();
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw invalidUrl("is not a URL", url); // the exception quotes the URL: not passed on
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw invalidUrl("must start with redis:// or rediss://", url);
        }
        if (uri.getHost() == null || uri.getPort() > 65535) {
            throw invalidUrl("has no valid host and port (" + ENCODE_CREDENTIALS + ")", url);
        }
        checkUserInfo(uri, trimmed, url);
        if (!uri.getRawPath().matches("(/[0-9]{0,9})?")) {
            throw invalidUrl("must end in /<database number> if anything", url);
        }
        return uri.getPort() != -1 ? uri : withDefaultPort(uri, trimmed);
    }

    /**
     * The user info must hold the URL's only {@code @}, and a {@code :} after the user name: the
     * Redis client decodes the user info, then splits it at its first {@code :}.
     */
    private static void checkUserInfo(URI uri, String trimmed, String url) {
        String userInfo = uri.getRawUserInfo();
        int userInfoEnd = userInfo == null ? -1 : uri.getScheme().length() + 3 + userInfo.length();
        if (trimmed.lastIndexOf('@') != userInfoEnd) {
            throw invalidUrl("has an '@' outside its user info (" + ENCODE_CREDENTIALS + ")", url);
        }
        int colon = userInfo == null ? -1 : userInfo.indexOf(':');
        if (userInfo != null
                && (colon < 0
                        || userInfo.substring(0, colon).toUpperCase(Locale.ROOT).contains("%3A"))) {
            throw invalidUrl("must give its user info as [user]:password, a ':' only after the user name", url);
        }
    }

    /** The URL with port 6379 added to its authority (the Redis client refuses a URL without a port). */
    private static URI withDefaultPort(URI uri, String trimmed) {
        int authorityEnd = uri.getScheme().length() + 3 + uri.getRawAuthority().length();
        String port = (uri.getRawAuthority().endsWith(":") ? "" : ":") + Protocol.DEFAULT_PORT;
        try {
            return new URI(trimmed.substring(0, authorityEnd) + port + trimmed.substring(authorityEnd));
        } catch (URISyntaxException e) {
            throw invalidUrl("is not a URL", trimmed);
        }
    }

    private static IllegalArgumentException invalidUrl(String problem, String url) {
        return new IllegalArgumentException("redis-url " + problem + ": '" + masked(url) + "'");
    }

    static Set<HostAndPort> parseNodes(String nodes) {
        return RedisOptions.nodes("redis-cluster", nodes);
    }

    /**
     * The URL for an error message, its user info replaced whatever characters it holds:
     * everything between {@code //} (or the start) and the last {@code @}. Without an {@code @},
     * whatever follows a {@code :} in the authority, unless it is a port number.
     */
    static String masked(String url) {
        int schemeEnd = url.indexOf("://");
        int from = schemeEnd > 0 && url.substring(0, schemeEnd).trim().matches("[A-Za-z][A-Za-z0-9+.-]*")
                ? schemeEnd + 3
                : 0;
        int at = url.lastIndexOf('@');
        if (at >= from) {
            return url.substring(0, from) + "***" + url.substring(at);
        }
        int end = from;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        int colon = url.indexOf(':', from);
        if (colon >= 0 && colon < end && !url.substring(colon + 1, end).matches("[0-9]*")) {
            return url.substring(0, colon + 1) + "***" + url.substring(end);
        }
        return url;
    }
}
