package dev.turnstile.servlet;

import dev.turnstile.BusyException;
import dev.turnstile.jsonrpc.JsonRpcError;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;

/**
 * A JSON-RPC error the filter answers with itself: HTTP 200, {@code application/json}, the
 * request's own id (one error per request of a batch). MCP clients only pass a 200 on to the
 * caller as a JSON-RPC error; other statuses become transport errors or drop the session.
 */
record Reply(JsonRpcError error, Duration retryAfter, boolean batch, List<String> ids) {

    static Reply of(int code, String message, String reason, Call call) {
        return of(JsonRpcError.of(code, message, reason), null, call);
    }

    /** The busy answer, with a {@code Retry-After} header. */
    static Reply busy(BusyException e, int code, Call call) {
        return of(JsonRpcError.busy(e, code), e.retryAfter(), call);
    }

    private static Reply of(JsonRpcError error, Duration retryAfter, Call call) {
        return new Reply(error, retryAfter, call != null && call.batch(), call == null ? List.of() : call.ids());
    }

    void write(HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        if (retryAfter != null) {
            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            response.setHeader("Retry-After", Long.toString(seconds));
        }
        byte[] body = batch ? error.toJson(ids) : error.toJson(ids.isEmpty() ? null : ids.get(0));
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }
}
