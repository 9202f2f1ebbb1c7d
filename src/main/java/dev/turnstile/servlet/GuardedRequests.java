package dev.turnstile.servlet;

import dev.turnstile.InvalidTurnIdException;
import dev.turnstile.TurnIds;
import dev.turnstile.config.GuardOptions;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Collections;
import java.util.List;

/**
 * How a request names its place, the same for the filter and the {@code @Guarded} interceptor:
 * the session key (the session id, bound to the principal when so configured) and the turn id.
 */
public final class GuardedRequests {

    private GuardedRequests() {}

    /** The key the engine locks: the session id, prefixed by the principal's name with {@code bind-principal}. */
    public static String sessionKey(HttpServletRequest request, String sessionId, GuardOptions options) {
        if (!options.bindPrincipal()) {
            return sessionId;
        }
        Principal principal = request.getUserPrincipal();
        return (principal == null ? "" : principal.getName()) + '\u0000' + sessionId;
    }

    /** The validated turn id, or null without the header; two headers or a bad value throw. */
    public static String turnId(HttpServletRequest request, GuardOptions options) {
        List<String> values = Collections.list(request.getHeaders(options.turnHeader()));
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new InvalidTurnIdException("more than one " + options.turnHeader() + " header");
        }
        return TurnIds.validate(values.get(0));
    }
}
