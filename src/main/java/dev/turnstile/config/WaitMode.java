package dev.turnstile.config;

import java.util.Locale;

/** How the servlet filter waits for a place that is not free at once ({@code wait-mode}). */
public enum WaitMode {
    /**
     * The request goes asynchronous and gives its container thread back; it resumes (an ASYNC
     * dispatch through the filter) when its place is granted. The default.
     */
    ASYNC,
    /** The container thread waits in {@code Turnstile.acquire} until the place is granted or the deadline passes. */
    BLOCKING;

    /**
     * Parses {@code async} or {@code blocking}, in any case.
     *
     * @param setting the setting's name, for the message
     * @param value   the setting's value; may be null
     * @return the wait mode
     * @throws IllegalArgumentException naming the setting and the value when it is neither
     */
    public static WaitMode parse(String setting, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "async" -> ASYNC;
            case "blocking" -> BLOCKING;
            default -> throw new IllegalArgumentException(setting + " must be async or blocking: '" + value + "'");
        };
    }
}
