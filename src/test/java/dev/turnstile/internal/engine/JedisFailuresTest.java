package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.NoSuchElementException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/** Which failures may have left a command carried out: only those that certainly did not are "no". */
class JedisFailuresTest {

    @Test
    void aTimeoutAfterSendingMayHaveApplied() {
        assertTrue(JedisFailures.mayHaveApplied(
                new JedisConnectionException(new SocketTimeoutException("Read timed out"))));
        assertTrue(JedisFailures.mayHaveApplied(new JedisConnectionException("Unexpected end of stream.")));
    }

    @Test
    void anErrorReplyAConnectionNeverMadeOrAnEmptyPoolDidNot() {
        assertFalse(JedisFailures.mayHaveApplied(new JedisDataException("ERR turnstile acquire: bad arguments")));
        JedisConnectionException refused = new JedisConnectionException("Failed to connect to 127.0.0.1:1.");
        refused.addSuppressed(new ConnectException("Connection refused"));
        assertFalse(JedisFailures.mayHaveApplied(refused));
        assertFalse(JedisFailures.mayHaveApplied(new JedisException(
                "Could not get a resource from the pool",
                new NoSuchElementException("Timeout waiting for idle object"))));
        assertFalse(JedisFailures.mayHaveApplied(new JedisConnectionException(
                new SSLHandshakeException("PKIX path building failed")))); // the handshake comes before any command
    }

    @Test
    void aTlsFailureIsToldWithTheSettingsToCheck() {
        String untrusted = JedisFailures.tlsProblem(
                new JedisConnectionException(new SSLHandshakeException("PKIX path building failed")));
        assertTrue(untrusted.startsWith("PKIX path building failed. Check redis-trust-store"), untrusted);
        String closed = JedisFailures.tlsProblem(new JedisConnectionException(new SocketException("Broken pipe")));
        assertTrue(
                closed.startsWith("the server closed the connection (Broken pipe)")
                        && closed.contains("redis-key-store"),
                closed);
        assertNull(JedisFailures.tlsProblem(new JedisDataException("WRONGPASS invalid username-password pair")));
    }

    @Test
    void aClusterCommandThatRanOutOfAttemptsMayHaveAppliedWhateverItsLastFailure() {
        // Jedis keeps only the last attempt's failure; an earlier attempt may have been sent
        JedisClusterOperationException exhausted = new JedisClusterOperationException("No more cluster attempts left.");
        exhausted.addSuppressed(new JedisConnectionException("Failed to connect to 127.0.0.1:1."));
        assertTrue(JedisFailures.mayHaveApplied(exhausted));
    }
}
