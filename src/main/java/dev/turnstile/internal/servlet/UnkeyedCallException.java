package dev.turnstile.internal.servlet;

import dev.turnstile.TurnstileException;
import dev.turnstile.config.KeySource;
import dev.turnstile.jsonrpc.JsonRpcError;
import dev.turnstile.jsonrpc.JsonRpcErrors;
import java.util.List;

/**
 * A guarded call for which no key source yields anything, with {@code unkeyed=reject}: answered with
 * -32600 and {@code data.reason: unkeyed}, never forwarded.
 */
public final class UnkeyedCallException extends TurnstileException {
    private static final long serialVersionUID = 1L;

    UnkeyedCallException(List<KeySource> sources) {
        super(
                "the request carries no conversation key (looked for: "
                        + String.join(
                                ", ", sources.stream().map(KeySource::spec).toList()) + ")",
                null,
                false,
                false);
    }

    @Override
    public JsonRpcError jsonRpcError(int busyCode) {
        return JsonRpcError.of(JsonRpcErrors.INVALID_REQUEST, getMessage(), JsonRpcErrors.UNKEYED);
    }
}
