package dev.turnstile.internal.engine;

import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileBuilder;
import dev.turnstile.config.SettingSource;
import dev.turnstile.config.TurnstileSettings;
import dev.turnstile.testing.Passwords;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * For {@code RedisCredentialsIT}, in a JVM of its own so that every line it and its libraries
 * print (SLF4J at TRACE) can be searched: uses Turnstile with good and bad Redis credentials and
 * URLs and prints, per scenario, {@code == name}, what it saw (every exception with its whole
 * stack trace, cause chain and toString) and {@code RESULT name outcome}.
 *
 * <p>Environment: {@code PROBE_PORT} (a redis-server whose default user and user {@code app}
 * have the password {@code PROBE_PASSWORD}), {@code PROBE_CLOSED_PORT} (nothing listens there).
 */
public final class CredentialProbeMain {

    private static final Duration TIMEOUT = Duration.ofMillis(800);

    private CredentialProbeMain() {}

    public static void main(String[] args) {
        String password = System.getenv("PROBE_PASSWORD");
        String enc = Passwords.percentEncoded(password);
        String node = "127.0.0.1:" + System.getenv("PROBE_PORT");
        String closed = "127.0.0.1:" + System.getenv("PROBE_CLOSED_PORT");
        use("good app user", () -> builder("redis://app:" + enc + "@" + node));
        use("good default user", () -> builder("redis://:" + enc + "@" + node));
        use("good via settings", () -> settings(Map.of("turnstile.redis-url", "redis://app:" + enc + "@" + node)));
        use("wrong password", () -> builder("redis://app:" + Passwords.percentEncoded(password + "!") + "@" + node));
        use("raw password", () -> builder("redis://app:" + password + "@" + node));
        use(
                "raw password via settings",
                () -> settings(Map.of("turnstile.redis-url", "redis://app:" + password + "@" + node)));
        use("password as the user name", () -> builder("redis://" + enc + "@" + node));
        use("malformed url", () -> builder("redis://app:" + enc + "@" + node + "/zero"));
        use("unreachable port", () -> builder("redis://app:" + enc + "@" + closed));
        use("unresolvable host", () -> builder("redis://app:" + enc + "@turnstile-no-such-host.invalid:6379"));
        use(
                "cluster seeds unreachable",
                () -> builder("redis://app:" + enc + "@" + node).redisCluster(closed));
        passwordChangedUnderARunningEngine(password, "redis://app:" + enc + "@" + node, node);
        System.out.println("DONE");
        System.exit(0);
    }

    /** Builds, takes a write place and gives it back; prints what happened. */
    private static void use(String scenario, Supplier<TurnstileBuilder> builder) {
        System.out.println("== " + scenario);
        String outcome;
        try (Turnstile t = builder.get().build()) {
            System.out.println("built " + t);
            try (Permit p = t.acquire("probe-session", "turn-1", Mode.WRITE)) {
                System.out.println("held " + p + " fence " + p.fence());
            }
            outcome = "acquired";
        } catch (RuntimeException e) {
            e.printStackTrace(System.out);
            outcome = e.getClass().getSimpleName();
        }
        System.out.println("RESULT " + scenario + " " + outcome);
    }

    /**
     * A running engine whose password is changed on the server: its pooled connection still works,
     * so the call finds the session busy and waits, and the wake-up connection it then opens fails
     * to authenticate (logged by the engine) until the call gives up busy.
     */
    private static void passwordChangedUnderARunningEngine(String password, String url, String node) {
        String scenario = "password changed under a running engine";
        System.out.println("== " + scenario);
        String outcome;
        try (Turnstile holder = builder(url).build();
                Turnstile waiter = builder(url).build()) {
            waiter.acquire("warm-up", null, Mode.READ).close(); // one authenticated connection in its pool
            try (Permit held = holder.acquire("probe-session", "turn-1", Mode.WRITE)) {
                changePassword(node, password);
                waiter.acquire("probe-session", "turn-2", Mode.WRITE).close();
                outcome = "acquired while held";
            }
        } catch (RuntimeException e) {
            e.printStackTrace(System.out);
            outcome = e.getClass().getSimpleName();
        }
        System.out.println("RESULT " + scenario + " " + outcome);
    }

    private static void changePassword(String node, String password) {
        HostAndPort hp = HostAndPort.from(node);
        try (Jedis admin = new Jedis(
                hp, DefaultJedisClientConfig.builder().password(password).build())) {
            admin.aclSetUser("app", "resetpass", ">" + password + "-changed");
        }
    }

    private static TurnstileBuilder builder(String url) {
        return Turnstile.builder()
                .redisUrl(url)
                .keyPrefix("probe")
                .acquireTimeout(TIMEOUT)
                .redisTimeout(TIMEOUT);
    }

    private static TurnstileBuilder settings(Map<String, String> initParams) {
        SettingSource source = new SettingSource(initParams::get, name -> null, Map.of());
        return TurnstileSettings.load(source, path -> null)
                .builder()
                .keyPrefix("probe")
                .acquireTimeout(TIMEOUT)
                .redisTimeout(TIMEOUT);
    }
}
