package dev.turnstile.internal.engine;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.NoSuchElementException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** Reads Jedis failures: did the command certainly not run, or may it have reached Redis? */
final class JedisFailures {

    private JedisFailures() {}

    /**
     * False only when Redis certainly did not carry the command out: it answered with an error, no
     * connection could be made, or none could be taken from the pool. Anything else (a timeout after
     * the command was sent, a connection that broke) may have reached Redis, now or later.
     */
    static boolean mayHaveApplied(Throwable failure) {
        if (failure instanceof JedisClusterOperationException) {
            return true; // it made several attempts and keeps only the last one's failure: an earlier one may have run
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JedisDataException || notConnected(t)) {
                return false;
            }
            if (t instanceof JedisConnectionException && t.getMessage() != null
                    && (t.getMessage().startsWith("Failed to connect") || t.getMessage().startsWith("Failed to create socket"))) {
                return false; // the connection was never made
            }
        }
        return true;
    }

    private static boolean notConnected(Throwable t) {
        return t instanceof ConnectException || t instanceof NoRouteToHostException
                || t instanceof UnknownHostException || t instanceof NoSuchElementException;
    }
}
