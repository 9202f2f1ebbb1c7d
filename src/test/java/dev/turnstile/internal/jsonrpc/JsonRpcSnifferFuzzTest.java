package dev.turnstile.internal.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random mutations of valid bodies either parse or are rejected with JsonRpcException, nothing else. */
class JsonRpcSnifferFuzzTest {

    private static final List<String> SEEDS = List.of(
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"read_file\","
                    + "\"arguments\":{\"path\":\"/tmp/é\",\"n\":[1,-2.5e3,true,false,null]}}}",
            "[{\"id\":\"a\\u0041\",\"m\\u0065thod\":\"tools\\/call\",\"params\":{\"name\":\"\\ud83d\\ude00😀\"}},"
                    + "{\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":7}},"
                    + "{\"id\":null,\"result\":{\"roots\":[{\"uri\":\"file:///\"}]}}]",
            "{\"jsonrpc\":\"2.0\",\"id\":-0.5E-2,\"error\":{\"code\":-32601,\"message\":\"no \\\"such\\\" method\"}}");

    /** Bytes that matter to a JSON parser, offered more often than random ones. */
    private static final byte[] INTERESTING =
            "{}[]\",:\\/ \t\n0123456789-+.eEtrufalsn".getBytes(StandardCharsets.UTF_8);

    private static final int[] HIGH = {0x80, 0xBF, 0xC0, 0xC3, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};

    @Test
    void shouldEitherParseOrThrowJsonRpcExceptionForTwentyThousandMutations() {
        JsonRpcSniffer sniffer = new JsonRpcSniffer(JsonRpcSniffer.DEFAULT_MAX_DEPTH);
        Random random = new Random(42);
        int parsed = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] seed = SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.UTF_8);
            byte[] body = mutate(seed, random, 1 + random.nextInt(3));
            try {
                SniffResult result = sniffer.sniff(body, body.length);
                assertWellFormed(result, body);
                parsed++;
            } catch (JsonRpcException expected) {
                assertFalse(expected.getMessage().isEmpty());
            } catch (RuntimeException | Error e) {
                fail("mutation " + i + " threw " + e + " for " + HexFormat.of().formatHex(body), e);
            }
        }
        assertFalse(parsed == 0, "no mutation parsed: the fuzzer only exercised the error paths");
    }

    private static void assertWellFormed(SniffResult result, byte[] body) {
        assertFalse(
                result.messages().isEmpty(),
                () -> "no messages for " + HexFormat.of().formatHex(body));
        for (JsonRpcMessage message : result.messages()) {
            int kinds =
                    (message.isRequest() ? 1 : 0) + (message.isNotification() ? 1 : 0) + (message.isResponse() ? 1 : 0);
            assertEquals(1, kinds, () -> message + " for " + HexFormat.of().formatHex(body));
        }
    }

    private static byte[] mutate(byte[] seed, Random random, int edits) {
        byte[] body = seed;
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(body.length + 1);
            switch (random.nextInt(3)) {
                case 0 -> {
                    if (at < body.length) {
                        body = body.clone();
                        body[at] = randomByte(random);
                    }
                }
                case 1 -> {
                    byte[] longer = Arrays.copyOf(body, body.length + 1);
                    System.arraycopy(body, at, longer, at + 1, body.length - at);
                    longer[at] = randomByte(random);
                    body = longer;
                }
                default -> {
                    if (at < body.length) {
                        byte[] shorter = Arrays.copyOf(body, body.length - 1);
                        System.arraycopy(body, at + 1, shorter, at, body.length - at - 1);
                        body = shorter;
                    }
                }
            }
        }
        return body;
    }

    private static byte randomByte(Random random) {
        return switch (random.nextInt(4)) {
            case 0, 1 -> INTERESTING[random.nextInt(INTERESTING.length)];
            case 2 -> (byte) HIGH[random.nextInt(HIGH.length)];
            default -> (byte) random.nextInt(256);
        };
    }
}
