package dev.turnstile.internal.engine;

import dev.turnstile.BusyReason;
import dev.turnstile.CleanupOutcome;
import dev.turnstile.Mode;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileListener;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls the user's listener and swallows what it throws, so it can never block a release. */
final class SafeListener implements TurnstileListener {

    private static final Logger LOG = LoggerFactory.getLogger(SafeListener.class);

    private final TurnstileListener delegate;

    SafeListener(TurnstileListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public void acquired(String sessionHash, Mode mode, Duration waited) {
        guard(() -> delegate.acquired(sessionHash, mode, waited));
    }

    @Override
    public void waited(String sessionHash, Mode mode, BusyReason reason) {
        guard(() -> delegate.waited(sessionHash, mode, reason));
    }

    @Override
    public void acquireFailed(String sessionHash, Mode mode, Duration waited) {
        guard(() -> delegate.acquireFailed(sessionHash, mode, waited));
    }

    @Override
    public void busy(String sessionHash, Mode mode, BusyReason reason, Duration waited) {
        guard(() -> delegate.busy(sessionHash, mode, reason, waited));
    }

    @Override
    public void released(String sessionHash, Mode mode, Duration held, boolean wasHeld) {
        guard(() -> delegate.released(sessionHash, mode, held, wasHeld));
    }

    @Override
    public void leaseLost(String sessionHash, Mode mode) {
        guard(() -> delegate.leaseLost(sessionHash, mode));
    }

    @Override
    public void cleanedUp(String sessionHash, Mode mode, String operation, CleanupOutcome outcome) {
        guard(() -> delegate.cleanedUp(sessionHash, mode, operation, outcome));
    }

    @Override
    public void backendError(String operation, Throwable error) {
        guard(() -> delegate.backendError(operation, error));
    }

    @Override
    public void failedOpen(Mode mode) {
        guard(() -> delegate.failedOpen(mode));
    }

    @Override
    public void started(Turnstile turnstile) {
        guard(() -> delegate.started(turnstile));
    }

    private static void guard(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("listener failed; ignored", e);
        }
    }
}
