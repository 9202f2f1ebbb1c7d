package dev.turnstile.internal.servlet;

import dev.turnstile.Permit;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Releases a call's permit when the pass that runs the server ends, or, when the server went
 * async, when the request ends: complete, error or timeout. The permit's release is idempotent, so
 * being called for more than one of them is harmless.
 */
final class PermitReleaser implements AsyncListener {

    private final Permit permit;
    private volatile boolean async;

    PermitReleaser(Permit permit) {
        this.permit = permit;
    }

    /** The server started an async cycle: the request's end releases. */
    void listenTo(AsyncContext context) {
        async = true;
        context.addListener(this);
    }

    /**
     * After {@code chain.doFilter}: releases now, unless the request went async (also without the
     * filter's wrapper); then its end releases. True when released now.
     */
    boolean passEnded(HttpServletRequest request) {
        if (!async && request.isAsyncStarted()) {
            listenTo(request.getAsyncContext());
        }
        if (!async) {
            permit.close();
        }
        return !async;
    }

    @Override
    public void onComplete(AsyncEvent event) {
        permit.close();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        permit.close();
    }

    @Override
    public void onError(AsyncEvent event) {
        permit.close();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // a new async cycle of the same request: keep listening
        event.getAsyncContext().addListener(this);
    }
}
