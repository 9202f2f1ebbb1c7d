package dev.turnstile.internal.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.jsonrpc.JsonRpcErrors;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The writer produces exact JSON-RPC error objects, escaped per RFC 8259, in UTF-8. */
class JsonRpcErrorWriterTest {

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String j(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    private static Map<String, Object> data(Object... keysAndValues) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            data.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return data;
    }

    @Test
    void shouldWriteABusyErrorWithReasonAndRetryHint() {
        byte[] out = JsonRpcErrorWriter.error(
                "7",
                JsonRpcErrors.DEFAULT_BUSY,
                "Session busy",
                data(JsonRpcErrors.DATA_REASON, JsonRpcErrors.SESSION_BUSY, JsonRpcErrors.DATA_RETRY_AFTER_MS, 250L));
        assertEquals(
                j("{'jsonrpc':'2.0','id':7,'error':{'code':-32002,'message':'Session busy',"
                        + "'data':{'reason':'session_busy','retryAfterMs':250}}}"),
                text(out));
    }

    static Stream<Arguments> ids() {
        return Stream.of(
                Arguments.of("string id", "\"abc\"", "\"abc\""),
                Arguments.of("string id with escapes echoed as received", "\"a\\u0041\\\"\"", "\"a\\u0041\\\"\""),
                Arguments.of("number id", "42", "42"),
                Arguments.of("negative exponent id", "-1.5e3", "-1.5e3"),
                Arguments.of("explicit null id", "null", "null"),
                Arguments.of("missing id", null, "null"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void shouldEchoTheRawIdVerbatim(String what, String rawId, String expected) {
        assertEquals(
                "{\"jsonrpc\":\"2.0\",\"id\":" + expected + ",\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}",
                text(JsonRpcErrorWriter.error(rawId, JsonRpcErrors.PARSE_ERROR, "Parse error", null)));
    }

    static Stream<Arguments> badIds() {
        return Stream.of(
                        "",
                        "abc",
                        "\"unterminated",
                        "{}",
                        "[1]",
                        "true",
                        "1 2",
                        "1,\"x\":2",
                        "01",
                        " 1",
                        "null}",
                        "\"a\"\"b\"")
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "refuses raw id <{0}>")
    @MethodSource("badIds")
    void shouldRefuseARawIdThatIsNotAJsonStringNumberOrNull(String rawId) {
        assertThrows(
                IllegalArgumentException.class,
                () -> JsonRpcErrorWriter.error(rawId, JsonRpcErrors.PARSE_ERROR, "m", null));
    }

    @Test
    void shouldOmitEmptyData() {
        String expected = j("{'jsonrpc':'2.0','id':1,'error':{'code':-32603,'message':'m'}}");
        assertEquals(expected, text(JsonRpcErrorWriter.error("1", JsonRpcErrors.INTERNAL_ERROR, "m", Map.of())));
        assertEquals(expected, text(JsonRpcErrorWriter.error("1", JsonRpcErrors.INTERNAL_ERROR, "m", null)));
    }

    static Stream<Arguments> escapes() {
        return Stream.of(
                Arguments.of("double quote", "a\"b", "a\\\"b"),
                Arguments.of("backslash", "a\\b", "a\\\\b"),
                Arguments.of("solidus stays as is", "a/b", "a/b"),
                Arguments.of("newline", "a\nb", "a\\nb"),
                Arguments.of("carriage return", "a\rb", "a\\rb"),
                Arguments.of("tab", "a\tb", "a\\tb"),
                Arguments.of("backspace", "a\bb", "a\\bb"),
                Arguments.of("form feed", "a\fb", "a\\fb"),
                Arguments.of("NUL", "a\u0000b", "a\\u0000b"),
                Arguments.of("unit separator", "a\u001fb", "a\\u001fb"),
                Arguments.of("escape character", "\u001b[31m", "\\u001b[31m"),
                Arguments.of("DEL passes", "a\u007fb", "a\u007fb"),
                Arguments.of("non-ASCII passes as UTF-8", "é€😀", "é€😀"),
                Arguments.of("lone high surrogate becomes U+FFFD", "a\ud800b", "a\ufffdb"),
                Arguments.of("lone low surrogate becomes U+FFFD", "a\udc00", "a\ufffd"),
                Arguments.of("everything together", "\"\\\n\u0001", "\\\"\\\\\\n\\u0001"));
    }

    @ParameterizedTest(name = "message: {0}")
    @MethodSource("escapes")
    void shouldEscapeTheMessage(String what, String raw, String escaped) {
        assertEquals(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"" + escaped + "\"}}",
                text(JsonRpcErrorWriter.error("1", JsonRpcErrors.INVALID_REQUEST, raw, null)));
    }

    @ParameterizedTest(name = "data value and key: {0}")
    @MethodSource("escapes")
    void shouldEscapeDataKeysAndValues(String what, String raw, String escaped) {
        assertEquals(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"m\",\"data\":{\"" + escaped
                        + "\":\"" + escaped + "\"}}}",
                text(JsonRpcErrorWriter.error("1", JsonRpcErrors.INVALID_REQUEST, "m", data(raw, raw))));
    }

    @Test
    void shouldWriteNumbersBooleansAndNullInOrder() {
        Map<String, Object> values = data(
                "int",
                1,
                "long",
                -9_000_000_000L,
                "double",
                2.5,
                "big",
                new BigInteger("123456789012345678901234567890"),
                "decimal",
                new BigDecimal("1E+3"),
                "yes",
                true,
                "no",
                false,
                "none",
                null);
        assertEquals(
                j("{'jsonrpc':'2.0','id':null,'error':{'code':-32603,'message':'m','data':{'int':1,"
                        + "'long':-9000000000,'double':2.5,'big':123456789012345678901234567890,'decimal':1E+3,"
                        + "'yes':true,'no':false,'none':null}}}"),
                text(JsonRpcErrorWriter.error(null, JsonRpcErrors.INTERNAL_ERROR, "m", values)));
    }

    static Stream<Arguments> badData() {
        return Stream.of(
                Arguments.of("NaN", Double.NaN),
                Arguments.of("positive infinity", Double.POSITIVE_INFINITY),
                Arguments.of("negative float infinity", Float.NEGATIVE_INFINITY),
                Arguments.of("a list", List.of(1)),
                Arguments.of("a map", Map.of("a", 1)),
                Arguments.of("a character", 'c'));
    }

    @ParameterizedTest(name = "refuses {0}")
    @MethodSource("badData")
    void shouldRefuseDataValuesThatAreNotJsonScalars(String what, Object value) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> JsonRpcErrorWriter.error("1", JsonRpcErrors.INTERNAL_ERROR, "m", data("k", value)));
        assertTrue(e.getMessage().contains("'k'"), e.getMessage());
    }

    @Test
    void shouldWriteOneErrorPerIdForABusyBatch() {
        byte[] out = JsonRpcErrorWriter.batchError(
                List.of("1", "\"two\"", "null"),
                JsonRpcErrors.DEFAULT_BUSY,
                "Turn busy",
                data(JsonRpcErrors.DATA_REASON, JsonRpcErrors.TURN_BUSY));
        String each = ",\"error\":{\"code\":-32002,\"message\":\"Turn busy\",\"data\":{\"reason\":\"turn_busy\"}}}";
        assertEquals(
                "[{\"jsonrpc\":\"2.0\",\"id\":1" + each + ",{\"jsonrpc\":\"2.0\",\"id\":\"two\"" + each
                        + ",{\"jsonrpc\":\"2.0\",\"id\":null" + each + "]",
                text(out));
    }

    @Test
    void shouldAnswerABatchWithoutIdsWithOneNullIdErrorNeverAnEmptyArray() {
        assertEquals(
                j("{'jsonrpc':'2.0','id':null,'error':{'code':-32600,'message':'m'}}"),
                text(JsonRpcErrorWriter.batchError(List.of(), JsonRpcErrors.INVALID_REQUEST, "m", null)));
    }

    @Test
    void shouldRefuseANullMessage() {
        assertThrows(
                NullPointerException.class,
                () -> JsonRpcErrorWriter.error("1", JsonRpcErrors.DEFAULT_BUSY, null, null));
    }

    @Test
    void shouldProduceWhatTheSnifferReadsBackAsResponsesWithTheSameIds() {
        String nasty = "\"\\\n\u0000\u001f\ud800é😀</script>";
        byte[] single = JsonRpcErrorWriter.error(
                "\"a\\u0041\"", JsonRpcErrors.INVALID_REQUEST, nasty, data(nasty, nasty, "n", -1.5e-7, "b", true));
        byte[] batch = JsonRpcErrorWriter.batchError(
                List.of("1", "-2.5E+3", "\"x\""),
                JsonRpcErrors.DEFAULT_BUSY,
                nasty,
                data(JsonRpcErrors.DATA_REASON, JsonRpcErrors.SESSION_BUSY));
        JsonRpcSniffer sniffer = new JsonRpcSniffer(JsonRpcSniffer.DEFAULT_MAX_DEPTH);
        assertEquals(
                List.of(new JsonRpcMessage(null, "\"a\\u0041\"", null, true, null)),
                sniffer.sniff(single, single.length).messages());
        assertEquals(
                List.of(
                        new JsonRpcMessage(null, "1", null, true, null),
                        new JsonRpcMessage(null, "-2.5E+3", null, true, null),
                        new JsonRpcMessage(null, "\"x\"", null, true, null)),
                sniffer.sniff(batch, batch.length).messages());
    }
}
