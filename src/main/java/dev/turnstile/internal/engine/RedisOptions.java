package dev.turnstile.internal.engine;

import static dev.turnstile.config.TurnstileSettings.REDIS_CLUSTER;
import static dev.turnstile.config.TurnstileSettings.REDIS_KEY_STORE;
import static dev.turnstile.config.TurnstileSettings.REDIS_SENTINEL;
import static dev.turnstile.config.TurnstileSettings.REDIS_SENTINEL_MASTER;
import static dev.turnstile.config.TurnstileSettings.REDIS_SENTINEL_PASSWORD;
import static dev.turnstile.config.TurnstileSettings.REDIS_SENTINEL_USER;
import static dev.turnstile.config.TurnstileSettings.REDIS_TLS;
import static dev.turnstile.config.TurnstileSettings.REDIS_TLS_VERIFY_HOSTNAME;
import static dev.turnstile.config.TurnstileSettings.REDIS_TRUST_STORE;
import static dev.turnstile.config.TurnstileSettings.REDIS_URL;

import java.util.LinkedHashSet;
import java.util.Set;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;

/**
 * The Sentinel and TLS settings of a {@code TurnstileBuilder}, checked together with its Redis URL
 * and Cluster nodes. The builder's methods set the fields; {@link #check} fails with a message that
 * names the setting (never a password) and turns the TLS settings into a {@link RedisTls}.
 */
public final class RedisOptions {

    private static final String PASSWORD_SUFFIX = "-password";
    private static final String TYPE_SUFFIX = "-type";
    private static final String TURN_TLS_ON = ": write rediss:// in " + REDIS_URL + ", or set " + REDIS_TLS + "=true";

    public String sentinelNodes;
    public String sentinelMaster;
    public String sentinelUser;
    public String sentinelPassword;
    public Boolean tls;
    public Boolean verifyHostname;
    public String trustStore;
    public String trustStorePassword;
    public String trustStoreType;
    public String keyStore;
    public String keyStorePassword;
    public String keyStoreType;

    /** Whether {@code redis-sentinel} is set. */
    public boolean sentinel() {
        return present(sentinelNodes);
    }

    /**
     * Checks these settings against the rest: {@code urlScheme} is the scheme of {@code redis-url}
     * ({@code redis} or {@code rediss}; null without one), {@code cluster} whether
     * {@code redis-cluster} is set. Returns the TLS context, or null when TLS is off.
     */
    public RedisTls check(String urlScheme, boolean cluster) {
        checkSentinel(cluster);
        boolean urlTls = "rediss".equals(urlScheme);
        if (tls != null && urlScheme != null && tls != urlTls) {
            throw new IllegalArgumentException(REDIS_TLS + " is " + tls + " but " + REDIS_URL + " starts with "
                    + urlScheme + "://" + (tls ? ": write rediss://" : ": remove one of them"));
        }
        boolean on = urlTls || Boolean.TRUE.equals(tls);
        if (!on) {
            refuseWithoutTls();
            return null;
        }
        if (urlScheme == null && !cluster && !sentinel()) {
            throw new IllegalArgumentException(REDIS_TLS + " is true, but no Redis is set: set " + REDIS_URL + ", "
                    + REDIS_CLUSTER + " or " + REDIS_SENTINEL);
        }
        return RedisTls.create(
                store(REDIS_TRUST_STORE, trustStore, trustStorePassword, trustStoreType),
                store(REDIS_KEY_STORE, keyStore, keyStorePassword, keyStoreType),
                !Boolean.FALSE.equals(verifyHostname));
    }

    /** The Sentinel nodes; only after {@link #check}. */
    public Set<HostAndPort> sentinels() {
        return nodes(REDIS_SENTINEL, sentinelNodes);
    }

    /** The client configuration for the Sentinels themselves: their own credentials, the same TLS. */
    public JedisClientConfig sentinelConfig(int timeoutMillis, RedisTls tlsContext) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .clientName("turnstile");
        if (present(sentinelPassword)) {
            b.user(present(sentinelUser) ? sentinelUser.trim() : null).password(sentinelPassword);
        }
        return (tlsContext == null ? b : tlsContext.applyTo(b)).build();
    }

    /** {@code host:port[,host:port...]}, as setting {@code setting}. */
    public static Set<HostAndPort> nodes(String setting, String nodes) {
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
                throw new IllegalArgumentException(setting + " must be host:port[,host:port...]: '" + nodes + "'");
            }
        }
        return result;
    }

    private void checkSentinel(boolean cluster) {
        if (!sentinel()) {
            refuseWithout(REDIS_SENTINEL, REDIS_SENTINEL_MASTER, sentinelMaster);
            refuseWithout(REDIS_SENTINEL, REDIS_SENTINEL_USER, sentinelUser);
            refuseWithout(REDIS_SENTINEL, REDIS_SENTINEL_PASSWORD, sentinelPassword);
            return;
        }
        if (cluster) {
            throw new IllegalArgumentException(
                    REDIS_SENTINEL + " and " + REDIS_CLUSTER + " exclude each other: set one of them");
        }
        if (!present(sentinelMaster) || !sentinelMaster.trim().matches("\\S+")) {
            throw new IllegalArgumentException(
                    REDIS_SENTINEL_MASTER + " must name the master that the Sentinels of " + REDIS_SENTINEL
                            + " watch, without spaces: '" + (sentinelMaster == null ? "" : sentinelMaster) + "'");
        }
        if (present(sentinelUser) && !present(sentinelPassword)) {
            throw new IllegalArgumentException(REDIS_SENTINEL_USER + " is set without " + REDIS_SENTINEL_PASSWORD);
        }
        sentinels();
    }

    private void refuseWithoutTls() {
        String[][] needTls = {
            {REDIS_TLS_VERIFY_HOSTNAME, verifyHostname == null ? null : verifyHostname.toString()},
            {REDIS_TRUST_STORE, trustStore},
            {REDIS_KEY_STORE, keyStore}
        };
        for (String[] setting : needTls) {
            if (present(setting[1])) {
                throw new IllegalArgumentException(setting[0] + " is set, but TLS is off" + TURN_TLS_ON);
            }
        }
        store(REDIS_TRUST_STORE, trustStore, trustStorePassword, trustStoreType); // a password or type without a store
        store(REDIS_KEY_STORE, keyStore, keyStorePassword, keyStoreType);
    }

    /** The store of setting {@code setting}, or null; a password or type without a path is refused. */
    private static RedisTls.Store store(String setting, String path, String password, String type) {
        if (!present(path)) {
            refuseWithout(setting, setting + PASSWORD_SUFFIX, password);
            refuseWithout(setting, setting + TYPE_SUFFIX, type);
            return null;
        }
        return new RedisTls.Store(
                setting, path.trim(), password, present(type) ? type.trim() : RedisTls.DEFAULT_STORE_TYPE);
    }

    private static void refuseWithout(String needed, String setting, String value) {
        if (present(value)) {
            throw new IllegalArgumentException(setting + " is set without " + needed);
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
