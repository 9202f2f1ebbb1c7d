package dev.turnstile.internal.servlet;

import dev.turnstile.TurnstileException;
import dev.turnstile.jsonrpc.JsonRpcError;
import dev.turnstile.jsonrpc.JsonRpcErrors;

/**
 * An MCP 2026-07-28 request whose routing headers do not match its body: answered with HTTP 400 and
 * a JSON-RPC -32020 body ({@code data.reason: header_mismatch}), never forwarded. The message names
 * the header, never its value.
 */
public final class HeaderMismatchException extends TurnstileException {
    private static final long serialVersionUID = 1L;

    HeaderMismatchException(String message) {
        super(message, null, false, false);
    }

    @Override
    public JsonRpcError jsonRpcError(int busyCode) {
        return JsonRpcError.of(JsonRpcErrors.HEADER_MISMATCH, getMessage(), JsonRpcErrors.HEADER_MISMATCH_REASON);
    }
}
