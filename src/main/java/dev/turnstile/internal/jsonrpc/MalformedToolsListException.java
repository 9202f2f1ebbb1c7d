package dev.turnstile.internal.jsonrpc;

import dev.turnstile.TurnstileException;

/**
 * A {@code tools/list} answer that cannot be learned from: invalid JSON, an ambiguous member, or a
 * tool list of the wrong shape ({@link ToolsListReader} lists the cases). The message says what is
 * wrong and where (a byte offset), never what the body contains. No stack trace is recorded: the
 * exception describes the input, not a place in the code.
 */
public final class MalformedToolsListException extends TurnstileException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and where, quoting nothing from the body */
    public MalformedToolsListException(String message) {
        super(message, null, false, false);
    }
}
