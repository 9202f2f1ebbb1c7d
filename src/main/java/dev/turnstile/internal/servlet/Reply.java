package dev.turnstile.internal.servlet;

import dev.turnstile.BusyException;
import dev.turnstile.TurnstileException;
import dev.turnstile.jsonrpc.JsonRpcError;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;

/**
 * A JSON-RPC error the filter answers with itself: HTTP 200 (400 for an MCP 2026-07-28 routing
 * header mismatch), {@code application/json}, the request's own id (one error per request of a batch). MCP clients only pass a 200 on to the
 * caller as a JSON-RPC error; other statuses become transport errors or drop the session.
 */
record Reply(JsonRpcError error, Duration retryAfter, Call call, int status) {

    /**
     * The one place where an exception that ends a call becomes its answer: the exception's own
     * JSON-RPC error ({@link TurnstileException#jsonRpcError(int)}), plus a {@code Retry-After}
     * header for the busy error.
     */
    static Reply to(TurnstileException e, Call call, int busyCode) {
        Duration retryAfter = e instanceof BusyException busy ? busy.retryAfter() : null;
        // a 2026-07-28 client reads a routing-header mismatch from a 400 with a JSON-RPC body; other
        // errors are 200s, the only status MCP clients pass on to the caller as a JSON-RPC error
        int status =
                e instanceof HeaderMismatchException ? HttpServletResponse.SC_BAD_REQUEST : HttpServletResponse.SC_OK;
        return new Reply(e.jsonRpcError(busyCode), retryAfter, call, status);
    }

    void write(HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        if (retryAfter != null) {
            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            response.setHeader("Retry-After", Long.toString(seconds));
        }
        List<String> ids = call.ids();
        byte[] body = call.batch() ? error.toJson(ids) : error.toJson(ids.isEmpty() ? null : ids.get(0));
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }
}
