package dev.turnstile.servlet;

import dev.turnstile.Permit;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/**
 * Releases a permit when an async request ends: complete, error or timeout. The permit's release
 * is idempotent, so being called for more than one of them is harmless.
 */
final class PermitReleaser implements AsyncListener {

    private final Permit permit;

    PermitReleaser(Permit permit) {
        this.permit = permit;
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
