package dev.turnstile.internal.servlet;

import dev.turnstile.Classifier;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileException;
import dev.turnstile.config.GuardOptions;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Internal: what {@link dev.turnstile.servlet.TurnstileFilter} does with an HTTP request once it is
 * enabled. Not API; it may change in any release.
 */
public final class FilterDispatch {

    private final FilterGuard guard;

    /** The dispatch of a filter guarded by {@code turnstile}. */
    public FilterDispatch(Turnstile turnstile, Classifier classifier, GuardOptions options) {
        this.guard = new FilterGuard(turnstile, classifier, options);
    }

    /** skip → read the body → classify → take the place (now or later) → run the server → release. */
    @SuppressWarnings("try") // the binding scopes the current request; the body never names it
    public void filter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try (CurrentRequest.Binding bound = CurrentRequest.bind(request)) {
            if (request.getDispatcherType() == DispatcherType.ASYNC) {
                resume(request, response, chain);
            } else if (guard.skips(request)) {
                pass(request, response, chain);
            } else {
                guard(new GuardedCall(guard, request, response), chain);
            }
        }
    }

    /** A request that takes no place; a GET (an event stream) is read along for list changes when learning is on. */
    private void pass(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        WatchedResponse watched = "GET".equals(request.getMethod()) ? guard.watch(request, response, Call.NONE) : null;
        if (watched == null) {
            chain.doFilter(request, response);
            return;
        }
        try {
            chain.doFilter(new Streams.ListeningRequest(request, watched), watched);
        } finally {
            Streams.endWhenDone(request, watched);
        }
    }

    private static void guard(GuardedCall call, FilterChain chain) throws IOException, ServletException {
        try {
            call.readBody();
            call.classify();
            call.acquire(); // now, not at all (bypass, fail-open), or later: the request goes async
        } catch (TurnstileException e) {
            call.answer(e); // every refusal: its JSON-RPC error, nothing forwarded
            return;
        }
        call.run(chain); // with the place held; released when this pass, or the async request, ends
    }

    /** An ASYNC dispatch: a call that waited resumes with its place; any other passes untouched. */
    private static void resume(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getAttribute(GuardedCall.ATTRIBUTE) instanceof GuardedCall waited) {
            waited.resume(request, response, chain);
        } else {
            chain.doFilter(request, response); // the server's own dispatch of a request the filter has seen
        }
    }
}
