package dev.turnstile.spring;

import dev.turnstile.BusyReason;
import dev.turnstile.CleanupOutcome;
import dev.turnstile.Mode;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileListener;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's {@link TurnstileListener} beans as one listener (the builder takes one): each
 * event goes to every bean in order; one that throws is logged and does not keep the event from
 * the others.
 */
final class Listeners implements TurnstileListener {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<TurnstileListener> all;

    private Listeners(List<TurnstileListener> all) {
        this.all = List.copyOf(all);
    }

    static TurnstileListener of(List<TurnstileListener> listeners) {
        return listeners.size() == 1 ? listeners.get(0) : new Listeners(listeners);
    }

    private void each(Consumer<TurnstileListener> event) {
        for (TurnstileListener listener : all) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("Turnstile listener {} failed", listener.getClass().getName(), e);
            }
        }
    }

    @Override
    public void acquired(String sessionHash, Mode mode, Duration waited) {
        each(l -> l.acquired(sessionHash, mode, waited));
    }

    @Override
    public void waited(String sessionHash, Mode mode, BusyReason reason) {
        each(l -> l.waited(sessionHash, mode, reason));
    }

    @Override
    public void acquireFailed(String sessionHash, Mode mode, Duration waited) {
        each(l -> l.acquireFailed(sessionHash, mode, waited));
    }

    @Override
    public void busy(String sessionHash, Mode mode, BusyReason reason, Duration waited) {
        each(l -> l.busy(sessionHash, mode, reason, waited));
    }

    @Override
    public void released(String sessionHash, Mode mode, Duration held, boolean wasHeld) {
        each(l -> l.released(sessionHash, mode, held, wasHeld));
    }

    @Override
    public void leaseLost(String sessionHash, Mode mode) {
        each(l -> l.leaseLost(sessionHash, mode));
    }

    @Override
    public void cleanedUp(String sessionHash, Mode mode, String operation, CleanupOutcome outcome) {
        each(l -> l.cleanedUp(sessionHash, mode, operation, outcome));
    }

    @Override
    public void backendError(String operation, Throwable error) {
        each(l -> l.backendError(operation, error));
    }

    @Override
    public void failedOpen(Mode mode) {
        each(l -> l.failedOpen(mode));
    }

    @Override
    public void started(Turnstile turnstile) {
        each(l -> l.started(turnstile));
    }
}
