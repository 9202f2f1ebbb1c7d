package dev.turnstile.config;

import dev.turnstile.Classifier;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Every setting of the filter and the interceptor, read once at start-up from a
 * {@link SettingSource}. Invalid values fail here with a message naming the setting and the value.
 */
public final class TurnstileSettings {

    /** Setting {@value}: {@code false}: the filter passes everything through untouched. */
    public static final String ENABLED = "enabled";
    /** Setting {@value}: the standalone Redis, {@code redis://} or {@code rediss://}; unset: the in-process store. */
    public static final String REDIS_URL = "redis-url";
    /** Setting {@value}: Redis Cluster seed nodes, {@code host:port,host:port}. */
    public static final String REDIS_CLUSTER = "redis-cluster";
    /** Setting {@value}: Redis Sentinel nodes, {@code host:port,host:port}. */
    public static final String REDIS_SENTINEL = "redis-sentinel";
    /** Setting {@value}: the master name the Sentinels watch. */
    public static final String REDIS_SENTINEL_MASTER = "redis-sentinel-master";
    /** Setting {@value}: the user name for the Sentinels themselves. */
    public static final String REDIS_SENTINEL_USER = "redis-sentinel-user";
    /** Setting {@value}: the password of the Sentinels themselves. */
    public static final String REDIS_SENTINEL_PASSWORD = "redis-sentinel-password";
    /** Setting {@value}: TLS for every Redis connection without a {@code rediss://} URL. */
    public static final String REDIS_TLS = "redis-tls";
    /** Setting {@value}: whether the server's certificate must name the host connected to. */
    public static final String REDIS_TLS_VERIFY_HOSTNAME = "redis-tls-verify-hostname";
    /** Setting {@value}: the trust store file with the CA certificates of the Redis servers. */
    public static final String REDIS_TRUST_STORE = "redis-trust-store";
    /** Setting {@value}: the trust store's password. */
    public static final String REDIS_TRUST_STORE_PASSWORD = "redis-trust-store-password";
    /** Setting {@value}: the trust store's type, {@code PKCS12} or {@code JKS}. */
    public static final String REDIS_TRUST_STORE_TYPE = "redis-trust-store-type";
    /** Setting {@value}: the key store file with the client certificate and its key. */
    public static final String REDIS_KEY_STORE = "redis-key-store";
    /** Setting {@value}: the key store's password, also the key's. */
    public static final String REDIS_KEY_STORE_PASSWORD = "redis-key-store-password";
    /** Setting {@value}: the key store's type, {@code PKCS12} or {@code JKS}. */
    public static final String REDIS_KEY_STORE_TYPE = "redis-key-store-type";
    /** Setting {@value}: the first part of every Redis key and channel. */
    public static final String KEY_PREFIX = "key-prefix";
    /** Setting {@value}: how long a place survives without renewal. */
    public static final String LEASE = "lease";
    /** Setting {@value}: one deadline for the whole acquisition of a call. */
    public static final String ACQUIRE_TIMEOUT = "acquire-timeout";
    /** Setting {@value}: the longest a waiter sleeps without a wake-up before it looks again. */
    public static final String RECHECK_INTERVAL = "recheck-interval";
    /** Setting {@value}: how long a session's fence counter outlives its last write. */
    public static final String FENCE_RETENTION = "fence-retention";
    /** Setting {@value}: the longest a call keeps its place renewed ({@code 0}: without end). */
    public static final String MAX_HOLD = "max-hold";
    /** Setting {@value}: rule 4's grace period, or {@code off}. */
    public static final String TURN_GRACE = "turn-grace";
    /** Setting {@value}: the connect and socket timeout of Redis connections. */
    public static final String REDIS_TIMEOUT = "redis-timeout";
    /** Setting {@value}: the number of pooled Redis connections. */
    public static final String REDIS_POOL_SIZE = "redis-pool-size";
    /** Setting {@value}: the largest request body read. */
    public static final String MAX_BODY_SIZE = "max-body-size";
    /** Setting {@value}: the deepest JSON nesting accepted. */
    public static final String MAX_JSON_DEPTH = "max-json-depth";
    /** Setting {@value}: the JSON-RPC code of the busy error for the legacy MCP eras. */
    public static final String BUSY_CODE = "busy-code";
    /** Setting {@value}: forward read calls unguarded while the store is unreachable. */
    public static final String FAIL_OPEN_READS = "fail-open-reads";
    /** Setting {@value}: forward write calls unguarded while the store is unreachable. */
    public static final String FAIL_OPEN_WRITES = "fail-open-writes";
    /** Setting {@value}: the header that carries the turn id (the default turn source). */
    public static final String TURN_HEADER = "turn-header";
    /** Setting {@value}: key sessions by the authenticated principal too. */
    public static final String BIND_PRINCIPAL = "bind-principal";
    /** Setting {@value}: the JSON file of classification rules: {@code /WEB-INF/...}, {@code classpath:...} or a path. */
    public static final String CLASSIFICATION_FILE = "classification-file";
    /** Setting {@value}: {@code async} or {@code blocking}: how the filter waits for a place. */
    public static final String WAIT_MODE = "wait-mode";
    /** Setting {@value}: where a call's conversation key comes from, first present wins. */
    public static final String KEY_SOURCES = "key-sources";
    /** Setting {@value}: where a call's turn id comes from, first present wins. */
    public static final String TURN_SOURCES = "turn-sources";
    /** Setting {@value}: what happens to a guarded call without a key: {@code pass}, {@code principal} or {@code reject}. */
    public static final String UNKEYED = "unkeyed";
    /** Setting {@value}: the JSON-RPC code of the busy error for MCP 2026-07-28 requests. */
    public static final String BUSY_CODE_2026 = "busy-code-2026";
    /** Setting {@value}: learn tool classes from the {@code readOnlyHint} of {@code tools/list} results. */
    public static final String LEARN_ANNOTATIONS = "learn-annotations";
    /** Setting {@value}: register the MicroProfile Health readiness check (system property or environment variable only). */
    public static final String HEALTH_READINESS = "health-readiness";

