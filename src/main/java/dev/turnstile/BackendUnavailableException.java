package dev.turnstile;

/**
 * The lock store could not be reached or answered with an error. The call did not get a place.
 * The message names the operation only; the cause carries the client library's exception.
 */
public final class BackendUnavailableException extends TurnstileException {
    private static final long serialVersionUID = 1L;

    /** Whether the operation may have been carried out; see {@link #mayHaveApplied()}. */
    private final boolean mayHaveApplied;

    /**
     * A failure after which the operation may still have been carried out.
     *
     * @param operation the store operation that failed (for example {@code acquire}), named in the message
     * @param cause     the client library's exception
     */
    public BackendUnavailableException(String operation, Throwable cause) {
        this(operation, cause, true);
    }

    /**
     * A failure of a store operation.
     *
     * @param operation      the store operation that failed (for example {@code acquire}), named in the message
     * @param cause          the client library's exception
     * @param mayHaveApplied false only when the store certainly did not carry the operation out
     *                       (no connection, or the store answered with an error)
     */
    public BackendUnavailableException(String operation, Throwable cause, boolean mayHaveApplied) {
        super("lock store unavailable during " + operation, cause);
        this.mayHaveApplied = mayHaveApplied;
    }

    /**
     * True when the command may have reached the store although its answer did not come back (a
     * timeout after it was sent): it may have been carried out, now or later. Turnstile cleans up
     * after such an acquire in the background.
     *
     * @return whether the operation may have been carried out
     */
    public boolean mayHaveApplied() {
        return mayHaveApplied;
    }
}
