package dev.turnstile.internal.engine;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.NoSuchElementException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** Reads Jedis failures: did the command certainly not run, or may it have reached Redis? */
final class JedisFailures {

    /** What to check after a TLS failure: the settings, and the certificate's names. */
    private static final String TLS_HINT = ". Check redis-trust-store (it must hold the CA that signed the"
            + " server's certificate, else the JDK's default trust applies), redis-key-store (the client"
            + " certificate, when the server requires one: tls-auth-clients) and that the server's certificate"
            + " names the host Turnstile connects to (redis-tls-verify-hostname)";

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
            if (t instanceof JedisConnectionException
                    && t.getMessage() != null
                    && (t.getMessage().startsWith("Failed to connect")
                            || t.getMessage().startsWith("Failed to create socket"))) {
                return false; // the connection was never made
            }
        }
        return true;
    }

    private static boolean notConnected(Throwable t) {
        return t instanceof ConnectException
                || t instanceof NoRouteToHostException
                || t instanceof UnknownHostException
                || t instanceof NoSuchElementException
                || t instanceof SSLHandshakeException; // the handshake comes before any command
    }

    /**
     * For a connection over TLS that failed: what went wrong and which setting to check, or null
     * when the failure does not look like a TLS problem. Quotes only the JDK's TLS message (a
     * certificate path or host name problem, an alert), never a credential.
     */
    static String tlsProblem(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return t.getMessage() + TLS_HINT;
            }
            if (t instanceof SocketException
                    && t.getMessage() != null
                    && (t.getMessage().contains("Broken pipe") || t.getMessage().contains("Connection reset"))) {
                // TLS 1.3: a server that wants a client certificate closes the connection after the handshake
                return "the server closed the connection (" + t.getMessage() + ")" + TLS_HINT;
            }
        }
        return null;
    }
}
