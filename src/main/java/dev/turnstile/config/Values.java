package dev.turnstile.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for setting values; every message names the setting and quotes the value. */
final class Values {

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|k|kb|kib|m|mb|mib)", Pattern.CASE_INSENSITIVE);

    private Values() {}

    /** {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d} or ISO-8601 ({@code PT5S}). */
    static Duration duration(String setting, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(v);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw invalid(setting, value, "a duration such as 250ms, 5s, 2m, 1d or PT5S");
        }
    }

    /** Bytes: {@code 1048576}, {@code 64KiB}, {@code 16MiB} (KB/MB are read as KiB/MiB). */
    static long size(String setting, String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw invalid(setting, value, "a size such as 65536, 64KiB or 16MiB");
        }
        try {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2).toLowerCase(Locale.ROOT);
            long factor = unit.startsWith("k") ? 1024L : unit.startsWith("m") ? 1024L * 1024 : 1L;
            return Math.multiplyExact(n, factor);
        } catch (NumberFormatException | ArithmeticException e) {
            throw invalid(setting, value, "a size such as 65536, 64KiB or 16MiB");
        }
    }

    static boolean bool(String setting, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw invalid(setting, value, "true or false");
        };
    }

    static int integer(String setting, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(setting, value, "an integer");
        }
    }

    static IllegalArgumentException invalid(String setting, String value, String expected) {
        return new IllegalArgumentException(setting + " must be " + expected + ": '" + value + "'");
    }
}
