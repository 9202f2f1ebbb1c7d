package dev.turnstile.servlet;

import dev.turnstile.jsonrpc.JsonRpcErrorWriter;
import dev.turnstile.jsonrpc.JsonRpcErrors;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON-RPC error the filter answers with itself: HTTP 200, {@code application/json}, the
 * request's own id (one error per request of a batch). MCP clients only pass a 200 on to the
 * caller as a JSON-RPC error; other statuses become transport errors or drop the session.
 */
record Reply(int code, String message, String reason, Duration retryAfter, boolean batch, List<String> ids) {

    static Reply of(int code, String message, String reason, Call call) {
        return new Reply(code, message, reason, null, call != null && call.batch(), call == null ? List.of() : call.ids());
    }

    Reply retryAfter(Duration hint) {
        return new Reply(code, message, reason, hint, batch, ids);
    }

    void write(HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if (reason != null) {
            data.put(JsonRpcErrors.DATA_REASON, reason);
        }
        if (retryAfter != null) {
            data.put(JsonRpcErrors.DATA_RETRY_AFTER_MS, retryAfter.toMillis());
            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            response.setHeader("Retry-After", Long.toString(seconds));
        }
        byte[] body = batch
                ? JsonRpcErrorWriter.batchError(ids, code, message, data)
                : JsonRpcErrorWriter.error(ids.isEmpty() ? null : ids.get(0), code, message, data);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }
}
