package dev.turnstile.internal.jsonrpc;

import static dev.turnstile.internal.jsonrpc.SniffAssertions.SNIFFER;
import static dev.turnstile.internal.jsonrpc.SniffAssertions.assertInvalidRequest;
import static dev.turnstile.internal.jsonrpc.SniffAssertions.assertParseError;
import static dev.turnstile.internal.jsonrpc.SniffAssertions.callWithArgument;
import static dev.turnstile.internal.jsonrpc.SniffAssertions.j;
import static dev.turnstile.internal.jsonrpc.SniffAssertions.rejected;
import static dev.turnstile.internal.jsonrpc.SniffAssertions.single;
import static dev.turnstile.internal.jsonrpc.SniffAssertions.sniff;
import static dev.turnstile.internal.jsonrpc.SniffAssertions.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.jsonrpc.JsonRpcErrors;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The sniffer reads what the guard needs and rejects, strictly, every body it cannot vouch for. */
class JsonRpcSnifferTest {

    private static final String CALL = j("{'jsonrpc':'2.0','id':7,'method':'tools/call',"
            + "'params':{'name':'read_file','arguments':{'path':'/tmp/a'}}}");

    // ---------------------------------------------------------------- valid single messages

    static Stream<Arguments> validMessages() {
        return Stream.of(
                Arguments.of("tools/call request with a tool name", CALL, "tools/call", "7", "read_file", false),
                Arguments.of(
                        "request without params",
                        j("{'jsonrpc':'2.0','id':1,'method':'ping'}"),
                        "ping",
                        "1",
                        null,
                        false),
                Arguments.of(
                        "initialize request",
                        j("{'jsonrpc':'2.0','id':0,'method':'initialize',"
                                + "'params':{'protocolVersion':'2025-06-18','capabilities':{},"
                                + "'clientInfo':{'name':'c','version':'1'}}}"),
                        "initialize",
                        "0",
                        null,
                        false),
                Arguments.of(
                        "notification has no id",
                        j("{'jsonrpc':'2.0','method':'notifications/initialized'}"),
                        "notifications/initialized",
                        null,
                        null,
                        false),
                Arguments.of(
                        "cancellation notification",
                        j("{'jsonrpc':'2.0','method':'notifications/cancelled',"
                                + "'params':{'requestId':7,'reason':'user'}}"),
                        "notifications/cancelled",
                        null,
                        null,
                        false),
                Arguments.of(
                        "response with a result",
                        j("{'jsonrpc':'2.0','id':'s-1','result':{'roots':[]}}"),
                        null,
                        "'s-1'".replace('\'', '"'),
                        null,
                        true),
                Arguments.of(
                        "response with an error",
                        j("{'jsonrpc':'2.0','id':3,'error':{'code':-1,'message':'no'}}"),
                        null,
                        "3",
                        null,
                        true),
                Arguments.of(
                        "error response with a null id",
                        j("{'jsonrpc':'2.0','id':null,'error':{'code':-32700," + "'message':'x'}}"),
                        null,
                        "null",
                        null,
                        true),
                Arguments.of(
                        "response whose result is null",
                        j("{'jsonrpc':'2.0','id':4,'result':null}"),
                        null,
                        "4",
                        null,
                        true),
                Arguments.of(
                        "nested method, id and name inside arguments do not count",
                        j("{'jsonrpc':'2.0','method':'tools/call','params':{'arguments':{'method':'x','id':9,"
                                + "'name':'evil','params':{'name':'evil'}},'name':'write_file'},'id':2}"),
                        "tools/call",
                        "2",
                        "write_file",
                        false),
                Arguments.of(
                        "result and error nested in params do not make a response",
                        j("{'jsonrpc':'2.0','id':1,'method':'tools/call','params':{'result':1,'error':2,"
                                + "'name':'t'}}"),
                        "tools/call",
                        "1",
                        "t",
                        false),
                Arguments.of(
                        "method nested in a result does not make a request",
                        j("{'jsonrpc':'2.0','id':1,'result':{'method':'tools/call','params':{'name':'x'}}}"),
                        null,
                        "1",
                        null,
                        true),
                Arguments.of(
                        "missing jsonrpc member is tolerated", j("{'id':1,'method':'ping'}"), "ping", "1", null, false),
                Arguments.of("empty method string", j("{'jsonrpc':'2.0','id':1,'method':''}"), "", "1", null, false),
                Arguments.of(
                        "non-ASCII method and tool name",
                        j("{'id':1,'method':'tools/call','params':{'name':'lire_fichier_é_😀'}}"),
                        "tools/call",
                        "1",
                        "lire_fichier_é_😀",
                        false),
                Arguments.of(
                        "whitespace everywhere JSON allows it",
                        " \t\r\n{ \"id\" : 1 ,\n\"method\"\t:\r\"tools/call\" , \"params\" : { \"name\" : \"t\" } }\n ",
                        "tools/call",
                        "1",
                        "t",
                        false),
                Arguments.of(
                        "other members may repeat",
                        j("{'jsonrpc':'2.0','jsonrpc':'2.0','x':1,'x':2,'id':1," + "'method':'ping'}"),
                        "ping",
                        "1",
                        null,
                        false),
                Arguments.of("result may repeat", j("{'id':1,'result':1,'result':2}"), null, "1", null, true),
                Arguments.of(
                        "params members other than name may repeat",
                        j("{'id':1,'method':'tools/call','params':{'arguments':{},'arguments':{},'name':'t'}}"),
                        "tools/call",
                        "1",
                        "t",
                        false),
                Arguments.of(
                        "whitespace inside skipped containers",
                        callWithArgument(" [ 1 ,\t2 ,\n{ \"a\" : [ ] ,\r\"b\" : { } , \"c\" : [ { } ] } , [ ] ] "),
                        "tools/call",
                        "1",
                        "t",
                        false),
                Arguments.of(
                        "empty containers as the only argument values",
                        callWithArgument("[{},[],{\"\":{}},[[]]]"),
                        "tools/call",
                        "1",
                        "t",
                        false),
                Arguments.of(
                        "deeply nested arguments are skipped",
                        callWithArgument("[[[[{'a':[{'b':{'c':[1,2,{'d':null}]}}]}]]]]".replace('\'', '"')),
                        "tools/call",
                        "1",
                        "t",
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validMessages")
    void shouldReadTheMembersTheGuardNeeds(
            String what, String json, String method, String rawId, String tool, boolean response) {
        JsonRpcMessage message = single(json);
        assertEquals(new JsonRpcMessage(method, rawId, tool, response, null), message);
    }

    // ---------------------------------------------------------------- tools/call params that cannot be classified

    static Stream<Arguments> unclassifiableToolCalls() {
        String call = j("{'jsonrpc':'2.0','id':1,'method':'tools/call'");
        String notObject = "params is not an object";
        String badName = "params.name is not a non-empty string";
        return Stream.of(
                Arguments.of("no params", call + "}", null, "params is missing"),
                Arguments.of("params null", call + ",\"params\":null}", null, notObject),
                Arguments.of("params an array", call + j(",'params':['read_file']}"), null, notObject),
                Arguments.of("params a string", call + j(",'params':'read_file'}"), null, notObject),
                Arguments.of("params a number", call + ",\"params\":1}", null, notObject),
                Arguments.of("params true", call + ",\"params\":true}", null, notObject),
                Arguments.of("empty params", call + ",\"params\":{}}", null, "params.name is missing"),
                Arguments.of(
                        "name only under arguments",
                        call + j(",'params':{'arguments':{'name':'x'}}}"),
                        null,
                        "params.name is missing"),
                Arguments.of("name null", call + j(",'params':{'name':null}}"), null, badName),
                Arguments.of("name a number", call + j(",'params':{'name':5}}"), null, badName),
                Arguments.of("name an object", call + j(",'params':{'name':{'name':'x'}}}"), null, badName),
                Arguments.of("name an array", call + j(",'params':{'name':['x']}}"), null, badName),
                Arguments.of("name false", call + j(",'params':{'name':false}}"), null, badName),
                Arguments.of("name empty", call + j(",'params':{'name':''}}"), "", badName),
                Arguments.of(
                        "arguments null",
                        call + j(",'params':{'name':'t','arguments':null}}"),
                        "t",
                        "params.arguments is not an object"),
                Arguments.of(
                        "arguments an array",
                        call + j(",'params':{'arguments':[],'name':'t'}}"),
                        "t",
                        "params.arguments is not an object"),
                Arguments.of(
                        "arguments a string",
                        call + j(",'params':{'name':'t','arguments':'{}'}}"),
                        "t",
                        "params.arguments is not an object"),
                Arguments.of(
                        "arguments escaped as \\u0061rguments",
                        call + j(",'params':{'name':'t','\\u0061rguments':1}}"),
                        "t",
                        "params.arguments is not an object"),
                Arguments.of(
                        "arguments twice, the second not an object",
                        call + j(",'params':{'name':'t','arguments':{},'arguments':7}}"),
                        "t",
                        "params.arguments is not an object"),
                Arguments.of(
                        "_meta null",
                        call + j(",'params':{'name':'t','_meta':null}}"),
                        "t",
                        "params._meta is not an object"),
                Arguments.of(
                        "_meta a number",
                        call + j(",'params':{'_meta':3,'name':'t'}}"),
                        "t",
                        "params._meta is not an object"),
                Arguments.of(
                        "the first problem in body order is named",
                        call + j(",'params':{'_meta':3,'arguments':4}}"),
                        null,
                        "params._meta is not an object"),
                Arguments.of(
                        "method after params",
                        j("{'jsonrpc':'2.0','id':1,'params':{'name':''}," + "'method':'tools/call'}"),
                        "",
                        badName));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unclassifiableToolCalls")
    void shouldSayWhyTheParamsOfAToolsCallCannotBeClassified(String what, String json, String tool, String problem) {
        assertEquals(new JsonRpcMessage("tools/call", "1", tool, false, problem), single(json));
    }

    @Test
    void shouldAcceptObjectArgumentsAndMetaAndAnyOtherParamsMember() {
        JsonRpcMessage m = single(j("{'id':1,'method':'tools/call','params':{'name':' ','arguments':{},"
                + "'_meta':{'progressToken':1},'task':null,'x':[1]}}"));
        assertEquals(new JsonRpcMessage("tools/call", "1", " ", false, null), m);
    }

    @Test
    void shouldReportParamsProblemsOnlyForToolsCall() {
        for (String other : List.of("ping", "resources/read", "tools/list", "Tools/Call", "tools/call ")) {
            assertNull(
                    single(j("{'id':1,'method':'" + other + "','params':null}")).invalidParams(), other);
            assertNull(single(j("{'id':1,'method':'" + other + "'}")).invalidParams(), other);
            assertNull(
                    single(j("{'id':1,'method':'" + other + "','params':{'arguments':5}}"))
                            .invalidParams(),
                    other);
        }
    }

    @Test
    void shouldReportParamsProblemsOfAToolsCallNotificationToo() {
        JsonRpcMessage m = single(j("{'method':'tools/call','params':[]}"));
        assertTrue(m.isNotification());
        assertEquals(
                "params is not an object",
                m.invalidParams(),
                "reported: the caller decides what a notification's params mean");
    }

    @Test
    void shouldLetAnAmbiguityWinOverParamsThatCannotBeClassified() {
        assertInvalidRequest(
                j("{'id':1,'method':'tools/call','params':{'name':5,'name':'x'}}"), JsonRpcErrors.AMBIGUOUS_REQUEST);
        assertInvalidRequest(
                j("{'id':1,'method':'tools/call','params':null,'params':{'name':'x'}}"),
                JsonRpcErrors.AMBIGUOUS_REQUEST);
        assertInvalidRequest(
                j("{'id':1,'method':'tools/call','params':{'arguments':1,'name':'a','name':'b'}}"),
                JsonRpcErrors.AMBIGUOUS_REQUEST);
        assertInvalidRequest(
                j("[{'id':1,'method':'tools/call'},{'id':2,'method':'ping','id':3}]"), JsonRpcErrors.AMBIGUOUS_REQUEST);
    }

    @Test
    void shouldLetAnInvalidRequestWinOverParamsThatCannotBeClassified() {
        assertInvalidRequest(j("{'id':true,'method':'tools/call','params':5}"), null);
        assertInvalidRequest(j("[{'id':1,'method':'tools/call'},7]"), null);
    }

    static Stream<Arguments> memberOrders() {
        List<String> members = List.of(
                j("'jsonrpc':'2.0'"),
                j("'id':7"),
                j("'method':'tools/call'"),
                j("'params':{'arguments':{'id':1,'method':'x'},'name':'read_file'}"));
        List<Arguments> orders = new ArrayList<>();
        permute(new ArrayList<>(members), 0, orders);
        return orders.stream();
    }

    private static void permute(List<String> members, int from, List<Arguments> out) {
        if (from == members.size()) {
            String order = members.stream()
                    .map(m -> m.substring(1, m.indexOf('"', 1)))
                    .reduce((a, b) -> a + ", " + b)
                    .orElseThrow();
            out.add(Arguments.of(order, "{" + String.join(",", members) + "}"));
            return;
        }
        for (int i = from; i < members.size(); i++) {
            java.util.Collections.swap(members, from, i);
            permute(members, from + 1, out);
            java.util.Collections.swap(members, from, i);
        }
    }

    @ParameterizedTest(name = "member order: {0}")
    @MethodSource("memberOrders")
    void shouldReadTheSameRequestInEveryMemberOrder(String order, String json) {
        assertEquals(new JsonRpcMessage("tools/call", "7", "read_file", false, null), single(json));
    }

    // ---------------------------------------------------------------- ids

    static Stream<Arguments> validIds() {
        return Stream.of(
                Arguments.of("string id", "\"abc\""),
                Arguments.of("empty string id", "\"\""),
                Arguments.of("string id with escapes kept raw", "\"a\\\"b\\\\c\\u0041\\n\""),
                Arguments.of("string id with non-ASCII", "\"idé😀\""),
                Arguments.of("uuid string id", "\"0b4f3c5e-9d7a-4c1b-8f00-1234567890ab\""),
                Arguments.of("zero", "0"),
                Arguments.of("negative zero", "-0"),
                Arguments.of("integer", "42"),
                Arguments.of("negative integer", "-17"),
                Arguments.of("fraction", "1.5"),
                Arguments.of("negative exponent form", "-1.5e3"),
                Arguments.of("upper-case exponent with sign", "2E+10"),
                Arguments.of("number beyond long", "123456789012345678901234567890"),
                Arguments.of("null id", "null"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("validIds")
    void shouldKeepTheRawIdTextForEcho(String what, String id) {
        JsonRpcMessage message = single(j("{'jsonrpc':'2.0','method':'tools/call','id':") + id + "}");
        assertEquals(id, message.rawId());
        assertTrue(message.isRequest());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("validIds")
    void shouldKeepTheRawIdTextOfAResponse(String what, String id) {
        assertEquals(id, single(j("{'result':{},'id':") + id + "}").rawId());
    }

    static Stream<Arguments> invalidIds() {
        return Stream.of(
                Arguments.of("object id", "{\"a\":1}"),
                Arguments.of("empty object id", "{}"),
                Arguments.of("array id", "[1]"),
                Arguments.of("empty array id", "[]"),
                Arguments.of("true id", "true"),
                Arguments.of("false id", "false"));
    }

    @ParameterizedTest(name = "{0} is an invalid request")
    @MethodSource("invalidIds")
    void shouldRejectAnIdThatIsNotAStringNumberOrNull(String what, String id) {
        assertInvalidRequest(j("{'jsonrpc':'2.0','method':'tools/call','id':") + id + "}", null);
    }

    // ---------------------------------------------------------------- escapes

    static Stream<Arguments> escapedMembers() {
        return Stream.of(
                Arguments.of("escaped solidus in method", "{\"id\":1,\"method\":\"tools\\/call\"}", "tools/call", null),
                Arguments.of(
                        "unicode escape in method", "{\"id\":1,\"method\":\"\\u0074ools/call\"}", "tools/call", null),
                Arguments.of(
                        "upper-case hex in unicode escape", "{\"id\":1,\"method\":\"\\u0054\\u004F\"}", "TO", null),
                Arguments.of("escaped member name method", "{\"id\":1,\"m\\u0065thod\":\"ping\"}", "ping", null),
                Arguments.of(
                        "fully escaped member name",
                        "{\"id\":1,\"\\u006d\\u0065\\u0074\\u0068\\u006f\\u0064\":\"ping\"}",
                        "ping",
                        null),
                Arguments.of(
                        "escaped params and name members",
                        "{\"id\":1,\"method\":\"tools/call\",\"p\\u0061rams\":{\"n\\u0061me\":\"t\"}}",
                        "tools/call",
                        "t"),
                Arguments.of(
                        "escapes in the tool name",
                        "{\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"}}",
                        "tools/call",
                        "a\"b\\c/d\b\f\n\r\t"),
                Arguments.of(
                        "surrogate pair escape decodes to one code point",
                        "{\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"\\ud83d\\ude00\"}}",
                        "tools/call",
                        "😀"),
                Arguments.of(
                        "two- and three-byte escapes",
                        "{\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"\\u00e9\\u20ac\"}}",
                        "tools/call",
                        "é€"),
                Arguments.of(
                        "escaped NUL is a character like any other",
                        "{\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a\\u0000b\"}}",
                        "tools/call",
                        "a\u0000b"),
                Arguments.of(
                        "escapes mixed with raw UTF-8",
                        "{\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"é\\u00e9😀\\n\"}}",
                        "tools/call",
                        "éé😀\n"),
                Arguments.of(
                        "escaped name that only looks similar does not count",
                        "{\"id\":1,\"method\":\"ping\",\"method\\u0000\":\"tools/call\"}",
                        "ping",
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("escapedMembers")
    void shouldDecodeEscapesInNamesAndExtractedValues(String what, String json, String method, String tool) {
        JsonRpcMessage message = single(json);
        assertEquals(method, message.method());
        assertEquals(tool, message.toolName());
    }

    static Stream<Arguments> badEscapes() {
        return Stream.of(
                Arguments.of("unknown escape letter", "\"\\x\""),
                Arguments.of("escaped single quote", "\"\\'\""),
                Arguments.of("escaped digit", "\"\\0\""),
                Arguments.of("short unicode escape", "\"\\u12\""),
                Arguments.of("non-hex unicode escape", "\"\\u12g4\""),
                Arguments.of("upper-case U escape", "\"\\U0041\""),
                Arguments.of("lone high surrogate", "\"\\ud800\""),
                Arguments.of("lone low surrogate", "\"\\udc00\""),
                Arguments.of("high surrogate followed by a letter", "\"\\ud800\\u0041\""),
                Arguments.of("high surrogate followed by another high", "\"\\ud800\\ud800\""),
                Arguments.of("high surrogate followed by a raw character", "\"\\ud83dx\\ude00\""),
                Arguments.of("reversed surrogate pair", "\"\\ude00\\ud83d\""),
                Arguments.of("backslash at the end of the string", "\"\\\""));
    }

    @ParameterizedTest(name = "{0} in a tool name")
    @MethodSource("badEscapes")
    void shouldRejectInvalidEscapesWhereTheyAreRead(String what, String string) {
        assertParseError(j("{'id':1,'method':'tools/call','params':{'name':") + string + "}}");
    }

    @ParameterizedTest(name = "{0} in a skipped argument")
    @MethodSource("badEscapes")
    void shouldRejectInvalidEscapesWhereTheyAreSkipped(String what, String string) {
        assertParseError(callWithArgument(string));
    }

    // ---------------------------------------------------------------- malformed JSON

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("line comment", "{\"id\":1,\"method\":\"ping\"} // c"),
                Arguments.of("block comment", "{/* c */\"id\":1,\"method\":\"ping\"}"),
                Arguments.of("hash comment", "# c\n{\"id\":1,\"method\":\"ping\"}"),
                Arguments.of("trailing comma in object", j("{'id':1,'method':'ping',}")),
                Arguments.of("trailing comma in array", j("[{'id':1,'method':'ping'},]")),
                Arguments.of("trailing comma in nested array", callWithArgument("[1,2,]")),
                Arguments.of("leading comma in object", j("{,'id':1,'method':'ping'}")),
                Arguments.of("double comma", j("{'id':1,,'method':'ping'}")),
                Arguments.of("missing comma", j("{'id':1 'method':'ping'}")),
                Arguments.of("missing colon", j("{'id' 1,'method':'ping'}")),
                Arguments.of("double colon", j("{'id'::1,'method':'ping'}")),
                Arguments.of("missing value", j("{'id':,'method':'ping'}")),
                Arguments.of("unquoted member name", "{id:1,\"method\":\"ping\"}"),
                Arguments.of("single-quoted member name", "{'id':1,\"method\":\"ping\"}"),
                Arguments.of("single-quoted string value", "{\"id\":1,\"method\":'ping'}"),
                Arguments.of("number as member name", "{1:1,\"method\":\"ping\"}"),
                Arguments.of("NaN", callWithArgument("NaN")),
                Arguments.of("Infinity", callWithArgument("Infinity")),
                Arguments.of("negative Infinity", callWithArgument("-Infinity")),
                Arguments.of("capitalised True", callWithArgument("True")),
                Arguments.of("truncated literal nul", callWithArgument("nul")),
                Arguments.of("literal with a tail", callWithArgument("nullx")),
                Arguments.of("undefined", callWithArgument("undefined")),
                Arguments.of("unescaped newline in a string", callWithArgument("\"a\nb\"")),
                Arguments.of("unescaped tab in a string", callWithArgument("\"a\tb\"")),
                Arguments.of("unescaped NUL in a string", callWithArgument("\"a\u0000b\"")),
                Arguments.of("unescaped unit separator in a string", callWithArgument("\"a\u001fb\"")),
                Arguments.of("unescaped control character in a member name", "{\"i\u0001d\":1,\"method\":\"ping\"}"),
                Arguments.of("unescaped control character in the method", "{\"id\":1,\"method\":\"pi\u0007ng\"}"),
                Arguments.of("trailing garbage", j("{'id':1,'method':'ping'}x")),
                Arguments.of("second top-level object", j("{'id':1,'method':'ping'}{'id':2,'method':'ping'}")),
                Arguments.of("trailing closing brace", j("{'id':1,'method':'ping'}}")),
                Arguments.of("trailing NUL byte", j("{'id':1,'method':'ping'}\u0000")),
                Arguments.of("mismatched closer", j("{'id':1,'method':'ping']")),
                Arguments.of("mismatched closer in arguments", callWithArgument("[1}")),
                Arguments.of("unclosed nested array", callWithArgument("[1")),
                Arguments.of("unterminated string", j("{'id':1,'method':'ping}")),
                Arguments.of("unterminated member name", "{\"id"),
                Arguments.of("lone opening brace", "{"),
                Arguments.of("lone opening bracket", "["),
                Arguments.of("lone closing brace", "}"),
                Arguments.of("lone quote", "\""),
                Arguments.of("form feed is not JSON whitespace", "\f{\"id\":1,\"method\":\"ping\"}"),
                Arguments.of("vertical tab is not JSON whitespace", "{\u000b\"id\":1,\"method\":\"ping\"}"),
                Arguments.of("no-break space is not JSON whitespace", "{\u00a0\"id\":1,\"method\":\"ping\"}"),
                Arguments.of("ideographic space is not JSON whitespace", "{\"id\":1,\u3000\"method\":\"ping\"}"),
                Arguments.of("garbage only", "hello"),
                Arguments.of("XML", "<methodCall/>"),
                Arguments.of("form-encoded body", "method=tools%2Fcall&id=1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void shouldRejectMalformedJsonAsAParseError(String what, String json) {
        assertParseError(json);
    }

    @Test
    void shouldPreferTheParseErrorWhenABodyIsBothInvalidAndMalformed() {
        assertParseError(j("{'id':{},'method':1,'method':2"));
        assertParseError(j("[1,2,3"));
        assertParseError(j("[] x"));
        assertParseError(j("42 43"));
    }

    // ---------------------------------------------------------------- UTF-8

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                Arguments.of("overlong slash C0 AF", bytes(0xC0, 0xAF)),
                Arguments.of("overlong C1 BF", bytes(0xC1, 0xBF)),
                Arguments.of("overlong three-byte E0 80 AF", bytes(0xE0, 0x80, 0xAF)),
                Arguments.of("overlong three-byte E0 9F BF", bytes(0xE0, 0x9F, 0xBF)),
                Arguments.of("overlong four-byte F0 80 80 AF", bytes(0xF0, 0x80, 0x80, 0xAF)),
                Arguments.of("overlong four-byte F0 8F BF BF", bytes(0xF0, 0x8F, 0xBF, 0xBF)),
                Arguments.of("encoded high surrogate ED A0 80", bytes(0xED, 0xA0, 0x80)),
                Arguments.of("encoded low surrogate ED BF BF", bytes(0xED, 0xBF, 0xBF)),
                Arguments.of("encoded surrogate pair (CESU-8)", bytes(0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80)),
                Arguments.of("above U+10FFFF F4 90 80 80", bytes(0xF4, 0x90, 0x80, 0x80)),
                Arguments.of("lead byte F5", bytes(0xF5, 0x80, 0x80, 0x80)),
                Arguments.of("lead byte F8 (five-byte form)", bytes(0xF8, 0x88, 0x80, 0x80, 0x80)),
                Arguments.of("byte FE", bytes(0xFE)),
                Arguments.of("byte FF", bytes(0xFF)),
                Arguments.of("lone continuation byte 80", bytes(0x80)),
                Arguments.of("lone continuation byte BF", bytes(0xBF)),
                Arguments.of("two-byte lead followed by ASCII", bytes(0xC3, 0x28)),
                Arguments.of("three-byte lead with one continuation", bytes(0xE2, 0x82)),
                Arguments.of("four-byte lead with two continuations", bytes(0xF0, 0x9F, 0x98)),
                Arguments.of("three-byte lead with a bad third byte", bytes(0xE2, 0x82, 0x28)),
                Arguments.of("Latin-1 e-acute", bytes(0xE9)));
    }

    @ParameterizedTest(name = "{0} in a tool name")
    @MethodSource("invalidUtf8")
    void shouldRejectInvalidUtf8InAStringThatIsRead(String what, byte[] bad) {
        JsonRpcException e =
                rejected(concat(utf8(j("{'id':1,'method':'tools/call','params':{'name':'a")), bad, utf8(j("b'}}"))));
        assertEquals(JsonRpcErrors.PARSE_ERROR, e.code());
        assertEquals(JsonRpcErrors.INVALID_UTF8, e.reason());
    }

    @ParameterizedTest(name = "{0} in a skipped member name")
    @MethodSource("invalidUtf8")
    void shouldRejectInvalidUtf8InASkippedMemberName(String what, byte[] bad) {
        JsonRpcException e = rejected(concat(utf8(callWithArgument("{\"")), bad, utf8("\":1}")));
        assertEquals(JsonRpcErrors.PARSE_ERROR, e.code());
        assertEquals(JsonRpcErrors.INVALID_UTF8, e.reason());
    }

    @Test
    void shouldRejectATruncatedSequenceAtTheEndOfTheBody() {
        assertParseError(concat(utf8(j("{'id':1,'method':'a")), bytes(0xE2, 0x82)));
        assertParseError(concat(utf8(j("{'id':1,'method':'a")), bytes(0xF0)));
    }

    @Test
    void shouldRejectNonAsciiBytesOutsideStrings() {
        assertParseError(concat(utf8("{"), bytes(0xC3, 0xA9), utf8(j("'id':1,'method':'ping'}"))));
        assertParseError(concat(utf8(j("{'id':1,'method':'ping'}")), bytes(0xFF)));
    }

    static Stream<Arguments> validUtf8() {
        return Stream.of(
                Arguments.of("two-byte U+00E9", "é"),
                Arguments.of("smallest two-byte U+0080", "\u0080"),
                Arguments.of("three-byte euro sign", "€"),
                Arguments.of("smallest three-byte U+0800", "\u0800"),
                Arguments.of("last code point before surrogates U+D7FF", "\ud7ff"),
                Arguments.of("first code point after surrogates U+E000", "\ue000"),
                Arguments.of("noncharacter U+FFFF", "\uffff"),
                Arguments.of("four-byte emoji", "😀"),
                Arguments.of("smallest four-byte U+10000", new String(Character.toChars(0x10000))),
                Arguments.of("largest code point U+10FFFF", new String(Character.toChars(0x10FFFF))),
                Arguments.of("DEL needs no escape", "\u007f"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validUtf8")
    void shouldAcceptWellFormedUtf8(String what, String text) {
        assertEquals(
                text,
                single(j("{'id':1,'method':'tools/call','params':{'name':'") + text + "\"}}")
                        .toolName());
    }

    @Test
    void shouldRejectALeadingByteOrderMark() {
        assertParseError(concat(bytes(0xEF, 0xBB, 0xBF), utf8(CALL)));
        assertParseError(bytes(0xEF, 0xBB, 0xBF));
    }

    // ---------------------------------------------------------------- numbers

    static Stream<Arguments> legalNumbers() {
        return Stream.of(
                        "0",
                        "-0",
                        "7",
                        "-7",
                        "10",
                        "1234567890",
                        "0.5",
                        "-0.5",
                        "0.0",
                        "1.25",
                        "1e5",
                        "1E5",
                        "1e+5",
                        "1e-5",
                        "1E-0",
                        "0e0",
                        "-0.0e-0",
                        "1.5e300",
                        "1e99999",
                        "123456789012345678901234567890.5")
                .map(number -> Arguments.of(number));
    }

    @ParameterizedTest(name = "legal number {0}")
    @MethodSource("legalNumbers")
    void shouldAcceptEveryLegalNumberForm(String number) {
        assertEquals("t", single(callWithArgument(number)).toolName());
        assertEquals(number, single(j("{'method':'x','id':") + number + "}").rawId());
    }

    static Stream<Arguments> illegalNumbers() {
        return Stream.of(
                        "01", "-01", "00", "00.5", "+1", ".5", "-.5", "5.", "5.e3", "1e", "1e+", "1E-", "-", "--1",
                        "0x10", "1_000", "1,5e3.", "1.5.3", "1e5.5", "1ee5", "0.-1", "- 1", "1 2", "١")
                .map(number -> Arguments.of(number));
    }

    @ParameterizedTest(name = "illegal number {0}")
    @MethodSource("illegalNumbers")
    void shouldRejectEveryIllegalNumberForm(String number) {
        assertParseError(callWithArgument(number));
        assertParseError(j("{'method':'x','id':") + number + "}");
    }

    // ---------------------------------------------------------------- not a request

    static Stream<Arguments> notARequest() {
        return Stream.of(
                Arguments.of("top-level number", "42", null),
                Arguments.of("top-level string", j("'tools/call'"), null),
                Arguments.of("top-level true", "true", null),
                Arguments.of("top-level false", "false", null),
                Arguments.of("top-level null", "null", null),
                Arguments.of("top-level number with whitespace", " 1 ", null),
                Arguments.of("empty batch", "[]", null),
                Arguments.of("empty batch with whitespace", "[ \n ]", null),
                Arguments.of("batch of a number", "[1]", null),
                Arguments.of("batch with one non-object element", j("[{'id':1,'method':'ping'},2]"), null),
                Arguments.of("batch with a null element", j("[{'id':1,'method':'ping'},null]"), null),
                Arguments.of("nested batch", j("[[{'id':1,'method':'ping'}]]"), null),
                Arguments.of("batch with an empty array element", j("[{'id':1,'method':'ping'},[]]"), null),
                Arguments.of("empty object", "{}", null),
                Arguments.of("object with only an id", j("{'jsonrpc':'2.0','id':1}"), null),
                Arguments.of("object with only params", j("{'params':{'name':'write_file'}}"), null),
                Arguments.of("method is a number", j("{'id':1,'method':1}"), null),
                Arguments.of("method is null", j("{'id':1,'method':null}"), null),
                Arguments.of("method is an object", j("{'id':1,'method':{'name':'tools/call'}}"), null),
                Arguments.of("method is an array", j("{'id':1,'method':['tools/call']}"), null),
                Arguments.of("method is true", j("{'id':1,'method':true}"), null),
                Arguments.of(
                        "request that also has a result",
                        j("{'id':1,'method':'tools/call','result':{}," + "'params':{'name':'w'}}"),
                        JsonRpcErrors.AMBIGUOUS_REQUEST),
                Arguments.of(
                        "request that also has an error",
                        j("{'id':1,'error':{},'method':'tools/call'}"),
                        JsonRpcErrors.AMBIGUOUS_REQUEST),
                Arguments.of(
                        "invalid element in an otherwise valid batch",
                        j("[{'id':1,'method':'ping'},{'id':2,'method':3}]"),
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notARequest")
    void shouldRejectValidJsonThatIsNotARequestAsInvalidRequest(String what, String json, String reason) {
        assertInvalidRequest(json, reason);
    }

    // ---------------------------------------------------------------- duplicates

    static Stream<Arguments> ambiguous() {
        return Stream.of(
                Arguments.of("duplicate method", j("{'id':1,'method':'ping','method':'tools/call'}")),
                Arguments.of(
                        "duplicate method far apart",
                        j("{'method':'tools/call','id':1,'params':{'name':'w'},'jsonrpc':'2.0','method':'ping'}")),
                Arguments.of(
                        "duplicate method with a non-string second value", j("{'id':1,'method':'ping','method':null}")),
                Arguments.of("duplicate id", j("{'id':1,'method':'ping','id':2}")),
                Arguments.of("duplicate id of equal value", j("{'id':1,'id':1,'method':'ping'}")),
                Arguments.of("duplicate null id", j("{'id':null,'method':'ping','id':null}")),
                Arguments.of(
                        "duplicate params",
                        j("{'id':1,'method':'tools/call','params':{'name':'read_x'},"
                                + "'params':{'name':'write_x'}}")),
                Arguments.of(
                        "duplicate params of other types",
                        j("{'id':1,'method':'tools/call','params':[]," + "'params':null}")),
                Arguments.of(
                        "duplicate params.name",
                        j("{'id':1,'method':'tools/call','params':{'name':'read_x'," + "'name':'write_x'}}")),
                Arguments.of(
                        "duplicate params.name with a non-string value",
                        j("{'id':1,'method':'tools/call','params':{'name':'read_x','name':1}}")),
                Arguments.of(
                        "duplicate method, second name escaped",
                        "{\"id\":1,\"method\":\"ping\"," + "\"m\\u0065thod\":\"tools/call\"}"),
                Arguments.of(
                        "duplicate method, first name escaped",
                        "{\"\\u006dethod\":\"ping\",\"id\":1," + "\"method\":\"tools/call\"}"),
                Arguments.of(
                        "duplicate method, escaped solidus-free escapes both",
                        "{\"\\u006dethod\":\"ping\"," + "\"id\":1,\"metho\\u0064\":\"tools/call\"}"),
                Arguments.of("duplicate id, name escaped", "{\"id\":1,\"method\":\"ping\",\"\\u0069d\":2}"),
                Arguments.of(
                        "duplicate params, name escaped",
                        "{\"id\":1,\"method\":\"tools/call\",\"params\":{}," + "\"param\\u0073\":{\"name\":\"w\"}}"),
                Arguments.of(
                        "duplicate params.name, name escaped",
                        "{\"id\":1,\"method\":\"tools/call\","
                                + "\"params\":{\"name\":\"read_x\",\"\\u006eame\":\"write_x\"}}"),
                Arguments.of(
                        "duplicate in the second message of a batch",
                        j("[{'id':1,'method':'ping'},{'id':2,'method':'ping','method':'tools/call'}]")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ambiguous")
    void shouldRejectDuplicateGuardedMembersAsAmbiguous(String what, String json) {
        assertInvalidRequest(json, JsonRpcErrors.AMBIGUOUS_REQUEST);
    }

    @Test
    void shouldNotConfuseMembersWithTheSameNameInDifferentMessages() {
        SniffResult result = sniff(
                j("[{'id':1,'method':'a','params':{'name':'x'}},{'id':2,'method':'b'," + "'params':{'name':'y'}}]"));
        assertEquals(
                List.of(new JsonRpcMessage("a", "1", "x", false, null), new JsonRpcMessage("b", "2", "y", false, null)),
                result.messages());
    }

    // ---------------------------------------------------------------- batches

    @Test
    void shouldReadABatchInOrderAndMarkItAsABatch() {
        SniffResult result = sniff(j("[{'jsonrpc':'2.0','id':1,'method':'tools/call','params':{'name':'read_a'}},"
                + "{'jsonrpc':'2.0','method':'notifications/cancelled','params':{'requestId':0}},"
                + "{'jsonrpc':'2.0','id':'r','result':{}}, {'id':null,'method':'ping'}]"));
        assertTrue(result.batch());
        assertEquals(
                List.of(
                        new JsonRpcMessage("tools/call", "1", "read_a", false, null),
                        new JsonRpcMessage("notifications/cancelled", null, null, false, null),
                        new JsonRpcMessage(null, "\"r\"", null, true, null),
                        new JsonRpcMessage("ping", "null", null, false, null)),
                result.messages());
    }

    @Test
    void shouldMarkABatchOfOneAsABatch() {
        SniffResult result = sniff(j("[{'id':1,'method':'ping'}]"));
        assertTrue(result.batch());
        assertEquals(1, result.messages().size());
    }

    @Test
    void shouldReadABatchOfFiveThousandRequests() {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 5000; i++) {
            body.append(i == 0 ? "" : ",")
                    .append(j("{'jsonrpc':'2.0','id':"))
                    .append(i)
                    .append(j(",'method':'tools/call','params':{'name':'tool_"))
                    .append(i)
                    .append("\"}}");
        }
        SniffResult result = sniff(body.append(']').toString());
        assertTrue(result.batch());
        assertEquals(5000, result.messages().size());
        assertEquals(
                new JsonRpcMessage("tools/call", "4999", "tool_4999", false, null),
                result.messages().get(4999));
    }

    @Test
    void shouldRejectTheWholeBatchWhenOneOfFiveThousandElementsIsNotAnObject() {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 5000; i++) {
            body.append(i == 0 ? "" : ",").append(i == 4321 ? "\"x\"" : j("{'id':1,'method':'ping'}"));
        }
        assertInvalidRequest(body.append(']').toString(), null);
    }

    @Test
    void shouldReturnAnUnmodifiableMessageList() {
        List<JsonRpcMessage> messages = sniff(CALL).messages();
        assertThrows(UnsupportedOperationException.class, () -> messages.add(null));
    }

    // ---------------------------------------------------------------- kinds of message

    @Test
    void shouldClassifyEveryMessageAsExactlyOneKind() {
        JsonRpcMessage request = single(CALL);
        JsonRpcMessage nullIdRequest = single(j("{'id':null,'method':'ping'}"));
        JsonRpcMessage notification = single(j("{'method':'notifications/cancelled','params':{'requestId':7}}"));
        JsonRpcMessage response = single(j("{'id':7,'result':{}}"));
        assertKinds(request, true, false, false);
        assertKinds(nullIdRequest, true, false, false);
        assertKinds(notification, false, true, false);
        assertKinds(response, false, false, true);
    }

    private static void assertKinds(JsonRpcMessage m, boolean request, boolean notification, boolean response) {
        assertEquals(request, m.isRequest(), "isRequest " + m);
        assertEquals(notification, m.isNotification(), "isNotification " + m);
        assertEquals(response, m.isResponse(), "isResponse " + m);
    }

    @Test
    void shouldNeverCallAMessageWithAMethodAResponse() {
        assertFalse(new JsonRpcMessage("tools/call", "1", null, true, null).isResponse());
    }

    // ---------------------------------------------------------------- depth

    @Test
    void shouldAcceptNestingAtTheLimit() {
        // the message object is level 1, params 2, arguments 3, so 997 arrays reach level 1000
        assertEquals("t", single(callWithArgument(nested(997))).toolName());
    }

    @Test
    void shouldRejectNestingOneBeyondTheLimitAsTooDeep() {
        JsonRpcException e = rejected(callWithArgument(nested(998)));
        assertEquals(JsonRpcErrors.PARSE_ERROR, e.code());
        assertEquals(JsonRpcErrors.TOO_DEEP, e.reason());
    }

    @Test
    void shouldCountTopLevelArraysAgainstTheLimit() {
        assertInvalidRequest(nested(1000), null); // deep enough to be valid JSON, not a request
        JsonRpcException e = rejected(nested(1001));
        assertEquals(JsonRpcErrors.PARSE_ERROR, e.code());
        assertEquals(JsonRpcErrors.TOO_DEEP, e.reason());
    }

    @Test
    void shouldCountObjectsAgainstTheLimit() {
        String deepObjects = "{\"a\":".repeat(997) + "1" + "}".repeat(997);
        assertEquals("t", single(callWithArgument(deepObjects)).toolName());
        assertEquals(
                JsonRpcErrors.TOO_DEEP,
                rejected(callWithArgument("{\"a\":" + deepObjects + "}")).reason());
    }

    @Test
    void shouldTrackObjectsAndArraysApartAtEveryLevel() {
        int pairs = 498; // 3 + 2 * 498 = 999 levels, then one more array
        String mixed = "{\"a\":[".repeat(pairs) + "[]" + "]}".repeat(pairs);
        assertEquals("t", single(callWithArgument(mixed)).toolName());
        for (int swapped : new int[] {0, 31, 32, 63, 64, 65, 200, pairs - 1}) {
            String closers = "]}".repeat(swapped) + "}]" + "]}".repeat(pairs - swapped - 1);
            assertParseError(callWithArgument("{\"a\":[".repeat(pairs) + "[]" + closers));
        }
    }

    @Test
    void shouldRejectTwoHundredThousandLevelsWithoutOverflowingTheStack() {
        String arrays = "[".repeat(200_000) + "]".repeat(200_000);
        String objects = "{\"a\":".repeat(200_000) + "1" + "}".repeat(200_000);
        for (String body : List.of(arrays, callWithArgument(arrays), callWithArgument(objects))) {
            JsonRpcException e = assertDoesNotThrowStackOverflow(body);
            assertEquals(JsonRpcErrors.TOO_DEEP, e.reason());
        }
    }

    @Test
    void shouldParseTwoHundredThousandLevelsWithoutRecursionWhenTheLimitAllowsIt() {
        JsonRpcSniffer generous = new JsonRpcSniffer(300_000);
        byte[] body = utf8(callWithArgument(nested(200_000)));
        assertEquals("t", generous.sniff(body, body.length).messages().get(0).toolName());
    }

    @Test
    void shouldHonourASmallConfiguredLimit() {
        JsonRpcSniffer shallow = new JsonRpcSniffer(2);
        byte[] ok = utf8(j("{'id':1,'method':'tools/call','params':{'name':'t'}}"));
        byte[] tooDeep = utf8(j("{'id':1,'method':'tools/call','params':{'name':'t','arguments':{}}}"));
        byte[] batch = utf8(j("[{'id':1,'method':'tools/call','params':{'name':'t'}}]"));
        assertEquals("t", shallow.sniff(ok, ok.length).messages().get(0).toolName());
        assertEquals(
                JsonRpcErrors.TOO_DEEP,
                assertThrows(JsonRpcException.class, () -> shallow.sniff(tooDeep, tooDeep.length))
                        .reason());
        assertEquals(
                JsonRpcErrors.TOO_DEEP,
                assertThrows(JsonRpcException.class, () -> shallow.sniff(batch, batch.length))
                        .reason());
    }

    private static JsonRpcException assertDoesNotThrowStackOverflow(String body) {
        try {
            sniff(body);
        } catch (JsonRpcException expected) {
            return expected;
        } catch (StackOverflowError e) {
            throw new AssertionError("the sniffer recursed", e);
        }
        throw new AssertionError("a too deep body was accepted");
    }

    private static String nested(int levels) {
        return "[".repeat(levels) + "]".repeat(levels);
    }

    // ---------------------------------------------------------------- empty bodies

    static Stream<Arguments> emptyBodies() {
        return Stream.of(
                Arguments.of("empty", ""),
                Arguments.of("one space", " "),
                Arguments.of("every JSON whitespace", " \t\n\r"),
                Arguments.of("many newlines", "\n".repeat(10_000)),
                Arguments.of("CRLF", "\r\n"),
                Arguments.of("NUL byte", "\u0000"));
    }

    @ParameterizedTest(name = "{0} body")
    @MethodSource("emptyBodies")
    void shouldRejectABodyWithoutAValueAsAParseError(String what, String body) {
        assertParseError(body);
    }

    @Test
    void shouldOnlyReadTheFirstLengthBytes() {
        byte[] buffer = new byte[1024];
        byte[] call = utf8(CALL);
        System.arraycopy(call, 0, buffer, 0, call.length);
        Arrays.fill(buffer, call.length, buffer.length, (byte) 'x');
        assertEquals(
                "read_file",
                SNIFFER.sniff(buffer, call.length).messages().get(0).toolName());
        assertThrows(JsonRpcException.class, () -> SNIFFER.sniff(buffer, call.length + 1));
        assertThrows(JsonRpcException.class, () -> SNIFFER.sniff(buffer, 0));
    }

    @Test
    void shouldRefuseALengthOutsideTheBuffer() {
        assertThrows(IndexOutOfBoundsException.class, () -> SNIFFER.sniff(new byte[2], 3));
        assertThrows(IndexOutOfBoundsException.class, () -> SNIFFER.sniff(new byte[2], -1));
        assertThrows(NullPointerException.class, () -> SNIFFER.sniff(null, 0));
    }

    @Test
    void shouldRefuseANonPositiveDepthLimitNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new JsonRpcSniffer(0));
        assertTrue(e.getMessage().contains("maxDepth") && e.getMessage().contains("0"), e.getMessage());
    }

    // ---------------------------------------------------------------- truncation

    static Stream<Arguments> truncationSources() {
        return Stream.of(
                Arguments.of("tools/call request", CALL),
                Arguments.of(
                        "request with escapes and UTF-8",
                        "{\"jsonrpc\":\"2.0\",\"id\":\"\\u0061é\",\"m\\u0065thod\":\"tools\\/call\","
                                + "\"params\":{\"name\":\"\\ud83d\\ude00😀\",\"arguments\":{\"n\":-1.5e-3,"
                                + "\"b\":[true,false,null]}}}"),
                Arguments.of(
                        "batch",
                        j("[{'id':1,'method':'ping'},{'method':'notifications/cancelled',"
                                + "'params':{'requestId':1}},{'id':2,'result':{'x':[1,2.0,3e1]}}]")),
                Arguments.of("request with trailing whitespace", CALL + " \n\t\r "),
                Arguments.of(
                        "response with an error",
                        j("{'jsonrpc':'2.0','id':-12.5E+2,'error':{'code':-32601,"
                                + "'message':'Method not found','data':null}}")));
    }

    @ParameterizedTest(name = "{0}: every prefix")
    @MethodSource("truncationSources")
    void shouldRejectEveryTruncationUnlessOnlyWhitespaceWasCut(String what, String json) {
        byte[] body = utf8(json);
        SniffResult whole = SNIFFER.sniff(body, body.length);
        int lastSignificant = json.stripTrailing().getBytes(StandardCharsets.UTF_8).length;
        for (int length = 0; length < body.length; length++) {
            int cut = length;
            if (length >= lastSignificant) {
                assertEquals(whole, SNIFFER.sniff(body, cut), "prefix of " + cut + " bytes");
            } else {
                JsonRpcException e = assertThrows(
                        JsonRpcException.class, () -> SNIFFER.sniff(body, cut), "prefix of " + cut + " bytes");
                assertEquals(JsonRpcErrors.PARSE_ERROR, e.code(), "prefix of " + cut + " bytes");
            }
        }
    }

    // ---------------------------------------------------------------- big bodies

    @Test
    void shouldSkipAHugeArgumentString() {
        String huge = "x".repeat(8 * 1024 * 1024);
        assertEquals("t", single(callWithArgument("\"" + huge + "\"")).toolName());
    }

    @Test
    void shouldReadAHugeToolName() {
        String huge = "é".repeat(1024 * 1024);
        assertEquals(
                huge,
                single(j("{'id':1,'method':'tools/call','params':{'name':'") + huge + "\"}}")
                        .toolName());
    }

    @Test
    void shouldRejectInvalidUtf8AtTheEndOfAHugeString() {
        byte[] body = concat(
                utf8(callWithArgument("\"" + "x".repeat(4 * 1024 * 1024)).replaceAll("\"}}}$", "")),
                bytes(0xC0, 0xAF),
                utf8("\"}}}"));
        assertEquals(JsonRpcErrors.INVALID_UTF8, rejected(body).reason());
    }

    @Test
    void shouldSkipAHugeArrayOfNumbers() {
        StringBuilder array = new StringBuilder("[");
        for (int i = 0; i < 200_000; i++) {
            array.append(i == 0 ? "" : ",").append(i % 2 == 0 ? "-1.5e-3" : "12345");
        }
        assertEquals("t", single(callWithArgument(array.append(']').toString())).toolName());
    }

    // ---------------------------------------------------------------- safety

    @Test
    void shouldNeverEchoBodyContentInTheExceptionMessage() {
        String secret = "sk-SECRET-9f8e7d";
        List<String> bodies = List.of(
                j("{'id':'") + secret + j("','method':'x',}"),
                j("{'id':1,'method':'") + secret + "\u0001\"}",
                j("{'") + secret + "':1",
                j("{'id':1,'method':'ping','method':'") + secret + "\"}",
                j("[{'id':1,'method':'ping'},'") + secret + "\"]",
                secret);
        for (String body : bodies) {
            JsonRpcException e = rejected(body);
            assertFalse(e.getMessage().contains(secret), e.getMessage());
            assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
        }
    }

    @Test
    void shouldBeSafeToShareBetweenThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<JsonRpcMessage>> tasks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String json = j("{'id':") + i + j(",'method':'tools/call','params':{'name':'t") + i + "\"}}";
                tasks.add(() -> single(json));
            }
            List<Future<JsonRpcMessage>> results = pool.invokeAll(tasks);
            for (int i = 0; i < results.size(); i++) {
                assertEquals(
                        new JsonRpcMessage("tools/call", String.valueOf(i), "t" + i, false, null),
                        results.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldNotFillAStackTraceForRejectedInput() {
        assertEquals(0, rejected("{").getStackTrace().length);
        assertNull(rejected("{").getCause());
        assertDoesNotThrow(() -> rejected("{").toString());
    }

    @Test
    void shouldReportTheSameMessagesForTheSameBytes() {
        assertArrayEquals(
                sniff(CALL).messages().toArray(), sniff(CALL).messages().toArray());
    }

    // ---------------------------------------------------------------- helpers

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
