package dev.turnstile.itjedis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The contract on the master behind Sentinel ({@code redisSentinel}), and a failover: Jedis' Sentinel
 * listeners hear it, scripts run on the new master, and a waiter's subscription is made there.
 */
@EnabledIfSystemProperty(named = RedisNodes.SENTINEL, matches = ".+", disabledReason = "needs -Dturnstile.test.sentinel")
class SentinelOnJedisIT extends TurnstileOnJedisContract {

    @Override
    TurnstileBuilder onRedis(TurnstileBuilder builder) {
        String sentinels = RedisNodes.sentinels().stream().map(a -> a.getHostString() + ":" + a.getPort())
                .collect(Collectors.joining(","));
        return builder.redisSentinel(sentinels).redisSentinelMaster(RedisNodes.masterName());
    }

    @Override
    RedisNodes nodes() {
        return RedisNodes.sentinelMaster(); // asked each time: the master changes in a failover
    }

    @Test
    void scriptsAndWakeUpsFollowAFailover() {
        Turnstile holder = open(b -> b.lease(Duration.ofMinutes(5)));
        Turnstile waiter = open(b -> b.recheckInterval(Duration.ofMinutes(5)).acquireTimeout(Duration.ofMinutes(5)));
        holder.acquire("session-" + UUID.randomUUID(), null, Mode.WRITE).close();
        List<InetSocketAddress> sentinels = RedisNodes.sentinels();
        InetSocketAddress old = RedisNodes.masterOf(sentinels.get(0));
        await("a Sentinel starts a failover", () -> "OK".equals(RedisNodes.call(sentinels.get(0), "SENTINEL",
                "FAILOVER", RedisNodes.masterName()))); // refused while it sees no replica it would promote
        await("every Sentinel names the new master",
                () -> sentinels.stream().noneMatch(s -> RedisNodes.masterOf(s).equals(old)));
        await("a call gets a place on the new master", () -> {
            try {
                holder.acquire("session-" + UUID.randomUUID(), null, Mode.WRITE, Duration.ZERO).close();
                return true;
            } catch (BackendUnavailableException e) {
                return false;
            }
        });
        String session = "session-" + UUID.randomUUID();
        String channel = prefix() + ":{" + Turnstile.sessionHash(session) + "}:wake";
        Permit held = holder.acquire(session, null, Mode.WRITE);
        long before = nodes().evalshaCalls();
        var next = java.util.concurrent.CompletableFuture.supplyAsync(() -> waiter.acquire(session, null, Mode.WRITE));
        await("the waiter subscribed on the new master and looked again",
                () -> nodes().shardSubscribers(channel) >= 1 && nodes().evalshaCalls() >= before + 2);
        held.close();
        try (Permit granted = next.get(60, TimeUnit.SECONDS)) {
            assertTrue(granted.held());
        } catch (Exception e) {
            throw new AssertionError("the waiter was not woken on the new master", e);
        }
        await("the old master replicates the new one", () -> RedisNodes.call(old, "ROLE") instanceof List<?> role
                && "slave".equals(role.get(0)) && "connected".equals(role.get(3)));
    }

    /** Polls until the servers get there (at most 90 s, then fails). */
    private static void await(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!holds(condition)) {
            assertTrue(System.nanoTime() - end < 0, "timed out waiting: " + what);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting: " + what);
            }
        }
    }

    private static boolean holds(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (RuntimeException e) {
            return false; // a server on its way (a refused connection, a reply of another shape)
        }
    }
}
