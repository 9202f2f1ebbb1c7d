package dev.turnstile;

import dev.turnstile.jsonrpc.JsonRpcError;
import dev.turnstile.jsonrpc.JsonRpcErrors;

/** A turn id that is empty, longer than 128 characters or not visible ASCII. The value is not quoted. */
public final class InvalidTurnIdException extends TurnstileException {
    private static final long serialVersionUID = 1L;

    /**
     * Reports an invalid turn id.
     *
     * @param why what is wrong with it, without the value (for example {@code "empty"})
     */
    public InvalidTurnIdException(String why) {
        super("invalid turn id: " + why);
    }

    /** -32600 with {@code data.reason} {@code invalid_turn_id}. */
    @Override
    public JsonRpcError jsonRpcError(int busyCode) {
        return JsonRpcError.of(JsonRpcErrors.INVALID_REQUEST, getMessage(), JsonRpcErrors.INVALID_TURN_ID);
    }
}
