package dev.turnstile;

/**
 * The lock store could not be reached or answered with an error. The call did not get a place.
 * The message names the operation only; the cause carries the client library's exception.
 */
public final class BackendUnavailableException extends TurnstileException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String operation, Throwable cause) {
        super("lock store unavailable during " + operation, cause);
    }
}
