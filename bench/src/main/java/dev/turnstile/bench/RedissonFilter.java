package dev.turnstile.bench;

import dev.turnstile.CallClass;
import dev.turnstile.Classifier;
import dev.turnstile.Mode;
import dev.turnstile.jsonrpc.JsonRpcErrorWriter;
import dev.turnstile.jsonrpc.JsonRpcErrors;
import dev.turnstile.jsonrpc.JsonRpcException;
import dev.turnstile.jsonrpc.JsonRpcMessage;
import dev.turnstile.jsonrpc.JsonRpcSniffer;
import dev.turnstile.jsonrpc.SniffResult;
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
 * The comparison filter (bench only): the same rules as TurnstileFilter on {@link RedissonGuard}.
 * It reads and classifies the body with Turnstile's own sniffer and classifier, so that the two
 * filters differ only in the lock; synchronous requests only (the inner Redisson lock is released
 * on the request thread that took it).
 */
final class RedissonFilter implements Filter {

    private final RedissonGuard guard;
    private final JsonRpcSniffer sniffer = new JsonRpcSniffer(JsonRpcSniffer.DEFAULT_MAX_DEPTH);
    private final Classifier classifier = Classifier.defaults();

    RedissonFilter(RedissonGuard guard) {
        this.guard = guard;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String session = request.getHeader("Mcp-Session-Id");
        if (!"POST".equals(request.getMethod()) || session == null || session.isEmpty()) {
            chain.doFilter(req, res);
            return;
        }
        byte[] body = request.getInputStream().readAllBytes();
        Mode mode;
        String id = null;
        try {
            SniffResult sniffed = sniffer.sniff(body, body.length);
            CallClass strongest = CallClass.BYPASS;
            for (JsonRpcMessage m : sniffed.messages()) {
                if (m.isRequest() && !"initialize".equals(m.method()) && !"ping".equals(m.method())) {
                    strongest = strongest.strongest(classifier.classify(m.method(), m.toolName()));
                    id = m.rawId();
                }
            }
            mode = strongest.mode();
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
            held = guard.acquire(session, request.getHeader("X-Mcp-Turn-Id"), mode);
        } catch (GuardBusyException e) {
            error(response, id, -32002, "session busy");
            return;
        } catch (RuntimeException e) {
            error(response, id, JsonRpcErrors.INTERNAL_ERROR, "concurrency guard unavailable");
            return;
        }
        try {
            chain.doFilter(new ReplayedRequest(request, body), response);
        } finally {
            held.close();
        }
    }

    private static void error(HttpServletResponse response, String id, int code, String message) throws IOException {
        byte[] out = JsonRpcErrorWriter.error(id, code, message, Map.of());
        response.setContentType("application/json");
        response.setContentLength(out.length);
        response.getOutputStream().write(out);
    }
}
