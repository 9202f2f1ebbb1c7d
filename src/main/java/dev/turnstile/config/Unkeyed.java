package dev.turnstile.config;

import java.util.Locale;

/**
 * What happens to a guarded call for which no key source yields anything (setting {@code unkeyed}).
 */
public enum Unkeyed {
    /** It goes on unguarded; logged once at WARN with the fix. The default. */
    PASS,
    /** It is keyed by the authenticated principal alone; without a principal it goes on unguarded, as {@link #PASS}. */
    PRINCIPAL,
    /** It is answered with a JSON-RPC error (-32600, {@code data.reason: unkeyed}) and never forwarded. */
    REJECT;

    /**
     * Parses {@code pass}, {@code principal} or {@code reject}, in any case.
     *
     * @param setting the setting's name, for the message
     * @param value   the setting's value
     * @return the choice
     * @throws IllegalArgumentException naming the setting and the value when it is none of them
     */
    public static Unkeyed parse(String setting, String value) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Values.invalid(setting, value, "pass, principal or reject");
        }
    }
}
