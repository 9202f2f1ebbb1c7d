package dev.turnstile;

import java.util.Locale;

/** How a JSON-RPC call is guarded: not at all, as a read, or as a write. */
public enum CallClass {
    /** Not guarded: the call passes without a place and without a Redis command. */
    BYPASS,
    /** Guarded with a {@link Mode#READ} place. */
    READ,
    /** Guarded with a {@link Mode#WRITE} place. */
    WRITE;

    /**
     * The lock mode of a guarded class.
     *
     * @return {@link Mode#READ} or {@link Mode#WRITE}; null for {@link #BYPASS}
     */
    public Mode mode() {
        return switch (this) {
            case READ -> Mode.READ;
            case WRITE -> Mode.WRITE;
            case BYPASS -> null;
        };
    }

    /**
     * The stronger of two classes (write &gt; read &gt; bypass), used for batches.
     *
     * @param other the class to compare with
     * @return this class or {@code other}, whichever is stronger
     */
    public CallClass strongest(CallClass other) {
        return compareTo(other) >= 0 ? this : other;
    }

    /**
     * Parses {@code read}, {@code write} or {@code bypass}, ignoring case and surrounding blanks.
     *
     * @param entry what the value belongs to (a rule or setting name), quoted in the error message
     * @param value the text to parse; may be null
     * @return the class the value names
     * @throws IllegalArgumentException when the value is null or none of the three; the message names
     *                                  the entry and the value
     */
    public static CallClass parse(String entry, String value) {
        if (value != null) {
            switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "read":
                    return READ;
                case "write":
                    return WRITE;
                case "bypass":
                    return BYPASS;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException(entry + " must be read, write or bypass: '" + value + "'");
    }
}
