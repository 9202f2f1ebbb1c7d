package dev.turnstile;

/** A turn id that is empty, longer than 128 characters or not visible ASCII. The value is not quoted. */
public final class InvalidTurnIdException extends TurnstileException {
    private static final long serialVersionUID = 1L;

    public InvalidTurnIdException(String why) {
        super("invalid turn id: " + why);
    }
}
