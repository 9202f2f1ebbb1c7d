package dev.turnstile.internal.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Ids that denote the same value have the same canonical form; ids that do not, never. */
class JsonRpcIdsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "1          | n:1",
                "1.0        | n:1",
                "1.000      | n:1",
                "1e0        | n:1",
                "10e-1      | n:1",
                "0.1E1      | n:1",
                "0.01e+2    | n:1",
                "4.20e1     | n:42",
                "42         | n:42",
                "-42.50     | n:-42.5",
                "100        | n:100",
                "1e2        | n:100",
                "0.05       | n:0.05",
                "5e-2       | n:0.05",
                "-0.000123  | n:-0.000123",
                "123.456e1  | n:1234.56",
                "0          | n:0",
                "-0         | n:0",
                "0.000      | n:0",
                "-0e5       | n:0",
                "0e99999999999999999999999 | n:0",
                "1e101      | n:1e101",
                "1e-101     | n:1e-101",
                "12.5e-300  | n:125e-301",
                "-7E+200    | n:-7e200",
                "1e2000000000 | n:1e2000000000",
                "10e1999999999 | n:1e2000000000",
                "1e0000000000000000000005 | n:100000",
                "1e1000000000000000000 | r:1e1000000000000000000",
                "'\"1\"'    | s:1",
                "'\"\"'     | s:",
                "'\"a\\u0062c\"' | s:abc",
                "'\"\\ud83d\\ude00\\/\"' | s:\uD83D\uDE00/",
                "null       | null",
                "' 7 '      | n:7",
            })
    void shouldGiveTheCanonicalForm(String raw, String canonical) {
        assertEquals(canonical, JsonRpcIds.canonicalId(raw));
    }

    @Test
    void shouldWriteExponentsUpToTheLimitInFull() {
        assertEquals("n:1" + "0".repeat(100), JsonRpcIds.canonicalId("1e100"));
        assertEquals("n:0." + "0".repeat(99) + "1", JsonRpcIds.canonicalId("1e-100"));
        assertEquals(
                new BigDecimal("-3.25e-98").toPlainString(),
                JsonRpcIds.canonicalId("-325e-100").substring(2));
    }

    @Test
    void shouldTellAStringFromTheNumberItSpells() {
        assertNotEquals(JsonRpcIds.canonicalId("1"), JsonRpcIds.canonicalId("\"1\""));
        assertNotEquals(JsonRpcIds.canonicalId("null"), JsonRpcIds.canonicalId("\"null\""));
        assertNotEquals(JsonRpcIds.canonicalId("1"), JsonRpcIds.canonicalId("1.0000000000000000000001"));
        assertEquals(JsonRpcIds.canonicalId("1"), JsonRpcIds.canonicalId("1.0"));
    }

    @Test
    void shouldAgreeWithBigDecimalForTenThousandRandomNumbers() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            String text = randomNumber(random);
            BigDecimal value = new BigDecimal(text);
            String expected =
                    value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
            int exponent = value.signum() == 0 ? 0 : -value.stripTrailingZeros().scale();
            if (Math.abs(exponent) <= JsonRpcIds.MAX_PLAIN_EXPONENT) {
                assertEquals("n:" + expected, JsonRpcIds.canonicalId(text), text);
            }
        }
    }

    @Test
    void shouldGiveEqualFormsExactlyWhenBigDecimalFindsTheValuesEqual() {
        Random random = new Random(11);
        for (int i = 0; i < 10_000; i++) {
            String a = randomNumber(random);
            String b = random.nextBoolean() ? respell(a, random) : randomNumber(random);
            boolean equal = new BigDecimal(a).compareTo(new BigDecimal(b)) == 0;
            assertEquals(equal, JsonRpcIds.canonicalId(a).equals(JsonRpcIds.canonicalId(b)), a + " vs " + b);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "true",
                "false",
                "{}",
                "[1]",
                "",
                " ",
                "\"x",
                "1 2",
                "01",
                "1.",
                "+1",
                ".5",
                "nul",
                "abc",
                "\"\\ud800\"",
                "NaN"
            })
    void shouldRejectWhatIsNotAnId(String raw) {
        assertThrows(IllegalArgumentException.class, () -> JsonRpcIds.canonicalId(raw));
    }

    /** A JSON number with 1..25 digits, maybe a fraction, maybe an exponent of up to 150. */
    private static String randomNumber(Random random) {
        StringBuilder text = new StringBuilder(random.nextBoolean() ? "-" : "");
        text.append(
                random.nextInt(4) == 0
                        ? "0"
                        : digits(random, 1 + random.nextInt(12)).replaceFirst("^0", "1"));
        if (random.nextBoolean()) {
            text.append('.').append(digits(random, 1 + random.nextInt(12)));
        }
        if (random.nextBoolean()) {
            text.append(random.nextBoolean() ? 'e' : 'E')
                    .append(new String[] {"", "+", "-"}[random.nextInt(3)])
                    .append(random.nextInt(150));
        }
        return text.toString();
    }

    /** The same value written differently: the point moved and the exponent adjusted, zeros added. */
    private static String respell(String text, Random random) {
        BigDecimal value = new BigDecimal(text);
        int shift = random.nextInt(7) - 3;
        BigDecimal moved = value.movePointRight(shift);
        String plain = moved.toPlainString() + (moved.scale() > 0 ? "0".repeat(random.nextInt(3)) : "");
        return plain + "e" + (-shift);
    }

    private static String digits(Random random, int count) {
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < count; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }
}
