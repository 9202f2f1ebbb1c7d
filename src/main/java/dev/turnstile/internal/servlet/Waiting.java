package dev.turnstile.internal.servlet;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.Permit;
import dev.turnstile.TurnstileException;
import dev.turnstile.servlet.TurnstileFilter;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call that waits for its place without a thread: its request is asynchronous, and the engine's
 * stage decides. Granted: an ASYNC dispatch, on which the filter resumes the call with its place.
 * Refused (busy, store unreachable): the answer, written in the async context. Fail-open: the
 * dispatch without a place. When the request ends first (error, timeout, or complete without the
 * dispatch reaching the filter), the call leaves the queue (the stage is cancelled) or gives back
 * the place it was granted. Containers do not report a client that leaves an idle asynchronous
 * request: such a call runs when its turn comes.
 */
final class Waiting implements AsyncListener {

    private static final Logger LOG = LoggerFactory.getLogger(TurnstileFilter.class);

    private enum Phase {
        WAITING,
        GRANTED,
        OPEN,
        RESUMED,
        ENDED
    }

    private final GuardedCall call;
    private final AsyncContext async;
    private final CompletableFuture<Permit> stage;
    private Phase phase = Phase.WAITING; // guarded by this
    private Permit permit; // guarded by this: granted, not resumed yet
    private boolean readWithoutFilter; // guarded by this: the server read the body on a pass the filter missed

    Waiting(GuardedCall call, AsyncContext async, CompletableFuture<Permit> stage) {
        this.call = call;
        this.async = async;
        this.stage = stage;
    }

    /** From now on the engine (on its threads, or on this one) and the container may each end the wait. */
    void start() {
        async.addListener(this);
        stage.whenComplete(this::decided);
    }

    /**
     * The ASYNC pass took the call: true, and the call holds its place (or goes on unguarded),
     * unless the request ended first.
     */
    boolean resume() {
        Permit granted;
        synchronized (this) {
            if (phase != Phase.GRANTED && phase != Phase.OPEN) {
                return false;
            }
            granted = permit;
            permit = null;
            phase = Phase.RESUMED;
        }
        if (granted != null) {
            call.hold(granted);
        } else {
            call.failOpen();
        }
        return true;
    }

    private void decided(Permit granted, Throwable failure) {
        if (granted != null) {
            if (settle(Phase.GRANTED, granted)) {
                dispatch();
            } else {
                granted.close(); // the request is gone
            }
            return;
        }
        TurnstileException e = Stages.failure(failure);
        if (e instanceof BackendUnavailableException && call.guard().failsOpen(call.mode())) {
            if (settle(Phase.OPEN, null)) {
                dispatch();
            }
        } else if (settle(Phase.ENDED, null)) {
            answerLater(e);
        }
    }

    private synchronized boolean settle(Phase next, Permit granted) {
        if (phase != Phase.WAITING) {
            return false;
        }
        phase = next;
        permit = granted;
        return true;
    }

    private void dispatch() {
        try {
            async.dispatch();
        } catch (IllegalStateException ended) {
            abandon(); // the request ended meanwhile: its place goes back
        }
    }

    private void answerLater(TurnstileException e) {
        try {
            async.start(() -> answer(e)); // on a container thread: the engine's threads never write to clients
        } catch (IllegalStateException ended) {
            LOG.debug("the request ended before its answer: {}", e.getMessage());
        }
    }

    private void answer(TurnstileException e) {
        try {
            call.answer(e);
        } catch (IOException | RuntimeException failed) {
            LOG.debug("the answer could not be written: {}", failed.toString());
        } finally {
            try {
                async.complete();
            } catch (IllegalStateException ended) {
                LOG.trace("the request had ended");
            }
        }
    }

    /**
     * The request ended, or the container gave up on it, before the call resumed: the call leaves
     * the queue, or gives back the place it was granted. True when it had not ended yet.
     */
    private boolean abandon() {
        Phase was;
        Permit granted;
        synchronized (this) {
            was = phase;
            if (was == Phase.RESUMED || was == Phase.ENDED) {
                return false;
            }
            granted = permit;
            permit = null;
            phase = Phase.ENDED;
        }
        if (was == Phase.WAITING) {
            stage.cancel(false); // the engine withdraws it; a place granted meanwhile is released there
        }
        if (granted != null) {
            granted.close();
        }
        return true;
    }

    /** The server reads the body of the request that went async: on a pass the filter missed, if not resumed. */
    synchronized void bodyRead() {
        if (phase == Phase.GRANTED || phase == Phase.OPEN) {
            readWithoutFilter = true;
        }
    }

    /**
     * The server ran on the dispatch without this filter (it read the body before the filter took
     * the call): a filter mapped without ASYNC. A filter before this one that refused the pass (say,
     * 401) is no misregistration: the call just gives its place back.
     */
    private synchronized boolean dispatchedPastTheFilter() {
        return readWithoutFilter && (phase == Phase.GRANTED || phase == Phase.OPEN);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        if (abandon()) {
            answer(new WaitTimedOutException());
        }
    }

    @Override
    public void onError(AsyncEvent event) {
        abandon();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        if (dispatchedPastTheFilter()) {
            call.guard().asyncPassMissed();
        }
        abandon();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        if (dispatchedPastTheFilter()) {
            // the server runs without the filter and went async: its request's end releases the place
            call.guard().asyncPassMissed();
            event.getAsyncContext().addListener(this);
        }
    }
}
