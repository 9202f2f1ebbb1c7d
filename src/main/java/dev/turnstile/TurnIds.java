package dev.turnstile;

/** The rule for turn ids: 1 to 128 visible ASCII characters (0x21-0x7E). */
public final class TurnIds {

    /** The longest valid turn id, in characters. */
    public static final int MAX_LENGTH = 128;

    private TurnIds() {}

    /**
     * Checks a turn id against the rule.
     *
     * @param turnId the turn id to check; not null
     * @return {@code turnId}, when it is valid
     * @throws InvalidTurnIdException when it is empty, longer than {@link #MAX_LENGTH} characters or has
     *                                a character outside 0x21-0x7E; the message does not quote the value
     */
    public static String validate(String turnId) {
        if (turnId.isEmpty()) {
            throw new InvalidTurnIdException("empty");
        }
        if (turnId.length() > MAX_LENGTH) {
            throw new InvalidTurnIdException("longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < turnId.length(); i++) {
            char c = turnId.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new InvalidTurnIdException("only visible ASCII characters are allowed");
            }
        }
        return turnId;
    }
}
