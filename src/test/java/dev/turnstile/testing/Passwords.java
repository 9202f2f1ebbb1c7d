package dev.turnstile.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Redis passwords in URLs: percent-encoding them as users must, and finding them where they must not be. */
public final class Passwords {

    private Passwords() {}

    /** Percent-encodes every byte but RFC 3986's unreserved characters ({@code A-Z a-z 0-9 - . _ ~}). */
    public static String percentEncoded(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    /**
     * The texts that must never show: the password, its percent-encoded form, and each of its
     * runs of at least four letters or digits (a password cut at a {@code /} or {@code @} is a leak too).
     */
    public static List<String> telltales(String password) {
        List<String> runs = Arrays.stream(password.split("[^A-Za-z0-9]+"))
                .filter(r -> r.length() >= 4)
                .toList();
        return java.util.stream.Stream.concat(
                        java.util.stream.Stream.of(password, percentEncoded(password)), runs.stream())
                .distinct()
                .toList();
    }

    /** Fails, naming what leaked, when {@code text} holds any telltale of {@code password}. */
    public static void assertNotLeaked(String password, String text) {
        for (String telltale : telltales(password)) {
            assertFalse(text.contains(telltale), () -> "the password leaked (" + telltale + ") in: " + text);
        }
    }
}
