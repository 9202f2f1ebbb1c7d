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

    public static final String ENABLED = "enabled";
    public static final String REDIS_URL = "redis-url";
    public static final String REDIS_CLUSTER = "redis-cluster";
    public static final String REDIS_SENTINEL = "redis-sentinel";
    public static final String REDIS_SENTINEL_MASTER = "redis-sentinel-master";
    public static final String REDIS_SENTINEL_USER = "redis-sentinel-user";
    public static final String REDIS_SENTINEL_PASSWORD = "redis-sentinel-password";
    public static final String REDIS_TLS = "redis-tls";
    public static final String REDIS_TLS_VERIFY_HOSTNAME = "redis-tls-verify-hostname";
    public static final String REDIS_TRUST_STORE = "redis-trust-store";
    public static final String REDIS_TRUST_STORE_PASSWORD = "redis-trust-store-password";
    public static final String REDIS_TRUST_STORE_TYPE = "redis-trust-store-type";
    public static final String REDIS_KEY_STORE = "redis-key-store";
    public static final String REDIS_KEY_STORE_PASSWORD = "redis-key-store-password";
    public static final String REDIS_KEY_STORE_TYPE = "redis-key-store-type";
    public static final String KEY_PREFIX = "key-prefix";
    public static final String LEASE = "lease";
    public static final String ACQUIRE_TIMEOUT = "acquire-timeout";
    public static final String RECHECK_INTERVAL = "recheck-interval";
    public static final String FENCE_RETENTION = "fence-retention";
    public static final String MAX_HOLD = "max-hold";
    public static final String TURN_GRACE = "turn-grace";
    public static final String REDIS_TIMEOUT = "redis-timeout";
    public static final String REDIS_POOL_SIZE = "redis-pool-size";
    public static final String MAX_BODY_SIZE = "max-body-size";
    public static final String MAX_JSON_DEPTH = "max-json-depth";
    public static final String BUSY_CODE = "busy-code";
    public static final String FAIL_OPEN_READS = "fail-open-reads";
    public static final String FAIL_OPEN_WRITES = "fail-open-writes";
    public static final String TURN_HEADER = "turn-header";
    public static final String BIND_PRINCIPAL = "bind-principal";
    public static final String CLASSIFICATION_FILE = "classification-file";
    public static final String WAIT_MODE = "wait-mode";
    public static final String KEY_SOURCES = "key-sources";
    public static final String TURN_SOURCES = "turn-sources";
    public static final String UNKEYED = "unkeyed";
    public static final String BUSY_CODE_2026 = "busy-code-2026";
    public static final String LEARN_ANNOTATIONS = "learn-annotations";
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
     */
    public static TurnstileSettings load(SettingSource source, Function<String, InputStream> resources) {
        GuardOptions d = GuardOptions.defaults();
        GuardOptions options = new GuardOptions(
                bool(source, ENABLED, d.enabled()),
                source.get(MAX_BODY_SIZE) == null ? d.maxBodySize() : Values.size(source.describe(MAX_BODY_SIZE), source.get(MAX_BODY_SIZE)),
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

    public GuardOptions options() {
        return options;
    }

    public Classifier classifier() {
        return classifier;
    }

    /** A builder with every engine setting applied; the caller may add a listener and build. */
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
            b.turnGrace("off".equalsIgnoreCase(grace) ? dev.turnstile.TurnstileConfig.TURN_GRACE_OFF
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
        set(REDIS_TLS_VERIFY_HOSTNAME, v -> b.redisTlsVerifyHostname(Values.bool(source.describe(REDIS_TLS_VERIFY_HOSTNAME), v)));
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
        String turnHeader = source.get(TURN_HEADER) == null ? GuardOptions.DEFAULT_TURN_HEADER : source.get(TURN_HEADER);
        ConversationKeys d;
        try {
            d = ConversationKeys.defaults(turnHeader);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source.describe(TURN_HEADER) + " must be an HTTP header name: '"
                    + turnHeader + "'", e);
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

    private static Classifier readClassification(SettingSource source, String file,
                                                 Function<String, InputStream> resources) {
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
