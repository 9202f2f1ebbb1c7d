package dev.turnstile;

/** The waiting thread was interrupted; the call did not get a place. The interrupt flag is set again. */
public final class AcquireInterruptedException extends TurnstileException {
    private static final long serialVersionUID = 1L;

    /**
     * Reports an interrupted wait.
     *
     * @param cause the interruption
     */
    public AcquireInterruptedException(InterruptedException cause) {
        super("interrupted while waiting for a place", cause);
    }
}
