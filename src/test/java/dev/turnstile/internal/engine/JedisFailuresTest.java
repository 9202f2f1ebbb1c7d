package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/** Which failures may have left a command carried out: only those that certainly did not are "no". */
class JedisFailuresTest {

    @Test
    void aTimeoutAfterSendingMayHaveApplied() {
        assertTrue(JedisFailures.mayHaveApplied(new JedisConnectionException(new SocketTimeoutException("Read timed out"))));
        assertTrue(JedisFailures.mayHaveApplied(new JedisConnectionException("Unexpected end of stream.")));
    }

    @Test
    void anErrorReplyAConnectionNeverMadeOrAnEmptyPoolDidNot() {
        assertFalse(JedisFailures.mayHaveApplied(new JedisDataException("ERR turnstile acquire: bad arguments")));
        JedisConnectionException refused = new JedisConnectionException("Failed to connect to 127.0.0.1:1.");
        refused.addSuppressed(new ConnectException("Connection refused"));
        assertFalse(JedisFailures.mayHaveApplied(refused));
        assertFalse(JedisFailures.mayHaveApplied(new JedisException("Could not get a resource from the pool",
                new NoSuchElementException("Timeout waiting for idle object"))));
    }

    @Test
    void aClusterCommandThatRanOutOfAttemptsMayHaveAppliedWhateverItsLastFailure() {
        // Jedis keeps only the last attempt's failure; an earlier attempt may have been sent
        JedisClusterOperationException exhausted = new JedisClusterOperationException("No more cluster attempts left.");
        exhausted.addSuppressed(new JedisConnectionException("Failed to connect to 127.0.0.1:1."));
        assertTrue(JedisFailures.mayHaveApplied(exhausted));
    }
}
