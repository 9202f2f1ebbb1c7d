package dev.turnstile.examples.gateway;

import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpField;

/**
 * The request headers by which the gateway tells the upstream what Turnstile decided for a call, so that
 * a server in any language can see it and refuse a stale writer:
 * <ul>
 *   <li>{@value #MODE}: {@code read} or {@code write}, on a call that holds its place
 *       ({@link TurnstileAttributes#MODE});</li>
 *   <li>{@value #FENCE}: the fencing token in decimal, on a write that holds its place
 *       ({@link TurnstileAttributes#FENCE}).</li>
 * </ul>
 * Only the gateway sets them. Every header of either name that the client sent, in any case, also
 * spelled with {@code _} for {@code -} (which CGI-style servers read as the same header), is removed from
 * every forwarded request, guarded or not: a client must not be able to forge a mode or a fence. A call
 * that went on unguarded (bypassed, Turnstile disabled, fail-open) carries neither header.
 */
final class GuardHeaders {

    /** The mode of the place the call holds: {@code read} or {@code write}. */
    static final String MODE = "Turnstile-Mode";
    /** The fencing token of the write place the call holds. */
    static final String FENCE = "Turnstile-Fence";

    private GuardHeaders() {}

    /** Replaces whatever the client sent under either name with what Turnstile decided for {@code client}. */
    static void replace(HttpServletRequest client, Request upstream) {
        Object mode = client.getAttribute(TurnstileAttributes.MODE);
        Object fence = client.getAttribute(TurnstileAttributes.FENCE);
        upstream.headers(headers -> {
            List<String> sent = headers.stream()
                    .map(HttpField::getName)
                    .filter(GuardHeaders::isGuardHeader)
                    .toList();
            sent.forEach(headers::remove);
            if (mode instanceof String m) {
                headers.put(MODE, m);
                if (fence instanceof Long f) {
                    headers.put(FENCE, f.longValue());
                }
            }
        });
    }

    /** Whether {@code name} is one of the two headers, in any case, with {@code _} for {@code -}. */
    static boolean isGuardHeader(String name) {
        String dashed = name.replace('_', '-');
        return dashed.equalsIgnoreCase(MODE) || dashed.equalsIgnoreCase(FENCE);
    }
}
