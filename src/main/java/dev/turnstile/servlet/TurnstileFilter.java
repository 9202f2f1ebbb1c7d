package dev.turnstile.servlet;

import dev.turnstile.AcquireInterruptedException;
import dev.turnstile.BackendUnavailableException;
import dev.turnstile.BusyException;
import dev.turnstile.CallClass;
import dev.turnstile.Classifier;
import dev.turnstile.InvalidTurnIdException;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import dev.turnstile.config.GuardOptions;
import dev.turnstile.config.TurnstileGuard;
import dev.turnstile.config.TurnstileSettings;
import dev.turnstile.jsonrpc.JsonRpcErrors;
import dev.turnstile.jsonrpc.JsonRpcException;
import dev.turnstile.jsonrpc.JsonRpcSniffer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drop-in guard for MCP Streamable HTTP. Register it {@code async-supported} in front of the
 * MCP endpoint; every guarded POST holds its place across {@code chain.doFilter}, and, when the
 * server goes async, until the request completes.
 */
public class TurnstileFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(TurnstileFilter.class);

    private Turnstile turnstile;
    private GuardOptions options;
    private RequestClassifier classifier;
    private JsonRpcSniffer sniffer;
    private boolean ownsTurnstile;
    private TurnstileGuard guard;
    private boolean configured;

    /** For web.xml: the settings come from init-params, system properties and the environment. */
    public TurnstileFilter() {}

    /**
     * For {@code ServletContext.addFilter}: a guard built in code. The filter does not close
     * {@code turnstile}; its owner does.
     */
    public TurnstileFilter(Turnstile turnstile, Classifier classifier, GuardOptions options) {
        configure(turnstile, classifier, options, false);
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        ServletContext context = filterConfig.getServletContext();
        if (configured) {
            if (guard != null) {
                SharedGuard.publish(context, guard); // for @Guarded
            }
            return;
        }
        TurnstileSettings settings = TurnstileSettings.load(
                SharedGuard.settings(filterConfig::getInitParameter, context), context::getResourceAsStream);
        if (!settings.options().enabled()) {
            configure(null, settings.classifier(), settings.options(), false);
            LOG.warn("Turnstile is disabled (turnstile.enabled=false): requests pass unguarded");
            return;
        }
        // one engine per application: @Guarded may have built it already (a bean created before this init)
        SharedGuard.Claim claim = SharedGuard.claim(context, () -> new TurnstileGuard(settings.builder().build(),
                settings.classifier(), settings.options()));
        TurnstileGuard shared = claim.guard();
        configure(shared.turnstile(), shared.classifier(), shared.options(), claim.built());
    }

    private void configure(Turnstile t, Classifier c, GuardOptions o, boolean owns) {
        this.turnstile = t;
        this.options = o;
        this.guard = t == null ? null : new TurnstileGuard(t, c, o);
        this.configured = true;
        this.classifier = new RequestClassifier(c);
        this.sniffer = new JsonRpcSniffer(o.maxJsonDepth());
        this.ownsTurnstile = owns;
    }

    @Override
    public final void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (turnstile == null || !(req instanceof HttpServletRequest request)
                || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        try (CurrentRequest.Binding bound = CurrentRequest.bind(request)) {
            filter(request, response, chain);
        }
    }

    private void filter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"POST".equals(request.getMethod())
                || request.getAttribute(TurnstileAttributes.PERMIT) != null) {
            chain.doFilter(request, response);
            return;
        }
        List<String> sessionIds = Collections.list(request.getHeaders(GuardOptions.SESSION_HEADER));
        if (sessionIds.isEmpty() || sessionIds.get(0).isEmpty() && sessionIds.size() == 1) {
            chain.doFilter(request, response); // initialize, or a request the server rejects itself
            return;
        }
        String charset = request.getCharacterEncoding();
        if (charset != null && !charset.equalsIgnoreCase("UTF-8") && !charset.equalsIgnoreCase("UTF8")) {
            // JSON-RPC bodies are UTF-8 (RFC 8259); a server decoding another charset could read
            // other names than the filter did
            Reply.of(JsonRpcErrors.PARSE_ERROR, "request body must be UTF-8", JsonRpcErrors.INVALID_UTF8, null)
                    .write(response);
            return;
        }
        BodyReader.Body body;
        try {
            body = BodyReader.read(request, options.maxBodySize());
        } catch (BodyReader.TooLarge e) {
            Reply.of(JsonRpcErrors.INVALID_REQUEST, "request body too large", JsonRpcErrors.BODY_TOO_LARGE, null)
                    .write(response);
            return;
        } catch (IOException e) {
            LOG.debug("request body could not be read: {}", e.toString());
            Reply.of(JsonRpcErrors.PARSE_ERROR, "request body could not be read", null, null).write(response);
            return;
        }
        Call call = classify(body, response);
        if (call == null) {
            return;
        }
        Mode mode = call.callClass().mode();
        if (mode == null) {
            chain.doFilter(new ReplayingRequest(request, response, body.bytes(), body.length(), ctx -> {}), response);
            return;
        }
        if (sessionIds.size() > 1) {
            Reply.of(JsonRpcErrors.INVALID_REQUEST, "more than one session id", JsonRpcErrors.AMBIGUOUS_REQUEST, call)
                    .write(response);
            return;
        }
        guard(request, response, chain, body, call, mode, sessionIds.get(0));
    }

    /** The call the body holds, or null when the body was answered with an error here. */
    private Call classify(BodyReader.Body body, HttpServletResponse response) throws IOException {
        try {
            return classifier.classify(sniffer.sniff(body.bytes(), body.length()));
        } catch (JsonRpcException e) {
            Call echo = e.rawId() == null ? null : new Call(CallClass.BYPASS, false, List.of(e.rawId()));
            Reply.of(e.code(), e.getMessage(), e.reason(), echo).write(response);
        } catch (RequestClassifier.Unclassifiable e) {
            Reply.of(JsonRpcErrors.INVALID_PARAMS, e.getMessage(), JsonRpcErrors.INVALID_PARAMS_REASON, e.call())
                    .write(response);
        }
        return null;
    }

    private void guard(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
                       BodyReader.Body body, Call call, Mode mode, String sessionId)
            throws IOException, ServletException {
        String turn;
        Permit permit;
        try {
            turn = GuardedRequests.turnId(request, options);
            permit = turnstile.acquire(GuardedRequests.sessionKey(request, sessionId, options), turn, mode);
        } catch (InvalidTurnIdException e) {
            Reply.of(JsonRpcErrors.INVALID_REQUEST, e.getMessage(), JsonRpcErrors.INVALID_TURN_ID, call).write(response);
            return;
        } catch (BusyException e) {
            Reply.busy(e, options.busyCode(), call).write(response);
            return;
        } catch (BackendUnavailableException | AcquireInterruptedException e) {
            if (e instanceof BackendUnavailableException && options.failOpen(mode)) {
                LOG.warn("lock store unavailable: a {} call goes on unguarded (fail-open)", mode.wireName());
                request.setAttribute(TurnstileAttributes.FAILED_OPEN, Boolean.TRUE);
                chain.doFilter(new ReplayingRequest(request, response, body.bytes(), body.length(), ctx -> {}), response);
                return;
            }
            Reply.of(JsonRpcErrors.INTERNAL_ERROR, "concurrency guard unavailable", JsonRpcErrors.BACKEND_UNAVAILABLE, call)
                    .write(response);
            return;
        }
        run(request, response, chain, body, permit, mode, turn);
    }

    private void run(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
                     BodyReader.Body body, Permit permit, Mode mode, String turn)
            throws IOException, ServletException {
        PermitReleaser releaser = new PermitReleaser(permit);
        boolean[] async = {false};
        ReplayingRequest replay = new ReplayingRequest(request, response, body.bytes(), body.length(), ctx -> {
            async[0] = true;
            ctx.addListener(releaser);
        });
        request.setAttribute(TurnstileAttributes.PERMIT, permit);
        request.setAttribute(TurnstileAttributes.MODE, mode.wireName());
        if (turn != null) {
            request.setAttribute(TurnstileAttributes.TURN, turn);
        }
        permit.fence().ifPresent(fence -> request.setAttribute(TurnstileAttributes.FENCE, fence));
        request.setAttribute(TurnstileAttributes.LEASE_LOST, (BooleanSupplier) permit::leaseLost);
        boolean released = false;
        try {
            chain.doFilter(replay, response);
        } finally {
            if (!async[0] && request.isAsyncStarted()) {
                AsyncContext ctx = request.getAsyncContext(); // went async without our wrapper
                ctx.addListener(releaser);
                async[0] = true;
            }
            if (!async[0]) {
                permit.close();
                released = true;
            }
        }
        LOG.debug("guarded {} call in session {} {}", mode.wireName(), permit.sessionHash(),
                released ? "released" : "continues asynchronously");
    }

    @Override
    public void destroy() {
        if (ownsTurnstile && turnstile != null) {
            turnstile.close();
        }
    }
}
