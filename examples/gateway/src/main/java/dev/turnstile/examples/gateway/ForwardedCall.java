package dev.turnstile.examples.gateway;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One request the gateway forwards, from the moment it goes upstream until the upstream exchange ends:
 * whether the client is still there, and what its leaving means for the upstream ({@link #clientLeft}).
 * <ul>
 *   <li>MCP 2025-03-26, 2025-06-18, 2025-11-25: a disconnect is not a cancellation. When the client is
 *       gone the gateway keeps reading the upstream's answer (and drops it) until the exchange ends, or
 *       until {@code max-hold} after the request went upstream, when it aborts the exchange.</li>
 *   <li>MCP 2026-07-28 and later (the request's {@value #PROTOCOL_HEADER} header): closing the stream is
 *       the cancellation, so the gateway closes the upstream exchange at once.</li>
 * </ul>
 */
final class ForwardedCall {

    /** Request attribute under which the gateway keeps a request's {@code ForwardedCall}. */
    static final String ATTRIBUTE = ForwardedCall.class.getName();
    /** The header a 2026-era client sends on every request. */
    static final String PROTOCOL_HEADER = "MCP-Protocol-Version";
    /** The first MCP version in which closing a request's stream cancels the request. */
    static final String FIRST_CANCELLING_VERSION = "2026-07-28";

    private static final Pattern VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private final Request upstream;
    private final boolean disconnectCancels;
    private final long forwardedAt = System.nanoTime();
    private volatile boolean clientGone;
    private boolean ended;
    private Scheduler.Task bound;

    ForwardedCall(Request upstream, boolean disconnectCancels) {
        this.upstream = upstream;
        this.disconnectCancels = disconnectCancels;
    }

    /** The request's call, or null when it was not forwarded. */
    static ForwardedCall of(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof ForwardedCall call ? call : null;
    }

    /** Whether the request's protocol version is {@value #FIRST_CANCELLING_VERSION} or later. */
    static boolean disconnectCancels(HttpServletRequest request) {
        String version = request.getHeader(PROTOCOL_HEADER);
        return version != null
                && VERSION.matcher(version.trim()).matches()
                && version.trim().compareTo(FIRST_CANCELLING_VERSION) >= 0;
    }

    boolean clientGone() {
        return clientGone;
    }

    /**
     * The client is gone. Returns true when that cancels the call (MCP 2026-07-28 and later): the caller
     * aborts the upstream exchange. Otherwise the answer is read on and dropped, and the exchange is
     * aborted once {@code maxHold} (0: no bound) has passed since the request went upstream.
     */
    boolean clientLeft(Duration maxHold, Scheduler scheduler) {
        Runnable abort =
                () -> upstream.abort(new TimeoutException("the client left and max-hold (" + maxHold + ") has passed"));
        synchronized (this) {
            if (clientGone || ended) {
                return disconnectCancels;
            }
            clientGone = true;
            if (disconnectCancels || maxHold.isZero()) {
                return disconnectCancels;
            }
            long left = maxHold.toNanos() - (System.nanoTime() - forwardedAt);
            if (left > 0) {
                bound = scheduler.schedule(abort, left, TimeUnit.NANOSECONDS);
                return false;
            }
        }
        abort.run(); // outside the lock: aborting ends the exchange, which calls ended()
        return false;
    }

    /** The upstream exchange has ended. */
    synchronized void ended() {
        ended = true;
        if (bound != null) {
            bound.cancel();
        }
    }
}