    private final SettingSource source;
    private final GuardOptions options;
    private final Classifier classifier;

    private TurnstileSettings(SettingSource source, GuardOptions options, Classifier classifier) {
        this.source = source;
        this.options = options;
        this.classifier = classifier;
    }

    /**
     * Reads every setting. {@code resources} opens web-application paths ({@code /WEB-INF/...}) for
     * the classification file; other paths are read from {@code classpath:} or the file system.
     *
     * @param source    where the values come from
     * @param resources opens a path of the web application, or returns null when there is none
     * @return the settings, every one of them checked (nothing is connected yet)
     * @throws IllegalArgumentException when a value is invalid, naming where it came from and the value
     * @throws IllegalStateException    when {@code classification-file} is set and JSON-B is missing
     */
    public static TurnstileSettings load(SettingSource source, Function<String, InputStream> resources) {
        GuardOptions d = GuardOptions.defaults();
        GuardOptions options = new GuardOptions(
                bool(source, ENABLED, d.enabled()),
                source.get(MAX_BODY_SIZE) == null
                        ? d.maxBodySize()
                        : Values.size(source.describe(MAX_BODY_SIZE), source.get(MAX_BODY_SIZE)),
                integer(source, MAX_JSON_DEPTH, d.maxJsonDepth()),
                integer(source, BUSY_CODE, d.busyCode()),
                bool(source, FAIL_OPEN_READS, d.failOpenReads()),
                bool(source, FAIL_OPEN_WRITES, d.failOpenWrites()),
                source.get(TURN_HEADER) == null ? d.turnHeader() : source.get(TURN_HEADER),
                bool(source, BIND_PRINCIPAL, d.bindPrincipal()),
                waitMode(source, d.waitMode()),
                keys(source),
                integer(source, BUSY_CODE_2026, d.busyCode2026()),
                bool(source, LEARN_ANNOTATIONS, d.learnAnnotations()));
        String file = source.get(CLASSIFICATION_FILE);
        Classifier classifier = file == null ? Classifier.defaults() : readClassification(source, file, resources);
        TurnstileSettings settings = new TurnstileSettings(source, options, classifier);
        settings.builder().validate(); // fails now, naming the setting, before anything connects
        return settings;
    }

    /**
     * The filter's and the interceptor's options.
     *
     * @return the options read from the settings
     */
    public GuardOptions options() {
        return options;
    }

    /**
     * The classification rules.
     *
     * @return the rules of {@code classification-file}, or the defaults without one
     */
    public Classifier classifier() {
        return classifier;
    }

    /**
     * A builder with every engine setting applied; the caller may add a listener and build.
     *
     * @return a new builder on each call
     */
    public TurnstileBuilder builder() {
        TurnstileBuilder b = Turnstile.builder();
        set(REDIS_URL, b::redisUrl);
        set(REDIS_CLUSTER, b::redisCluster);
        redisConnection(b);
        set(KEY_PREFIX, b::keyPrefix);
        duration(LEASE, b::lease);
        duration(ACQUIRE_TIMEOUT, b::acquireTimeout);
        duration(RECHECK_INTERVAL, b::recheckInterval);
        duration(FENCE_RETENTION, b::fenceRetention);
        duration(MAX_HOLD, b::maxHold);
        String grace = source.get(TURN_GRACE);
        if (grace != null) {
            b.turnGrace(
                    "off".equalsIgnoreCase(grace)
                            ? dev.turnstile.TurnstileConfig.TURN_GRACE_OFF
                            : Values.duration(source.describe(TURN_GRACE), grace));
        }
        duration(REDIS_TIMEOUT, b::redisTimeout);
        if (source.get(REDIS_POOL_SIZE) != null) {
            b.redisPoolSize(Values.integer(source.describe(REDIS_POOL_SIZE), source.get(REDIS_POOL_SIZE)));
        }
        return b;
    }

