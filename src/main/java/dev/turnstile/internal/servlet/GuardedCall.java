package dev.turnstile.internal.servlet;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.TurnstileException;
import dev.turnstile.internal.jsonrpc.JsonRpcException;
import dev.turnstile.servlet.TurnstileAttributes;
import dev.turnstile.servlet.TurnstileFilter;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POST the filter reads, from its body to its release: it owns the body it replays, the place
 * it holds (its permit), the attributes it shows the server and the release, synchronous or from an
 * {@code AsyncListener}. A call whose place is not free at once waits without a thread
 * ({@link Waiting}) and resumes on its ASYNC dispatch, where the filter finds it again under
 * {@link #ATTRIBUTE}.
 */
final class GuardedCall {

    /** The request attribute that holds a call that waits for its place, until its ASYNC pass takes it. */
    static final String ATTRIBUTE = GuardedCall.class.getName();

    private static final Logger LOG = LoggerFactory.getLogger(TurnstileFilter.class);

    private enum State {
        NEW,
        PASSING,
        FAILED_OPEN,
        HOLDING,
        WAITING
    }

    private final FilterGuard guard;
    private HttpServletRequest request; // the current pass's own objects: an ASYNC pass may bring other wrappers
    private HttpServletResponse response;
    private BodyReader.Body body;
    private Call call = Call.NONE;
    private String turn; // the turn id header's value; null: a turn of its own
    private Permit permit;
    private State state = State.NEW;
    private Waiting waiting;
    private WatchedResponse watched; // the response read along for learning, or null

    GuardedCall(FilterGuard guard, HttpServletRequest request, HttpServletResponse response) {
        this.guard = guard;
        this.request = request;
        this.response = response;
    }

    void readBody() {
        body = guard.readBody(request);
    }

    void classify() {
        try {
            call = guard.classify(body, request, c -> call = c);
        } catch (JsonRpcException e) {
            call = Call.echo(e.rawId(), call.mcp2026());
            throw e;
        } catch (RequestClassifier.Unclassifiable e) {
            call = e.call();
            throw e;
        }
    }

    /** Takes the call's place: now, not at all (bypass, fail-open), or later (the request goes async). */
    void acquire() {
        if (!call.guarded()) {
            state = State.PASSING;
            return;
        }
        String sessionKey = guard.conversationKey(request, call);
        if (sessionKey == null) {
            state = State.PASSING; // unkeyed=pass: nothing to lock by
            return;
        }
        turn = GuardedRequests.turnId(request, call.metas(), guard.options());
        CompletableFuture<Permit> stage = guard.acquire(sessionKey, turn, mode());
        if (stage.isDone() || !guard.canWaitAsync(request) || !waitFor(stage)) {
            decide(stage);
        }
    }

    private void decide(CompletableFuture<Permit> stage) {
        try {
            hold(Stages.await(stage));
        } catch (BackendUnavailableException e) {
            if (!guard.failsOpen(mode())) {
                throw e;
            }
            failOpen();
        }
    }

    /**
     * Gives the thread back: the request goes async (with the body replayed, so that even a server
     * the dispatch reaches without this filter gets it). False when the request cannot go async.
     */
    private boolean waitFor(CompletableFuture<Permit> stage) {
        AsyncContext async;
        ReplayingRequest waitingRequest = replay();
        try {
            async = request.startAsync(waitingRequest, response);
        } catch (IllegalStateException e) {
            guard.cannotGoAsync(e);
            return false;
        }
        async.setTimeout(guard.waitTimeoutMillis());
        request.setAttribute(ATTRIBUTE, this);
        state = State.WAITING;
        waiting = new Waiting(this, async, stage);
        waitingRequest.onFirstRead(waiting::bodyRead); // read on the dispatch: the server ran without the filter
        waiting.start();
        return true;
    }

    /**
     * The server runs on this pass with what the call has: its place, or no place (bypass, fail-open);
     * what it answers is read along for learning (when the response may teach something).
     */
    void run(FilterChain chain) throws IOException, ServletException {
        if (state == State.WAITING) {
            LOG.trace("the call waits for its place: its ASYNC dispatch resumes it");
            return;
        }
        watched = guard.watch(request, response, call);
        if (watched != null) {
            response = watched;
        }
        try {
            switch (state) {
                case PASSING -> chain.doFilter(replay(), response);
                case FAILED_OPEN -> runUnguarded(chain);
                default -> runHolding(chain);
            }
        } finally {
            if (watched != null) {
                Streams.endWhenDone(request, watched);
            }
        }
    }

    /** The call's ASYNC pass: it runs with its place unless its request ended first. */
    void resume(HttpServletRequest pass, HttpServletResponse passResponse, FilterChain chain)
            throws IOException, ServletException {
        if (waiting.resume()) {
            request = pass;
            response = passResponse;
            request.removeAttribute(ATTRIBUTE);
            run(chain);
        }
    }

    /** Answers the call with the JSON-RPC error of the exception that ended it. */
    void answer(TurnstileException e) throws IOException {
        Reply.to(e, call, guard.options().busyCode(call.mcp2026())).write(response);
    }

    void hold(Permit granted) {
        permit = granted;
        state = State.HOLDING;
    }

    void failOpen() {
        state = State.FAILED_OPEN;
        guard.reportFailOpen(mode());
    }

    Mode mode() {
        return call.callClass().mode();
    }

    FilterGuard guard() {
        return guard;
    }

    private void runUnguarded(FilterChain chain) throws IOException, ServletException {
        LOG.warn("lock store unavailable: a {} call goes on unguarded (fail-open)", mode().wireName());
        request.setAttribute(TurnstileAttributes.FAILED_OPEN, Boolean.TRUE);
        chain.doFilter(replay(), response);
    }

    private void runHolding(FilterChain chain) throws IOException, ServletException {
        PermitReleaser releaser = new PermitReleaser(permit);
        ReplayingRequest replay = new ReplayingRequest(request, response, body, async -> {
            releaser.listenTo(async);
            listen(async);
        });
        expose();
        boolean released = false;
        try {
            chain.doFilter(replay, response);
        } finally {
            released = releaser.passEnded(request);
        }
        LOG.debug(
                "guarded {} call in session {} {}",
                mode().wireName(),
                permit.sessionHash(),
                released ? "released" : "continues asynchronously");
    }

    private ReplayingRequest replay() {
        return new ReplayingRequest(request, response, body, this::listen);
    }

    /** The server started an async cycle: its end ends the watch of its response. */
    private void listen(jakarta.servlet.AsyncContext async) {
        if (watched != null) {
            Streams.listen(async, watched);
        }
    }

    /** The attributes the server sees while the call holds its place. */
    private void expose() {
        request.setAttribute(TurnstileAttributes.PERMIT, permit);
        request.setAttribute(TurnstileAttributes.MODE, mode().wireName());
        if (turn != null) {
            request.setAttribute(TurnstileAttributes.TURN, turn);
        }
        if (call.tool() != null) {
            request.setAttribute(TurnstileAttributes.TOOL, call.tool());
        }
        permit.fence().ifPresent(fence -> request.setAttribute(TurnstileAttributes.FENCE, fence));
        request.setAttribute(TurnstileAttributes.LEASE_LOST, (BooleanSupplier) permit::leaseLost);
    }
}
