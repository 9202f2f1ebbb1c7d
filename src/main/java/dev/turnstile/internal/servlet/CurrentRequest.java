package dev.turnstile.internal.servlet;

import dev.turnstile.servlet.TurnstileFilter;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The request whose session and turn {@code @Guarded} methods use. The {@link TurnstileFilter}
 * binds every request it sees while {@code chain.doFilter} runs. Code that hands a request's work
 * to another thread can carry the request over:
 * <pre>{@code
 * try (CurrentRequest.Binding ignored = CurrentRequest.bind(request)) {
 *     tools.refund(...);   // @Guarded: takes its place in the request's session and turn
 * }
 * }</pre>
 */
public final class CurrentRequest {

    private static final ThreadLocal<HttpServletRequest> CURRENT = new ThreadLocal<>();

    private CurrentRequest() {}

    /** The request bound to this thread, or null. */
    public static HttpServletRequest get() {
        return CURRENT.get();
    }

    /** Binds {@code request} to this thread until the returned binding is closed. */
    public static Binding bind(HttpServletRequest request) {
        HttpServletRequest previous = CURRENT.get();
        CURRENT.set(request);
        return new Binding(previous);
    }

    /** Restores what was bound before. */
    public static final class Binding implements AutoCloseable {
        private final HttpServletRequest previous;

        private Binding(HttpServletRequest previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
