package dev.turnstile.bench;

import dev.turnstile.CallClass;
import dev.turnstile.Classifier;
import dev.turnstile.Mode;
import dev.turnstile.internal.jsonrpc.JsonRpcException;
import dev.turnstile.internal.jsonrpc.JsonRpcMessage;
import dev.turnstile.internal.jsonrpc.JsonRpcSniffer;
import dev.turnstile.internal.jsonrpc.SniffResult;
import dev.turnstile.jsonrpc.JsonRpcError;
import dev.turnstile.jsonrpc.JsonRpcErrors;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * The comparison filters' common part (bench only): reads the body and classifies it with
 * Turnstile's own sniffer and classifier, then runs the chain inside whatever {@link #guard} takes,
 * so that the comparison filters differ from TurnstileFilter only in what they do around the call.
 * Synchronous requests only: the place is released on the request thread that took it. It reaches
 * into {@code dev.turnstile.internal.jsonrpc} on purpose (the one use of an internal package in the
 * benchmark and the examples): the comparison must parse exactly as the filter does.
 */
abstract class SniffingFilter implements Filter {

    private final JsonRpcSniffer sniffer = new JsonRpcSniffer(JsonRpcSniffer.DEFAULT_MAX_DEPTH);
    private final Classifier classifier = Classifier.defaults();

    /** Takes a place for a guarded call; throws {@link GuardBusyException} when its deadline passed. */
    abstract Guard.Held guard(String session, String turn, Mode mode);

    @Override
    public final void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String session = request.getHeader("Mcp-Session-Id");
        if (!"POST".equals(request.getMethod()) || session == null || session.isEmpty()) {
            chain.doFilter(req, res);
            return;
        }
        byte[] body = request.getInputStream().readAllBytes();
        String[] id = new String[1];
        Mode mode;
        try {
            mode = classify(body, id);
        } catch (JsonRpcException e) {
            error(response, null, e.code(), e.getMessage());
            return;
        }
        if (mode == null) {
            chain.doFilter(new ReplayedRequest(request, body), response);
            return;
        }
        Guard.Held held;
        try {
            held = guard(session, request.getHeader("X-Mcp-Turn-Id"), mode);
        } catch (GuardBusyException e) {
            error(response, id[0], -32002, "session busy");
            return;
        } catch (RuntimeException e) {
            error(response, id[0], JsonRpcErrors.INTERNAL_ERROR, "concurrency guard unavailable");
            return;
        }
        try {
            chain.doFilter(new ReplayedRequest(request, body), response);
        } finally {
            held.close();
        }
    }

    /** The strongest mode of the body's requests (null: bypass); stores the last request id in {@code id[0]}. */
    private Mode classify(byte[] body, String[] id) throws JsonRpcException {
        SniffResult sniffed = sniffer.sniff(body, body.length);
        CallClass strongest = CallClass.BYPASS;
        for (JsonRpcMessage m : sniffed.messages()) {
            if (m.isRequest() && !"initialize".equals(m.method()) && !"ping".equals(m.method())) {
                strongest = strongest.strongest(classifier.classify(m.method(), m.toolName()));
                id[0] = m.rawId();
            }
        }
        return strongest.mode();
    }

    private static void error(HttpServletResponse response, String id, int code, String message) throws IOException {
        byte[] out = new JsonRpcError(code, message, Map.of()).toJson(id);
        response.setContentType("application/json");
        response.setContentLength(out.length);
        response.getOutputStream().write(out);
    }
}
