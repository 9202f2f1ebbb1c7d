package dev.turnstile.itjedis;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** The contract on a Redis Cluster ({@code redisCluster}): commands follow their slot, one pipeline per node. */
@EnabledIfSystemProperty(named = RedisNodes.CLUSTER, matches = ".+", disabledReason = "needs -Dturnstile.test.cluster")
class ClusterOnJedisIT extends TurnstileOnJedisContract {

    @Override
    TurnstileBuilder onRedis(TurnstileBuilder builder) {
        return builder.redisCluster(System.getProperty(RedisNodes.CLUSTER));
    }

    @Override
    RedisNodes nodes() {
        return RedisNodes.cluster();
    }

    @Test
    void anUnreachableClusterIsReportedAsBackendUnavailable() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        TurnstileBuilder unreachable = Turnstile.builder().redisCluster("127.0.0.1:" + port);
        assertThrows(BackendUnavailableException.class, unreachable::build);
    }
}
