package dev.turnstile;

/** The root of every exception Turnstile throws. Messages never contain session or turn ids. */
public class TurnstileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TurnstileException(String message) {
        super(message);
    }

    public TurnstileException(String message, Throwable cause) {
        super(message, cause);
    }

    /** For exceptions that describe input rather than a place in the code: no stack trace. */
    protected TurnstileException(String message, Throwable cause, boolean enableSuppression, boolean writableStackTrace) {
        super(message, cause, enableSuppression, writableStackTrace);
    }
}