    /** Sentinel and TLS: checked together with the URL by the builder. */
    private void redisConnection(TurnstileBuilder b) {
        set(REDIS_SENTINEL, b::redisSentinel);
        set(REDIS_SENTINEL_MASTER, b::redisSentinelMaster);
        set(REDIS_SENTINEL_USER, b::redisSentinelUser);
        set(REDIS_SENTINEL_PASSWORD, b::redisSentinelPassword);
        set(REDIS_TLS, v -> b.redisTls(Values.bool(source.describe(REDIS_TLS), v)));
        set(
                REDIS_TLS_VERIFY_HOSTNAME,
                v -> b.redisTlsVerifyHostname(Values.bool(source.describe(REDIS_TLS_VERIFY_HOSTNAME), v)));
        set(REDIS_TRUST_STORE, b::redisTrustStore);
        set(REDIS_TRUST_STORE_PASSWORD, b::redisTrustStorePassword);
        set(REDIS_TRUST_STORE_TYPE, b::redisTrustStoreType);
        set(REDIS_KEY_STORE, b::redisKeyStore);
        set(REDIS_KEY_STORE_PASSWORD, b::redisKeyStorePassword);
        set(REDIS_KEY_STORE_TYPE, b::redisKeyStoreType);
    }

    private void set(String name, java.util.function.Consumer<String> setter) {
        String value = source.get(name);
        if (value != null) {
            setter.accept(value);
        }
    }

    private void duration(String name, java.util.function.Consumer<java.time.Duration> setter) {
        String value = source.get(name);
        if (value != null) {
            setter.accept(Values.duration(source.describe(name), value));
        }
    }

    /**
     * Whether the MicroProfile Health readiness check is wanted ({@code health-readiness}, default
     * false). Read when CDI starts, before the web application's parameters can be read.
     *
     * @param source where the value comes from
     * @return true when the check is wanted
     * @throws IllegalArgumentException when the value is not a boolean
     */
    public static boolean healthReadiness(SettingSource source) {
        return bool(source, HEALTH_READINESS, false);
    }

    private static boolean bool(SettingSource source, String name, boolean fallback) {
        String value = source.get(name);
        return value == null ? fallback : Values.bool(source.describe(name), value);
    }

    private static WaitMode waitMode(SettingSource source, WaitMode fallback) {
        String value = source.get(WAIT_MODE);
        return value == null ? fallback : WaitMode.parse(source.describe(WAIT_MODE), value);
    }

    /** {@code key-sources}, {@code turn-sources} (else the {@code turn-header}) and {@code unkeyed}. */
    private static ConversationKeys keys(SettingSource source) {
        String turnHeader =
                source.get(TURN_HEADER) == null ? GuardOptions.DEFAULT_TURN_HEADER : source.get(TURN_HEADER);
        ConversationKeys d;
        try {
            d = ConversationKeys.defaults(turnHeader);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    source.describe(TURN_HEADER) + " must be an HTTP header name: '" + turnHeader + "'", e);
        }
        String keys = source.get(KEY_SOURCES);
        String turns = source.get(TURN_SOURCES);
        String unkeyed = source.get(UNKEYED);
        return new ConversationKeys(
                keys == null ? d.keySources() : KeySource.parseChain(source.describe(KEY_SOURCES), keys),
                turns == null ? d.turnSources() : KeySource.parseChain(source.describe(TURN_SOURCES), turns),
                unkeyed == null ? d.unkeyed() : Unkeyed.parse(source.describe(UNKEYED), unkeyed));
    }

    private static int integer(SettingSource source, String name, int fallback) {
        String value = source.get(name);
        return value == null ? fallback : Values.integer(source.describe(name), value);
    }

    private static Classifier readClassification(
            SettingSource source, String file, Function<String, InputStream> resources) {
        String setting = source.describe(CLASSIFICATION_FILE);
        JsonBinding.require(setting);
        try (InputStream in = open(file, resources)) {
            if (in == null) {
                throw new IllegalArgumentException(setting + " names a file that does not exist: '" + file + "'");
            }
            return ClassificationFile.read(in, file, setting);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(setting + " names a file that does not exist: '" + file + "'");
        } catch (IOException e) {
            throw new UncheckedIOException(setting + " cannot be read: '" + file + "'", e);
        }
    }

    private static InputStream open(String file, Function<String, InputStream> resources) throws IOException {
        if (file.startsWith("classpath:")) {
            String name = file.substring("classpath:".length());
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            return (loader != null ? loader : TurnstileSettings.class.getClassLoader())
                    .getResourceAsStream(name.startsWith("/") ? name.substring(1) : name);
        }
        if (file.startsWith("/WEB-INF/") || file.startsWith("/META-INF/")) {
            return resources.apply(file);
        }
        return Files.newInputStream(Path.of(file));
    }
}
