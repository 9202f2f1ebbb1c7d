package dev.turnstile.itjedis;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.Mode;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** The contract on one Redis server ({@code redisUrl}). */
@EnabledIfSystemProperty(named = RedisNodes.REDIS, matches = ".+", disabledReason = "needs -Dturnstile.test.redis")
class StandaloneOnJedisIT extends TurnstileOnJedisContract {

    @Override
    TurnstileBuilder onRedis(TurnstileBuilder builder) {
        return builder.redisUrl(System.getProperty(RedisNodes.REDIS));
    }

    @Override
    RedisNodes nodes() {
        return RedisNodes.standalone();
    }

    @Test
    void anUnreachableServerIsReportedAsBackendUnavailable() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (Turnstile t = Turnstile.builder().redisUrl("redis://127.0.0.1:" + port).build()) {
            assertThrows(BackendUnavailableException.class, t::ping);
            assertThrows(BackendUnavailableException.class, () -> t.acquire("session", null, Mode.WRITE));
        }
    }
}
