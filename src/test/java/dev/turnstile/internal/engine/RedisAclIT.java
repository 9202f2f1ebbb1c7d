package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import dev.turnstile.testing.RedisProcess;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Turnstile as a least-privilege Redis ACL user (the ACL the README documents), on a private
 * redis-server whose default user is off: credentials in the URL, scripts, renewal and sharded
 * pub/sub wake-ups all work; a wrong password fails acquires without quoting it.
 */
class RedisAclIT {

    static final String ACL = "on >s3cret ~tacl:* &tacl:* -@all +evalsha +eval +ssubscribe +sunsubscribe"
            + " +client|setname +ping +time +get +set +del +zadd +zrem +zscore +zcard +zrange +zremrangebyscore"
            + " +pexpire +spublish +type +exists +info +zrangebyscore +zrangebylex +zrank";

    private RedisProcess redis;

    @BeforeEach
    void start() throws Exception {
        redis = RedisProcess.start();
        try (Jedis admin = new Jedis(redis.node(), RedisTestServers.clientConfig())) {
            admin.aclSetUser("app", ACL.split(" "));
            admin.aclSetUser("default", "off");
        }
    }

    @AfterEach
    void stop() throws Exception {
        redis.close();
    }

    private String url(String password) {
        return "redis://app:" + password + "@127.0.0.1:" + redis.node().getPort();
    }

    @Test
    void theDocumentedAclIsEnoughForAcquireWaitWakeRenewAndRelease() throws Exception {
        try (Turnstile a = Turnstile.builder()
                        .redisUrl(url("s3cret"))
                        .keyPrefix("tacl")
                        .lease(Duration.ofMillis(900))
                        .build();
                Turnstile b = Turnstile.builder()
                        .redisUrl(url("s3cret"))
                        .keyPrefix("tacl")
                        .recheckInterval(Duration.ofSeconds(60))
                        .build()) {
            Permit held = a.acquire("s", "t1", Mode.WRITE);
            CompletableFuture<Permit> waiter =
                    CompletableFuture.supplyAsync(() -> b.acquire("s", "t2", Mode.WRITE, Duration.ofSeconds(20)));
            // the holder outlives several lease renewals (lease 900 ms) before it lets go
            for (int i = 0; i < 3 && !waiter.isDone(); i++) {
                TimeUnit.MILLISECONDS.sleep(900);
            }
            assertFalse(waiter.isDone(), "the waiter got in while the write was held");
            assertFalse(held.leaseLost(), "renewal failed under the ACL");
            held.close();
            Permit next = waiter.get(30, TimeUnit.SECONDS); // woken by SSUBSCRIBE/SPUBLISH, not the 60 s re-check
            assertTrue(next.fence().getAsLong() > held.fence().getAsLong());
            next.close();
        }
    }

    @Test
    void aWrongPasswordFailsTheAcquireWithoutQuotingIt() {
        try (Turnstile t =
                Turnstile.builder().redisUrl(url("wrong-pw")).keyPrefix("tacl").build()) {
            BackendUnavailableException e =
                    assertThrows(BackendUnavailableException.class, () -> t.acquire("s", null, Mode.READ));
            for (Throwable c = e; c != null; c = c.getCause()) {
                assertFalse(String.valueOf(c.getMessage()).contains("wrong-pw"), "the password leaked: " + c);
            }
        }
    }
}
