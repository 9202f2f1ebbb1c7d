package dev.turnstile.itjedis;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileBuilder;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The contract over TLS ({@code rediss://}, a trust store and a client certificate) on a server that
 * speaks only TLS and requires client certificates; and the host name checked against the server's
 * certificate on every Jedis (Jedis 6 and 7.0 would not check it by themselves).
 */
@EnabledIfSystemProperty(named = RedisNodes.TLS, matches = ".+", disabledReason = "needs -Dturnstile.test.tls")
class TlsOnJedisIT extends TurnstileOnJedisContract {

    @Override
    TurnstileBuilder onRedis(TurnstileBuilder builder) {
        return withStores(builder.redisUrl(System.getProperty(RedisNodes.TLS)));
    }

    @Override
    RedisNodes nodes() {
        return RedisNodes.tls();
    }

    @Test
    void aHostTheCertificateDoesNotNameIsRefusedUnlessVerificationIsOff() {
        // the server listens on 127.0.0.2 too; its certificate names 127.0.0.1 and localhost only
        String other = "rediss://127.0.0.2:" + URI.create(System.getProperty(RedisNodes.TLS)).getPort();
        try (Turnstile verified = withStores(Turnstile.builder().redisUrl(other)).build()) {
            assertThrows(BackendUnavailableException.class, verified::ping);
        }
        try (Turnstile unverified = withStores(Turnstile.builder().redisUrl(other)).redisTlsVerifyHostname(false).build()) {
            unverified.ping();
        }
    }

    private static TurnstileBuilder withStores(TurnstileBuilder builder) {
        String password = RedisNodes.tlsPassword();
        return builder.redisTrustStore(RedisNodes.tlsFile("truststore.p12")).redisTrustStorePassword(password)
                .redisKeyStore(RedisNodes.tlsFile("client.p12")).redisKeyStorePassword(password);
    }
}
