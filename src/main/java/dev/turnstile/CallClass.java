package dev.turnstile;

import java.util.Locale;

/** How a JSON-RPC call is guarded: not at all, as a read, or as a write. */
public enum CallClass {
    BYPASS,
    READ,
    WRITE;

    /** The lock mode of a guarded class; null for {@link #BYPASS}. */
    public Mode mode() {
        return switch (this) {
            case READ -> Mode.READ;
            case WRITE -> Mode.WRITE;
            case BYPASS -> null;
        };
    }

    /** The stronger of two classes (write > read > bypass), used for batches. */
    public CallClass strongest(CallClass other) {
        return compareTo(other) >= 0 ? this : other;
    }

    /** Parses {@code read}, {@code write} or {@code bypass}; the message names the entry and the value. */
    public static CallClass parse(String entry, String value) {
        if (value != null) {
            switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "read": return READ;
                case "write": return WRITE;
                case "bypass": return BYPASS;
                default: break;
            }
        }
        throw new IllegalArgumentException(entry + " must be read, write or bypass: '" + value + "'");
    }
}
