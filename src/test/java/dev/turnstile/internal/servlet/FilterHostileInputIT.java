package dev.turnstile.internal.servlet;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.ThreadMXBean;
import dev.turnstile.internal.engine.Hashing;
import dev.turnstile.internal.engine.RedisTestServers;
import dev.turnstile.jsonrpc.JsonRpcErrors;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.HostAndPort;

/**
 * Hostile input, over real HTTP, to the filter (registered in web.xml) in front of
 * {@link RecordingServlet}, on real Redis. Every case proves, besides its own expectation: never
 * a 500; an error the filter writes is HTTP 200 {@code application/json} with a JSON-RPC 2.0
 * error object (documented code and reason, the request's own id when it had a parseable one, no
 * session id in clear); a rejected request never reaches the servlet; a guarded one carries its
 * mode attribute and reaches the servlet exactly once with its body intact; and afterwards Redis
 * holds no lock key under the prefix (only {@code :fence} records).
 *
 * <p>Ordinary requests go through {@link HttpClient}; what it refuses to send (invalid,
 * oversized or duplicated headers, short or chunked bodies, raw non-ASCII header bytes) goes
 * through a raw socket. Where Tomcat itself answers 400 before the filter runs, the case says so.
 * The 5000-request batch does not fit in 64 KiB, so it also runs against a second deployment
 * whose only difference is a 256 MiB body limit; that one also shows that a declared length is
 * not allocated before its bytes arrive.
 */
@ExtendWith(ArquillianExtension.class)
class FilterHostileInputIT {

    static final String PREFIX = "hostile" + Long.toHexString(System.nanoTime());
    private static final int LIMIT = 64 * 1024;
    private static final int ROOMY_LIMIT = 256 * 1024 * 1024;
    private static final String TURN = "X-Mcp-Turn-Id";
    private static final String T129 = "t".repeat(129);
    private static final String PING = "{\"id\":1,\"method\":\"ping\"}";
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final AtomicInteger SESSIONS = new AtomicInteger();

    @Deployment(name = "hostile", testable = false)
    static WebArchive deployment() {
        return TestWars.recorder(
                "hostile",
                TestWars.params(PREFIX, "turnstile.acquire-timeout", "2s", "turnstile.max-body-size", "64KiB"));
    }

    @Deployment(name = "roomy", testable = false)
    static WebArchive roomy() {
        return TestWars.recorder(
                "hostile-roomy",
                TestWars.params(
                        PREFIX,
                        "turnstile.acquire-timeout",
                        "2s",
                        "turnstile.max-body-size",
                        Integer.toString(ROOMY_LIMIT)));
    }

    @ArquillianResource
    @OperateOnDeployment("hostile")
    URL base;

    @ArquillianResource
    @OperateOnDeployment("roomy")
    URL roomyBase;

    private HostAndPort redis;

    @BeforeEach
    void redis() {
        redis = RedisTestServers.standalone();
    }

    // ================================================================== the cases

    static Stream<Arguments> truncatedToolCalls() {
        byte[] call = utf8(j("{'jsonrpc':'2.0','id':7,'method':'tools/call','params':{'name':'write_file',"
                + "'arguments':{'path':'/tmp/é😀','n':-1.5e3,'ok':true,'z':null,'s':'a\\'\\\\\\u00e9'}}}"));
        List<Arguments> cases = new ArrayList<>();
        cases.add(c("the untruncated tools/call is guarded as a write (control)", post(call), fwd("write")));
        for (int k = 0; k < call.length; k++) {
            byte[] prefix = java.util.Arrays.copyOf(call, k);
            boolean splitsCharacter = k < call.length && (call[k] & 0xC0) == 0x80;
            cases.add(c(
                    "truncated to " + k + "/" + call.length + " bytes, ending «" + tail(prefix) + "»"
                            + (splitsCharacter ? " (inside a UTF-8 character)" : ""),
                    post(prefix),
                    err(JsonRpcErrors.PARSE_ERROR, splitsCharacter ? JsonRpcErrors.INVALID_UTF8 : null, null)));
        }
        return cases.stream();
    }

    static Stream<Arguments> malformedJson() {
        String ok = j("{'id':1,'method':'tools/call','params':{'name':'write_x'}}");
        return Stream.of(
                parse("trailing comma in an object", j("{'id':1,'method':'tools/call',}")),
                parse("trailing comma in params", j("{'id':1,'method':'tools/call','params':{'name':'w',}}")),
                parse("trailing comma in a batch", "[" + ok + ",]"),
                parse("single-quoted strings", "{'id':1,'method':'tools/call'}"),
                parse("unquoted member name", j("{id:1,'method':'tools/call'}")),
                parse("block comment", j("{/* c */'id':1,'method':'tools/call'}")),
                parse("line comment", j("{'id':1,'method':'tools/call'}// c")),
                parse("NaN", j("{'id':NaN,'method':'tools/call'}")),
                parse("Infinity", j("{'id':-Infinity,'method':'tools/call'}")),
                parse("leading zero", j("{'id':07,'method':'tools/call'}")),
                parse("leading plus", j("{'id':+1,'method':'tools/call'}")),
                parse("hexadecimal number", j("{'id':0x1F,'method':'tools/call'}")),
                parse("fraction without integer part", j("{'id':.5,'method':'tools/call'}")),
                parse("fraction without digits", j("{'id':1.,'method':'tools/call'}")),
                parse("exponent without digits", j("{'id':1e,'method':'tools/call'}")),
                parse("unterminated string", j("{'id':1,'method':'tools/call}")),
                parse("raw newline in a string", j("{'id':1,'method':'tools/\ncall'}")),
                parse("raw tab in a string", j("{'id':1,'method':'tools/call','params':{'name':'w\tx'}}")),
                parse("raw NUL in a string", j("{'id':1,'method':'tools/call','params':{'name':'w\u0000'}}")),
                parse("invalid escape \\x", j("{'id':1,'method':'tools/call','params':{'name':'\\x41'}}")),
                parse("short \\u escape", j("{'id':1,'method':'tools/call','params':{'name':'\\u12'}}")),
                parse("non-hex \\u escape", j("{'id':1,'method':'tools\\uZZZZcall'}")),
                parse("lone high surrogate escape", j("{'id':1,'method':'tools/call','params':{'name':'w\\ud800'}}")),
                parse("lone low surrogate escape", j("{'id':1,'method':'tools/call','params':{'name':'w\\udc00'}}")),
                parse(
                        "high surrogate escape followed by a non-surrogate",
                        j("{'id':1,'method':'tools/call','params':{'name':'\\ud800\\u0041'}}")),
                parse(
                        "reversed surrogate escapes",
                        j("{'id':1,'method':'tools/call','params':{'name':'\\udc00\\ud800'}}")),
                parse("garbage after the object", ok + "x"),
                parse(
                        "two concatenated objects (a lenient parser reads only the first)",
                        j("{'id':1,'method':'ping'}") + ok),
                parse("an object closed by ]", j("{'id':1,'method':'tools/call']")),
                parse("a lone {", "{"),
                parse("a lone }", "}"),
                parse("a lone [", "["),
                parse("missing closing brace", j("{'id':1,'method':'tools/call','params':{'name':'w'}")),
                parse("missing colon", j("{'id' 1,'method':'tools/call'}")),
                parse("missing comma", j("{'id':1 'method':'tools/call'}")),
                parse("double comma", j("{'id':1,,'method':'tools/call'}")),
                parse("comma only", "{,}"),
                parse("number as member name", j("{1:2,'method':'tools/call'}")),
                parse("TRUE in capitals", j("{'id':1,'method':'tools/call','x':TRUE}")),
                parse("truncated literal nul", j("{'id':nul,'method':'tools/call'}")),
                parse("form feed is not JSON whitespace", "\f" + ok),
                parse("vertical tab is not JSON whitespace", ok.replace(",", ",\u000b")),
                parse("no-break space is not JSON whitespace", "\u00a0" + ok),
                parse("NUL byte after the object", bytes(ok, 0)),
                parse("NUL byte before the object", bytes(0, ok)),
                parse("byte 0xFF outside any string", bytes(ok.substring(0, ok.length() - 1), 0xFF, "}")),
                parse("UTF-8 byte order mark before a tools/call", bytes(0xEF, 0xBB, 0xBF, ok)),
                parse("the tools/call in UTF-16LE", ok.getBytes(java.nio.charset.StandardCharsets.UTF_16LE)),
                parse(
                        "the tools/call in UTF-16 with a byte order mark",
                        ok.getBytes(java.nio.charset.StandardCharsets.UTF_16)),
                parse("the tools/call in UTF-32BE", ok.getBytes(java.nio.charset.Charset.forName("UTF-32BE"))),
                c(
                        "raw DEL (0x7F) inside a string is valid JSON: guarded",
                        post(bytes(j("{'id':1,'method':'tools/call','params':{'name':'write_x"), 0x7F, "\"}}")),
                        fwd("write")),
                c(
                        "every JSON whitespace byte around every token: guarded",
                        post(" \t\r\n{ \t\r\n\"id\" \t\r\n: \t\r\n1 \t\r\n, \"method\"\n:\r\"tools/call\"\t,\"params\""
                                + ":{\"name\" : \"write_x\" } } \n\t\r "),
                        fwd("write")));
    }

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                utf8Case("overlong '/' (C0 AF)", 0xC0, 0xAF),
                utf8Case("overlong 'A' (C1 81)", 0xC1, 0x81),
                utf8Case("overlong three-byte '/' (E0 80 AF)", 0xE0, 0x80, 0xAF),
                utf8Case("overlong four-byte '/' (F0 80 80 AF)", 0xF0, 0x80, 0x80, 0xAF),
                utf8Case("overlong NUL (C0 80, modified UTF-8)", 0xC0, 0x80),
                utf8Case("encoded high surrogate U+D800 (ED A0 80)", 0xED, 0xA0, 0x80),
                utf8Case("encoded low surrogate U+DFFF (ED BF BF)", 0xED, 0xBF, 0xBF),
                utf8Case("CESU-8 surrogate pair (ED A0 BD ED B8 80)", 0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80),
                utf8Case("lone continuation byte 0x80", 0x80),
                utf8Case("lone continuation byte 0xBF", 0xBF),
                utf8Case("byte 0xFF", 0xFF),
                utf8Case("byte 0xFE", 0xFE),
                utf8Case("lead byte F5 (beyond Unicode)", 0xF5, 0x80, 0x80, 0x80),
                utf8Case("U+110000 (F4 90 80 80)", 0xF4, 0x90, 0x80, 0x80),
                utf8Case("five-byte form (F8 88 80 80 80)", 0xF8, 0x88, 0x80, 0x80, 0x80),
                utf8Case("two-byte lead without its continuation (C3 then ASCII)", 0xC3, 'x'),
                utf8Case("three-byte lead cut short (E2 82)", 0xE2, 0x82),
                utf8Case("four-byte lead cut short (F0 9F 98)", 0xF0, 0x9F, 0x98),
                c(
                        "invalid UTF-8 in a member name",
                        post(bytes("{\"id\":1,\"meth", 0xC0, 0xAF, "od\":\"tools/call\",\"method\":\"ping\"}")),
                        err(-32700, JsonRpcErrors.INVALID_UTF8, null)),
                c(
                        "invalid UTF-8 in the method",
                        post(bytes("{\"id\":1,\"method\":\"tools/call", 0xFF, "\"}")),
                        err(-32700, JsonRpcErrors.INVALID_UTF8, null)),
                c(
                        "invalid UTF-8 in a string id",
                        post(bytes("{\"id\":\"a", 0x80, "\",\"method\":\"tools/call\"}")),
                        err(-32700, JsonRpcErrors.INVALID_UTF8, null)),
                c(
                        "invalid UTF-8 deep inside skipped arguments",
                        post(bytes(
                                "{\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_x\",\"arguments\":{\"a\":[[\"",
                                0xED,
                                0xA0,
                                0x80,
                                "\"]]}}}")),
                        err(-32700, JsonRpcErrors.INVALID_UTF8, null)),
                c(
                        "invalid UTF-8 in a notification (would bypass) is still rejected",
                        post(bytes("{\"method\":\"notifications/message\",\"params\":{\"x\":\"", 0xC0, 0x80, "\"}}")),
                        err(-32700, JsonRpcErrors.INVALID_UTF8, null)),
                c(
                        "invalid UTF-8 in the second element of a batch",
                        post(bytes(
                                "[{\"id\":1,\"method\":\"ping\"},"
                                        + "{\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"w",
                                0xFF,
                                "\"}}]")),
                        err(-32700, JsonRpcErrors.INVALID_UTF8, null)),
                c(
                        "valid boundary characters U+0080, U+FFFF, U+10FFFF in the tool name: guarded",
                        post(bytes(
                                "{\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"write_",
                                0xC2,
                                0x80,
                                0xEF,
                                0xBF,
                                0xBF,
                                0xF4,
                                0x8F,
                                0xBF,
                                0xBF,
                                "\"}}")),
                        fwd("write")),
                c(
                        "non-ASCII read tool name keeps its read prefix",
                        post(j("{'id':1,'method':'tools/call'," + "'params':{'name':'get_fichier_é_😀'}}")),
                        fwd("read")));
    }

    static Stream<Arguments> deepNesting() {
        return Stream.of(
                c(
                        "nesting of exactly 1000 (the default limit) in arguments: guarded",
                        post(deepArguments("write_deep", 997)),
                        fwd("write")),
                c(
                        "nesting of 1001 in arguments: too deep",
                        post(deepArguments("write_deep", 998)),
                        err(-32700, JsonRpcErrors.TOO_DEEP, null)),
                c(
                        "alternating objects and arrays, 1000 deep, across bit-stack words: guarded read",
                        post(alternating("get_deep", 998)),
                        fwd("read")),
                c(
                        "alternating objects and arrays, 1001 deep: too deep",
                        post(alternating("get_deep", 999)),
                        err(-32700, JsonRpcErrors.TOO_DEEP, null)),
                c(
                        "50 000 unclosed [ (under the size limit): too deep, no recursion",
                        post("[".repeat(50_000)),
                        err(-32700, JsonRpcErrors.TOO_DEEP, null)),
                c(
                        "10 000 nested objects {\"a\": (50 000 bytes): too deep",
                        post("{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000)),
                        err(-32700, JsonRpcErrors.TOO_DEEP, null)),
                c(
                        "1001-deep array as the id: a parse error, not an invalid id",
                        post("{\"method\":\"tools/call\",\"id\":" + "[".repeat(1001) + "]".repeat(1001) + "}"),
                        err(-32700, JsonRpcErrors.TOO_DEEP, null)),
                c(
                        "1001-deep params of a notification (would bypass): still rejected",
                        post("{\"method\":\"notifications/x\",\"params\":" + "[".repeat(1000) + "]".repeat(1000) + "}"),
                        err(-32700, JsonRpcErrors.TOO_DEEP, null)),
                c(
                        "1001-deep batch element",
                        post("[" + "[".repeat(1000) + "]".repeat(1000) + "]"),
                        err(-32700, JsonRpcErrors.TOO_DEEP, null)));
    }

    static Stream<Arguments> bodySizes() {
        String small = j("{'id':1,'method':'tools/call','params':{'name':'write_x'}}");
        return Stream.of(
                c("exactly 64 KiB by Content-Length: guarded", post(padded(LIMIT)), fwd("write")),
                c("64 KiB + 1 by Content-Length: body_too_large", post(padded(LIMIT + 1)), tooLarge()),
                c("1 MiB by Content-Length: body_too_large", post(padded(1 << 20)), tooLarge()),
                c(
                        "exactly 64 KiB chunked (HttpClient, unknown length): guarded",
                        chunkedHttp(padded(LIMIT)),
                        fwd("write")),
                c(
                        "64 KiB + 1 chunked (HttpClient, unknown length): body_too_large",
                        chunkedHttp(padded(LIMIT + 1)),
                        tooLarge()),
                c(
                        "1 MiB chunked (HttpClient, unknown length): body_too_large",
                        chunkedHttp(padded(1 << 20)),
                        tooLarge()),
                c(
                        "64 KiB + 1 in one raw chunk: body_too_large",
                        raw(head("Transfer-Encoding: chunked"), chunked(padded(LIMIT + 1), LIMIT + 1), true),
                        tooLarge()),
                c(
                        "a tools/call in 1-byte raw chunks: guarded",
                        raw(head("Transfer-Encoding: chunked"), chunked(utf8(small), 1), true),
                        fwd("write").body(small)),
                c(
                        "Content-Length 10^12 with no body sent: body_too_large without reading",
                        raw(head("Content-Length: 1000000000000"), new byte[0], true),
                        tooLarge()),
                c(
                        "Content-Length Long.MAX_VALUE: body_too_large",
                        raw(head("Content-Length: " + Long.MAX_VALUE), new byte[0], true),
                        tooLarge()),
                c(
                        "Content-Length 2^63 (overflows a long): Tomcat answers 400",
                        raw(head("Content-Length: 9223372036854775808"), new byte[0], true),
                        http(400)),
                c(
                        "Expect: 100-continue with a declared 10 MiB body that never comes: body_too_large",
                        raw(head("Expect: 100-continue", "Content-Length: 10485760"), new byte[0], true),
                        tooLarge()),
                c("a batch of 5000 tools/call (over 64 KiB): body_too_large", post(batchOf(5000)), tooLarge()));
    }

    static Stream<Arguments> duplicateMembers() {
        return Stream.of(
                ambiguous("duplicate method, same value", "{'id':7,'method':'tools/call','method':'tools/call'}", "7"),
                ambiguous(
                        "duplicate method, ping then tools/call",
                        "{'id':7,'method':'ping','method':'tools/call'," + "'params':{'name':'write_x'}}",
                        "7"),
                ambiguous(
                        "duplicate method, tools/call then ping",
                        "{'id':7,'method':'tools/call','method':'ping'}",
                        "7"),
                ambiguous(
                        "method and escaped m\\u0065thod", "{'id':7,'method':'ping','m\\u0065thod':'tools/call'}", "7"),
                ambiguous(
                        "method and fully escaped \\u006d\\u0065\\u0074\\u0068\\u006f\\u0064",
                        "{'id':7,'\\u006d\\u0065\\u0074\\u0068\\u006f\\u0064':'tools/call','method':'ping'}",
                        "7"),
                c(
                        "'m\\/ethod' decodes to 'm/ethod', another member: not ambiguous, guarded",
                        post(j("{'id':7," + "'method':'tools/call','m\\/ethod':'ping','params':{'name':'write_x'}}")),
                        fwd("write")),
                ambiguous("duplicate method, the first not a string", "{'id':7,'method':1,'method':'tools/call'}", "7"),
                ambiguous(
                        "duplicate method, the second not a string",
                        "{'id':7,'method':'tools/call','method':null}",
                        "7"),
                ambiguous("duplicate id", "{'id':1,'id':2,'method':'tools/call'}", null),
                ambiguous("duplicate id, the first not a valid id", "{'id':true,'id':2,'method':'tools/call'}", null),
                ambiguous("id and escaped \\u0069d", "{'id':1,'\\u0069d':2,'method':'tools/call'}", null),
                ambiguous("duplicate id of different kinds", "{'id':'a','id':null,'method':'tools/call'}", null),
                ambiguous(
                        "duplicate params",
                        "{'id':7,'method':'tools/call','params':{'name':'get_x'}," + "'params':{'name':'write_x'}}",
                        "7"),
                ambiguous(
                        "params and escaped p\\u0061rams",
                        "{'id':7,'method':'tools/call','params':{'name':'get_x'},"
                                + "'p\\u0061rams':{'name':'write_x'}}",
                        "7"),
                ambiguous(
                        "duplicate params of different kinds",
                        "{'id':7,'method':'tools/call','params':null," + "'params':{'name':'write_x'}}",
                        "7"),
                ambiguous(
                        "duplicate params.name",
                        "{'id':7,'method':'tools/call','params':{'name':'get_x'," + "'name':'write_x'}}",
                        "7"),
                ambiguous(
                        "params.name and escaped n\\u0061me",
                        "{'id':7,'method':'tools/call','params':{'name':'get_x'," + "'n\\u0061me':'write_x'}}",
                        "7"),
                ambiguous(
                        "duplicate params.name, the first not a string",
                        "{'id':7,'method':'tools/call'," + "'params':{'name':1,'name':'write_x'}}",
                        "7"),
                ambiguous(
                        "duplicate method in a notification",
                        "{'method':'notifications/x','method':'tools/call'}",
                        null),
                ambiguous("a method and a result in one message", "{'id':7,'method':'tools/call','result':{}}", "7"),
                ambiguous(
                        "a method and an error in one message",
                        "{'id':7,'error':{'code':1,'message':'m'}," + "'method':'tools/call'}",
                        "7"),
                ambiguous(
                        "a duplicate in the second element of a batch",
                        "[{'id':1,'method':'ping'}," + "{'id':2,'method':'ping','method':'tools/call'}]",
                        null),
                c(
                        "duplicate jsonrpc members are not ambiguous for the guard: guarded",
                        post(
                                j(
                                        "{'jsonrpc':'2.0','jsonrpc':'1.0','id':7,'method':'tools/call','params':{'name':'write_x'}}")),
                        fwd("write")),
                c(
                        "duplicate name inside arguments does not count: guarded read",
                        post(j("{'id':7,'method':'tools/call',"
                                + "'params':{'name':'get_x','arguments':{'name':'a','name':'b'}}}")),
                        fwd("read")),
                c(
                        "a method member inside params does not count: bypass",
                        post(j("{'id':7,'params':{'method':'tools/call'}," + "'method':'ping'}")),
                        fwd(null)),
                c(
                        "'Method' is another member than 'method' (case-sensitive): guarded",
                        post(j("{'id':7," + "'Method':'ping','method':'tools/call','params':{'name':'write_x'}}")),
                        fwd("write")));
    }

    static Stream<Arguments> escapedNames() {
        return Stream.of(
                c(
                        "method tools\\/call is tools/call: guarded",
                        post(j("{'id':1,'method':'tools\\/call'," + "'params':{'name':'write_x'}}")),
                        fwd("write")),
                c(
                        "method tools\\u002fcall is tools/call: guarded",
                        post(j("{'id':1,'method':'tools\\u002fcall'," + "'params':{'name':'write_x'}}")),
                        fwd("write")),
                c(
                        "method \\u0074ools/call is tools/call: guarded",
                        post(j("{'id':1,'method':'\\u0074ools/call'," + "'params':{'name':'write_x'}}")),
                        fwd("write")),
                c(
                        "method \\u0074ools/call without params is a tools/call: invalid_params",
                        post(j("{'id':1,'method':'\\u0074ools/call'}")),
                        badParams("1")),
                c(
                        "member m\\u0065thod is method: guarded",
                        post(j("{'id':1,'m\\u0065thod':'tools/call'," + "'params':{'name':'write_x'}}")),
                        fwd("write")),
                c(
                        "member \\u0069d is id: guarded",
                        post(j("{'\\u0069d':1,'method':'tools/call'," + "'params':{'name':'write_x'}}")),
                        fwd("write")),
                c(
                        "member p\\u0061rams is params: its name classifies (read)",
                        post(j("{'id':1,'method':'tools/call'," + "'p\\u0061rams':{'name':'list_x'}}")),
                        fwd("read")),
                c(
                        "member n\\u0061me is name: read",
                        post(j("{'id':1,'method':'tools/call'," + "'params':{'n\\u0061me':'read_file'}}")),
                        fwd("read")),
                c(
                        "tool get\\u005fitem is get_item: read",
                        post(j("{'id':1,'method':'tools/call'," + "'params':{'name':'get\\u005fitem'}}")),
                        fwd("read")),
                c(
                        "tool \\u0067et_item escaped first letter: read",
                        post(j("{'id':1,'method':'tools/call'," + "'params':{'name':'\\u0067et_item'}}")),
                        fwd("read")),
                c(
                        "tool name with a surrogate-pair escape: write",
                        post(j("{'id':1,'method':'tools/call'," + "'params':{'name':'\\ud83d\\ude00'}}")),
                        fwd("write")),
                c(
                        "tools/call with a name of one space is an unknown tool: write",
                        post(j("{'id':1," + "'method':'tools/call','params':{'name':' '}}")),
                        fwd("write")),
                c(
                        "tools/call with the bare prefix get_ is a write",
                        post(j("{'id':1,'method':'tools/call'," + "'params':{'name':'get_'}}")),
                        fwd("write")),
                c(
                        "GET_X is not the get_ prefix (case-sensitive): write",
                        post(j("{'id':1,'method':'tools/call'," + "'params':{'name':'GET_X'}}")),
                        fwd("write")),
                c(
                        "'tools/call ' with a trailing space is another method: bypass",
                        post(j("{'id':1," + "'method':'tools/call '}")),
                        fwd(null)),
                c("'Tools/Call' is another method: bypass", post(j("{'id':1,'method':'Tools/Call'}")), fwd(null)),
                c(
                        "'tools/call\\u0000' is another method: bypass",
                        post(j("{'id':1,'method':'tools/call\\u0000'}")),
                        fwd(null)));
    }

    static Stream<Arguments> unclassifiableToolCalls() {
        String call = "{'jsonrpc':'2.0','id':21,'method':'tools/call'";
        return Stream.of(
                unclassifiable("without params", call + "}"),
                unclassifiable("with params null", call + ",'params':null}"),
                unclassifiable("with params an array", call + ",'params':['get_x']}"),
                unclassifiable("with params a string", call + ",'params':'get_x'}"),
                unclassifiable("with params a number", call + ",'params':0}"),
                unclassifiable("with params false", call + ",'params':false}"),
                unclassifiable("with empty params (no name)", call + ",'params':{}}"),
                unclassifiable("with a name only inside arguments", call + ",'params':{'arguments':{'name':'get_x'}}}"),
                unclassifiable("with name null", call + ",'params':{'name':null}}"),
                unclassifiable("with name a number", call + ",'params':{'name':5}}"),
                unclassifiable("with name true", call + ",'params':{'name':true}}"),
                unclassifiable("with name an object", call + ",'params':{'name':{'name':'get_x'}}}"),
                unclassifiable("with name an array", call + ",'params':{'name':['get_x']}}"),
                unclassifiable("with an empty name", call + ",'params':{'name':''}}"),
                unclassifiable("with arguments null", call + ",'params':{'name':'write_x','arguments':null}}"),
                unclassifiable("with arguments an array", call + ",'params':{'name':'write_x','arguments':[]}}"),
                unclassifiable("with arguments a string", call + ",'params':{'name':'write_x','arguments':'{}'}}"),
                unclassifiable("with arguments a number", call + ",'params':{'arguments':1,'name':'write_x'}}"),
                unclassifiable("with arguments false", call + ",'params':{'name':'write_x','arguments':false}}"),
                unclassifiable(
                        "with arguments escaped as \\u0061rguments, a number",
                        call + ",'params':{'name':'write_x','\\u0061rguments':1}}"),
                unclassifiable(
                        "with arguments twice, the second not an object",
                        call + ",'params':{'name':'write_x','arguments':{},'arguments':7}}"),
                unclassifiable("with _meta null", call + ",'params':{'name':'write_x','_meta':null}}"),
                unclassifiable("with _meta an array", call + ",'params':{'_meta':[],'name':'write_x'}}"),
                unclassifiable("with _meta a string", call + ",'params':{'name':'write_x','_meta':'t'}}"),
                unclassifiable(
                        "with _meta escaped as \\u005fmeta, a number",
                        call + ",'params':{'name':'write_x','\\u005fmeta':1}}"),
                unclassifiable(
                        "of a read tool with arguments null (not forwarded as a read)",
                        call + ",'params':{'name':'get_x','arguments':null}}"),
                c(
                        "tools/call with the method after bad params: invalid_params",
                        post(j("{'id':21,'params':" + "{'name':''},'method':'tools/call'}")),
                        badParams("21")),
                c(
                        "tools/call with a string id and params null: the error echoes the id",
                        post(j("{'id':'call-7'," + "'method':'tools/call','params':null}")),
                        badParams("\"call-7\"")),
                c(
                        "tools/call with a null id and no params: the error echoes the null id",
                        post(j("{'id':null," + "'method':'tools/call'}")),
                        badParams("null")),
                c(
                        "tools/call with object arguments and _meta: guarded (control)",
                        post(j(call + ",'params':{'name':"
                                + "'write_x','arguments':{'a':null},'_meta':{'progressToken':1},'other':null}}")),
                        fwd("write")),
                c(
                        "tools/call with params null and an invalid turn id: the body is judged first, invalid_params",
                        post(j(call + ",'params':null}"), TURN, T129),
                        badParams("21")),
                c(
                        "tools/call with params null and two session ids: the body is judged first, invalid_params",
                        raw(head("Mcp-Session-Id: {S}-other"), utf8(j(call + ",'params':null}")), true),
                        badParams("21")),
                ambiguous(
                        "a duplicate params.name wins over null arguments",
                        call + ",'params':{'arguments':null,'name':'a','name':'b'}}",
                        "21"),
                ambiguous(
                        "duplicate params, one of them null: ambiguity wins",
                        call + ",'params':null," + "'params':{'name':'write_x'}}",
                        "21"),
                invalid(
                        "an id that is true wins over params null",
                        "{\"id\":true,\"method\":\"tools/call\"," + "\"params\":null}",
                        null),
                c(
                        "a tools/call notification with params null is a notification: passes unguarded",
                        post(j("{'jsonrpc':'2.0','method':'tools/call','params':null}")),
                        fwd(null)),
                c(
                        "resources/read with params null: other methods are not checked, bypass",
                        post(j("{'id':1," + "'method':'resources/read','params':null}")),
                        fwd(null)),
                c("ping with params an array: bypass", post(j("{'id':1,'method':'ping','params':[]}")), fwd(null)),
                c(
                        "a batch with one unclassifiable tools/call: invalid_params for every request, each with its own "
                                + "id, nothing forwarded",
                        post(j("[{'id':1,'method':'tools/call','params':{'name':'get_a'}},"
                                + "{'id':'two','method':'tools/call','params':{'name':'write_x','arguments':[]}},"
                                + "{'method':'notifications/x'},{'id':3,'method':'ping'},{'id':4,'result':{}}]")),
                        batchErr(
                                JsonRpcErrors.INVALID_PARAMS,
                                JsonRpcErrors.INVALID_PARAMS_REASON,
                                "1",
                                "\"two\"",
                                "3")),
                c(
                        "a batch of one tools/call without params: invalid_params with its id",
                        post(j("[{'id':9,'method':'tools/call'}]")),
                        batchErr(JsonRpcErrors.INVALID_PARAMS, JsonRpcErrors.INVALID_PARAMS_REASON, "9")),
                invalid(
                        "a batch with a number element and a tools/call without params: the invalid request wins",
                        j("[{'id':1,'method':'tools/call'},5]"),
                        null));
    }

    static Stream<Arguments> notJsonRpcObjects() {
        return Stream.of(
                invalid("a number", "42", null),
                invalid("a negative exponent number", "-1.5e10", null),
                invalid("a string", "\"tools/call\"", null),
                invalid("a string holding a request", "\"{\\\"id\\\":1,\\\"method\\\":\\\"tools/call\\\"}\"", null),
                invalid("true", "true", null),
                invalid("false", "false", null),
                invalid("null", "null", null),
                invalid("an empty object", "{}", null),
                invalid("only jsonrpc", j("{'jsonrpc':'2.0'}"), null),
                invalid("an id without method, result or error", j("{'id':1}"), "1"),
                invalid("a method that is a number", j("{'id':1,'method':42}"), "1"),
                invalid("a method that is null", j("{'id':1,'method':null}"), "1"),
                invalid("a method that is an object", j("{'id':1,'method':{'name':'tools/call'}}"), "1"),
                invalid("an id that is true", j("{'id':true,'method':'tools/call'}"), null),
                invalid("an id that is an object", j("{'id':{},'method':'tools/call'}"), null),
                invalid("an id that is an array", j("{'id':[1],'method':'tools/call'}"), null),
                invalid("'Method' only (case-sensitive)", j("{'id':1,'Method':'tools/call'}"), "1"),
                parse("an empty body", ""),
                parse("a whitespace-only body", " \r\n\t "),
                c(
                        "an empty raw POST without Content-Length",
                        raw(
                                "POST {P} HTTP/1.1\r\nHost: {H}\r\nConnection: close\r\n"
                                        + "Mcp-Session-Id: {S}\r\n\r\n",
                                new byte[0],
                                true),
                        err(-32700, null, null)));
    }

    static Stream<Arguments> batches() {
        String read1 = j("{'jsonrpc':'2.0','id':1,'method':'tools/call','params':{'name':'get_a'}}");
        String read2 = j("{'jsonrpc':'2.0','id':'two','method':'tools/call','params':{'name':'list_b'}}");
        String read3 = j("{'jsonrpc':'2.0','id':3,'method':'tools/call','params':{'name':'read_c'}}");
        String write = j("{'jsonrpc':'2.0','id':4,'method':'tools/call','params':{'name':'delete_d'}}");
        return Stream.of(
                c(
                        "a batch of three reads: forwarded once, read",
                        post("[" + read1 + "," + read2 + "," + read3 + "]"),
                        fwd("read")),
                c(
                        "a batch of reads and a write: write",
                        post("[" + read1 + "," + write + "," + read3 + "]"),
                        fwd("write")),
                c("a batch of one write: write", post("[" + write + "]"), fwd("write")),
                c(
                        "a batch of notifications only: not guarded",
                        post(j("[{'method':'notifications/initialized'},"
                                + "{'method':'notifications/cancelled','params':{'requestId':1}}]")),
                        fwd(null)),
                c(
                        "a batch of ping and initialize: not guarded",
                        post(j("[{'id':1,'method':'ping'}," + "{'id':2,'method':'initialize','params':{}}]")),
                        fwd(null)),
                c(
                        "a batch of responses: not guarded",
                        post(j("[{'id':1,'result':{}},{'id':2,'error':{'code':1," + "'message':'x'}}]")),
                        fwd(null)),
                c(
                        "a batch of a response and a read: read",
                        post(j("[{'id':1,'result':{}},") + read1 + "]"),
                        fwd("read")),
                c(
                        "a batch with a tools/call notification and a read: read (the notification does not count)",
                        post(j("[{'method':'tools/call','params':{'name':'write_x'}},") + read1 + "]"),
                        fwd("read")),
                invalid("a batch with a number element", "[" + read1 + ",1]", null),
                invalid("a batch with a string element", "[\"x\"," + read1 + "]", null),
                invalid("a batch with a null element", "[" + read1 + ",null]", null),
                invalid("a batch with a nested batch", "[[" + read1 + "]]", null),
                invalid("a batch with an empty object", "[" + read1 + ",{}]", null),
                invalid("an empty batch []", "[]", null),
                invalid("an empty batch with whitespace [ \\n ]", "[ \n ]", null),
                c(
                        "a batch with an invalid turn id: one error per request, each with its own id (none for the "
                                + "notification)",
                        post(
                                j(
                                        "[{'id':1,'method':'tools/call','params':{'name':'w'}},"
                                                + "{'method':'notifications/x'},"
                                                + "{'id':'b','method':'tools/call','params':{'name':'get_x'}},{'id':null,'method':'ping'}]"),
                                TURN,
                                T129),
                        batchErr(-32600, JsonRpcErrors.INVALID_TURN_ID, "1", "\"b\"", "null")));
    }

    static Stream<Arguments> idsEchoedBack() {
        return Stream.of(
                echo("a string id with every escape", "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u0041\\ud83d\\ude00\""),
                echo("a string id with raw non-ASCII", "\"é😀\u4e2d\""),
                echo("an empty string id", "\"\""),
                echo("a 10 000-character string id", "\"" + "i".repeat(10_000) + "\""),
                echo("a zero id", "0"),
                echo("a negative zero id", "-0"),
                echo("a number id with exponent", "1.5E+300"),
                echo("a negative fractional id", "-12.75e-3"),
                echo("a 30-digit integer id", "123456789012345678901234567890"),
                echo("a null id (a request, not a notification)", "null"),
                c(
                        "two session ids on a guarded call: ambiguous_request with its own id",
                        raw(
                                head("Mcp-Session-Id: {S}-other"),
                                utf8(j("{'id':'dup-s','method':'tools/call'," + "'params':{'name':'write_x'}}")),
                                true),
                        err(-32600, JsonRpcErrors.AMBIGUOUS_REQUEST, "\"dup-s\"")));
    }

    static Stream<Arguments> turnHeaders() {
        String call = j("{'id':5,'method':'tools/call','params':{'name':'write_x'}}");
        return Stream.of(
                c("a turn id of 128 visible characters: guarded", post(call, TURN, "t".repeat(128)), fwd("write")),
                c("a turn id of 129 characters: invalid_turn_id", post(call, TURN, T129), badTurn("5")),
                c(
                        "a turn id of 129 characters on a read: invalid_turn_id",
                        post(j("{'id':5,'method':'tools/call'," + "'params':{'name':'get_x'}}"), TURN, T129),
                        badTurn("5")),
                c("a turn id of 4000 characters: invalid_turn_id", post(call, TURN, "t".repeat(4000)), badTurn("5")),
                c(
                        "a turn id with every visible ASCII character: guarded",
                        post(call, TURN, visibleAscii()),
                        fwd("write")),
                c("a turn id 'a,b' is one opaque value: guarded", post(call, TURN, "a,b"), fwd("write")),
                c("a turn id with a space inside: invalid_turn_id", post(call, TURN, "a b"), badTurn("5")),
                c("an empty turn header: invalid_turn_id", raw(head(TURN + ":"), utf8(call), true), badTurn("5")),
                c(
                        "a turn header of spaces only (trimmed to empty): invalid_turn_id",
                        raw(head(TURN + ":    "), utf8(call), true),
                        badTurn("5")),
                c(
                        "leading and trailing spaces are trimmed by Tomcat: guarded",
                        raw(head(TURN + ":   abc   "), utf8(call), true),
                        fwd("write").body(call)),
                c(
                        "a tab inside the turn id (HTAB is legal in a header): invalid_turn_id",
                        raw(head(TURN + ": a\tb"), utf8(call), true),
                        badTurn("5")),
                c(
                        "a bare CR inside the turn header: Tomcat answers 400",
                        raw(head(TURN + ": a\rb"), utf8(call), true),
                        http(400)),
                c(
                        "a bare LF inside the turn header: Tomcat answers 400",
                        raw(head(TURN + ": a\nb"), utf8(call), true),
                        http(400)),
                c(
                        "CRLF in the turn value injects a second turn header: invalid_turn_id",
                        raw(head(TURN + ": a\r\n" + TURN + ": b"), utf8(call), true),
                        badTurn("5")),
                c(
                        "a NUL inside the turn header: Tomcat answers 400",
                        raw(head(TURN + ": a\u0000b"), utf8(call), true),
                        http(400)),
                c(
                        "a 0x01 control inside the turn header: Tomcat answers 400",
                        raw(head(TURN + ": a\u0001b"), utf8(call), true),
                        http(400)),
                c(
                        "a DEL (0x7F) inside the turn header: Tomcat answers 400",
                        raw(head(TURN + ": a\u007fb"), utf8(call), true),
                        http(400)),
                c(
                        "a non-ASCII (UTF-8 ü) turn header: invalid_turn_id",
                        raw(head(TURN + ": t\u00c3\u00bcr"), utf8(call), true),
                        badTurn("5")),
                c(
                        "a 0xFF byte in the turn header: invalid_turn_id",
                        raw(head(TURN + ": a\u00ffb"), utf8(call), true),
                        badTurn("5")),
                c(
                        "two turn headers: invalid_turn_id",
                        raw(head(TURN + ": a", TURN + ": b"), utf8(call), true),
                        badTurn("5")),
                c(
                        "two equal turn headers: invalid_turn_id",
                        raw(head(TURN + ": a", TURN + ": a"), utf8(call), true),
                        badTurn("5")),
                c(
                        "two turn headers spelled in different case: invalid_turn_id",
                        raw(head("x-mcp-turn-id: a", "X-MCP-TURN-ID: b"), utf8(call), true),
                        badTurn("5")),
                c(
                        "a folded (obs-fold) turn header: Tomcat unfolds it to 'a b', invalid_turn_id",
                        raw(head(TURN + ": a", " b"), utf8(call), true),
                        badTurn("5")),
                c(
                        "a turn header of 9000 characters (over Tomcat's header limit): Tomcat answers 400",
                        raw(head(TURN + ": " + "t".repeat(9000)), utf8(call), true),
                        http(400)),
                c(
                        "an invalid turn id on a bypass call (ping) is not looked at: forwarded unguarded",
                        post(j("{'id':5,'method':'ping'}"), TURN, T129),
                        fwd(null)),
                c(
                        "an invalid turn id on a notification is not looked at: forwarded unguarded",
                        post(j("{'method':'notifications/cancelled','params':{'requestId':5}}"), TURN, T129),
                        fwd(null)));
    }

    static Stream<Arguments> sessionHeaders() {
        String call = j("{'id':9,'method':'tools/call','params':{'name':'write_x'}}");
        return Stream.of(
                c("a POST without a session id passes unguarded", exchange(call, false), fwd(null)),
                c(
                        "an empty session id passes unguarded",
                        raw(
                                "POST {P} HTTP/1.1\r\nHost: {H}\r\nConnection: close\r\n"
                                        + "Mcp-Session-Id:\r\nContent-Length: " + call.length() + "\r\n\r\n",
                                utf8(call),
                                true),
                        fwd(null).body(call)),
                c(
                        "a whitespace session id (trimmed to empty) passes unguarded",
                        raw(
                                "POST {P} HTTP/1.1\r\nHost: {H}\r\n"
                                        + "Connection: close\r\nMcp-Session-Id:    \r\nContent-Length: " + call.length()
                                        + "\r\n\r\n",
                                utf8(call),
                                true),
                        fwd(null).body(call)),
                c(
                        "two session ids: ambiguous_request",
                        raw(head("Mcp-Session-Id: other"), utf8(call), true),
                        err(-32600, JsonRpcErrors.AMBIGUOUS_REQUEST, "9")),
                c(
                        "two session ids spelled in different case: ambiguous_request",
                        raw(head("mcp-session-id: other"), utf8(call), true),
                        err(-32600, JsonRpcErrors.AMBIGUOUS_REQUEST, "9")),
                c(
                        "two equal session ids: ambiguous_request",
                        raw(head("Mcp-Session-Id: {S}"), utf8(call), true),
                        err(-32600, JsonRpcErrors.AMBIGUOUS_REQUEST, "9")),
                c(
                        "an empty and a real session id: ambiguous_request",
                        raw(head("Mcp-Session-Id:"), utf8(call), true),
                        err(-32600, JsonRpcErrors.AMBIGUOUS_REQUEST, "9")),
                c(
                        "two session ids on a bypass call (ping): forwarded untouched",
                        raw(head("Mcp-Session-Id: other"), utf8(j("{'id':9,'method':'ping'}")), true),
                        fwd(null).body(j("{'id':9,'method':'ping'}"))),
                c("a 6000-character session id: guarded", post(call).session("s".repeat(6000)), fwd("write")),
                c(
                        "a session id over Tomcat's 8 KiB header limit: Tomcat answers 400",
                        raw(head(), utf8(call), true).session("s".repeat(9000)),
                        http(400)),
                c(
                        "a session id made for key injection ('}:*{' and spaces): guarded, hashed",
                        post(call).session("a}:fence {b} * ?x" + UUID.randomUUID()),
                        fwd("write")),
                c(
                        "a session id of raw non-ASCII bytes: guarded",
                        raw(head(), utf8(call), true).session("s\u00c3\u00a9\u00ff" + UUID.randomUUID()),
                        fwd("write").body(call)),
                c(
                        "a session id with a 0x01 control: Tomcat answers 400",
                        raw(head(), utf8(call), true).session("s\u0001" + UUID.randomUUID()),
                        http(400)));
    }

    static Stream<Arguments> otherMethods() {
        String call = j("{'id':3,'method':'tools/call','params':{'name':'write_x'}}");
        return Stream.of(
                c(
                        "GET with a session (the SSE stream) passes untouched to the servlet (405)",
                        method("GET", null),
                        http(405)),
                c("GET with a tools/call body passes untouched (405)", method("GET", call), http(405)),
                c("DELETE with a session passes untouched (405)", method("DELETE", null), http(405)),
                c("OPTIONS passes untouched (200 from HttpServlet)", method("OPTIONS", null), http(200)),
                c("HEAD passes untouched (405)", method("HEAD", null), http(405)),
                c("PUT with a tools/call body is not guarded (405)", method("PUT", call), http(405)),
                c(
                        "lowercase 'post' is another method (the filter passes it, HttpServlet answers 501)",
                        raw(head().replace("POST ", "post "), utf8(call), true),
                        http(501)),
                c(
                        "TRACE is refused by Tomcat (405)",
                        raw(head().replace("POST ", "TRACE "), new byte[0], true),
                        http(405)));
    }

    static Stream<Arguments> notificationsAndResponses() {
        return Stream.of(
                c(
                        "notifications/initialized passes unguarded",
                        post(j("{'jsonrpc':'2.0','method':" + "'notifications/initialized'}")),
                        fwd(null)),
                c(
                        "notifications/cancelled passes unguarded",
                        post(j("{'jsonrpc':'2.0','method':'notifications/cancelled',"
                                + "'params':{'requestId':7,'reason':'user'}}")),
                        fwd(null)),
                c(
                        "a tools/call without an id is a notification: unguarded",
                        post(j("{'jsonrpc':'2.0'," + "'method':'tools/call','params':{'name':'write_x'}}")),
                        fwd(null)),
                c(
                        "a response with a result passes unguarded",
                        post(j("{'jsonrpc':'2.0','id':5,'result':{'action':" + "'accept'}}")),
                        fwd(null)),
                c(
                        "a response with an error passes unguarded",
                        post(j("{'jsonrpc':'2.0','id':'s-1','error':{'code':" + "-1,'message':'no'}}")),
                        fwd(null)),
                c("a response whose result is null passes unguarded", post(j("{'id':5,'result':null}")), fwd(null)),
                c(
                        "an error response with a null id passes unguarded",
                        post(j("{'id':null,'error':{'code':-32700," + "'message':'x'}}")),
                        fwd(null)),
                c(
                        "a response with a repeated result passes unguarded",
                        post(j("{'id':5,'result':1,'result':2}")),
                        fwd(null)),
                c(
                        "initialize with a session bypasses",
                        post(j("{'id':1,'method':'initialize','params':{}}")),
                        fwd(null)),
                c("ping bypasses", post(j("{'id':1,'method':'ping'}")), fwd(null)),
                c(
                        "resources/read bypasses by default",
                        post(j("{'id':1,'method':'resources/read','params':" + "{'uri':'file:///x'}}")),
                        fwd(null)),
                ambiguous("a response with a duplicate id is rejected", "{'id':1,'id':2,'result':{}}", null));
    }

    static Stream<Arguments> httpFraming() {
        String call = j("{'id':11,'method':'tools/call','params':{'name':'write_x'}}");
        byte[] body = utf8(call);
        return Stream.of(
                c(
                        "a raw tools/call with Content-Length: guarded (control)",
                        raw(head(), body, true),
                        fwd("write").body(call)),
                c(
                        "a body shorter than its Content-Length, then EOF: Tomcat's read fails and Tomcat answers 400 "
                                + "(the filter's own -32700 is discarded), not forwarded",
                        raw(head("Content-Length: " + (body.length + 20)), body, true),
                        http(400)),
                c(
                        "a body longer than its Content-Length: only the declared part is read (a truncated call)",
                        raw(head("Content-Length: " + (body.length - 1)), body, true),
                        err(-32700, null, null)),
                c(
                        "a body longer than its Content-Length on a kept-alive connection: a complete ping, then the rest "
                                + "(a tools/call) parsed as the next request line (Tomcat answers 400 to it): not forwarded",
                        raw(
                                head("Content-Length: " + PING.length()).replace("Connection: close\r\n", ""),
                                utf8(PING + call),
                                true),
                        fwd(null).body(PING)),
                c(
                        "chunked tools/call: guarded",
                        raw(head("Transfer-Encoding: chunked"), chunked(body, 16), true),
                        fwd("write").body(call)),
                c(
                        "chunked with chunk extensions: guarded",
                        raw(
                                head("Transfer-Encoding: chunked"),
                                bytes(Integer.toHexString(body.length) + ";ext=1;q=\"v\"\r\n", body, "\r\n0\r\n\r\n"),
                                true),
                        fwd("write").body(call)),
                c(
                        "chunked with a trailer: guarded",
                        raw(
                                head("Transfer-Encoding: chunked"),
                                bytes(Integer.toHexString(body.length) + "\r\n", body, "\r\n0\r\nX-Trailer: t\r\n\r\n"),
                                true),
                        fwd("write").body(call)),
                c(
                        "chunked with an invalid chunk size: Tomcat's read fails, Tomcat answers 400, not forwarded",
                        raw(head("Transfer-Encoding: chunked"), bytes("zz\r\n", body, "\r\n0\r\n\r\n"), true),
                        http(400)),
                c(
                        "chunked without the last chunk, then EOF: Tomcat answers 400, not forwarded",
                        raw(
                                head("Transfer-Encoding: chunked"),
                                bytes(Integer.toHexString(body.length) + "\r\n", body, "\r\n"),
                                true),
                        http(400)),
                c(
                        "chunked with a chunk longer than the data, then EOF: Tomcat answers 400, not forwarded",
                        raw(head("Transfer-Encoding: chunked"), bytes("ff\r\n", body), true),
                        http(400)),
                c(
                        "Content-Length and Transfer-Encoding together: Tomcat reads the chunked body, the filter sniffs "
                                + "the same bytes it replays: guarded",
                        raw(
                                head("Transfer-Encoding: chunked", "Content-Length: " + body.length),
                                chunked(body, 8),
                                true),
                        fwd("write").body(call)),
                c(
                        "HTTP/1.0 without Content-Length: the body is not read (empty), parse error",
                        raw("POST {P} HTTP/1.0\r\nHost: {H}\r\nMcp-Session-Id: {S}\r\n\r\n", body, true),
                        err(-32700, null, null)),
                c(
                        "Expect: 100-continue with a small body: guarded (the interim 100 is skipped)",
                        raw(head("Expect: 100-continue"), body, true),
                        fwd("write").body(call)),
                c(
                        "an h2c upgrade request is served as HTTP/1.1: guarded",
                        raw(
                                head(
                                        "Upgrade: h2c",
                                        "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA",
                                        "Connection: Upgrade, HTTP2-Settings"),
                                body,
                                true),
                        fwd("write").body(call)),
                c(
                        "no Host header in HTTP/1.1: Tomcat answers 400",
                        raw(head().replace("Host: {H}\r\n", ""), body, true),
                        http(400)),
                c("two Host headers: Tomcat answers 400", raw(head("Host: {H}"), body, true), http(400)),
                c(
                        "a 9000-character query string (over the header limit): Tomcat answers 400",
                        raw(head().replace("POST {P}", "POST {P}?q=" + "q".repeat(9000)), body, true),
                        http(400)),
                c(
                        "Content-Encoding gzip: the compressed bytes are not JSON, parse error",
                        raw(head("Content-Encoding: gzip"), gzip(body), true),
                        err(-32700, null, null)),
                c(
                        "a form content type does not matter, the body is replayed intact: guarded",
                        raw(
                                head("Content-Type: application/x-www-form-urlencoded")
                                        .replace("Content-Type: application/json\r\n", ""),
                                body,
                                true),
                        fwd("write").body(call)),
                c(
                        "a percent-encoded path (/%6dcp) is /mcp: guarded",
                        raw(head().replace("POST {P}", "POST {C}/%6dcp"), body, true),
                        fwd("write").body(call)),
                c(
                        "a trailing slash (/mcp/): guarded",
                        raw(head().replace("POST {P}", "POST {P}/"), body, true),
                        fwd("write").body(call)),
                c(
                        "two equal Content-Length headers: Tomcat answers 400",
                        raw(head("Content-Length: " + body.length, "Content-Length: " + body.length), body, true),
                        http(400)),
                c(
                        "two different Content-Length headers: Tomcat answers 400",
                        raw(head("Content-Length: " + body.length, "Content-Length: 3"), body, true),
                        http(400)),
                c(
                        "a non-numeric Content-Length: Tomcat answers 400",
                        raw(head("Content-Length: abc"), body, true),
                        http(400)),
                c(
                        "a negative Content-Length: Tomcat answers 400",
                        raw(head("Content-Length: -5"), body, true),
                        http(400)),
                c(
                        "Transfer-Encoding gzip, chunked: Tomcat answers 501",
                        raw(head("Transfer-Encoding: gzip, chunked"), chunked(body, 8), true),
                        http(501)),
                c(
                        "Transfer-Encoding identity: Tomcat answers 501",
                        raw(head("Transfer-Encoding: identity"), body, true),
                        http(501)),
                c("a header line without a colon: Tomcat answers 400", raw(head("NoColonHere"), body, true), http(400)),
                c(
                        "whitespace between the header name and the colon: Tomcat answers 400",
                        raw(head("X-Other : x"), body, true),
                        http(400)),
                c(
                        "150 headers (over Tomcat's 100): Tomcat answers 400",
                        raw(
                                head(IntStream.range(0, 150)
                                        .mapToObj(i -> "X-Pad-" + i + ": " + i)
                                        .toArray(String[]::new)),
                                body,
                                true),
                        http(400)),
                c(
                        "HTTP/1.0 with Content-Length: guarded",
                        raw(head().replace("HTTP/1.1", "HTTP/1.0"), body, true),
                        fwd("write").body(call)),
                c(
                        "absolute-form request target: guarded",
                        raw(head().replace("POST {P}", "POST http://{H}{P}"), body, true),
                        fwd("write").body(call)),
                c(
                        "dot segments in the path (/x/../mcp): guarded",
                        raw(head().replace("POST {P}", "POST {C}/x/../mcp"), body, true),
                        fwd("write").body(call)),
                c(
                        "a path parameter (/mcp;a=b): guarded",
                        raw(head().replace("POST {P}", "POST {P};a=b"), body, true),
                        fwd("write").body(call)),
                c(
                        "a sub-path (/mcp/x) is under the filter too: guarded",
                        raw(head().replace("POST {P}", "POST {P}/x"), body, true),
                        fwd("write").body(call)),
                c(
                        "an encoded slash (/mcp%2Fx): Tomcat answers 400",
                        raw(head().replace("POST {P}", "POST {P}%2Fx"), body, true), http(400)),
                c(
                        "/MCP is another path: 404, never forwarded",
                        raw(head().replace("POST {P}", "POST {C}/MCP"), body, true),
                        http(404)),
                c(
                        "Content-Type text/plain does not matter: guarded",
                        post(call, "Content-Type", "text/plain"),
                        fwd("write")),
                c(
                        "a UTF-16 charset: JSON-RPC bodies are UTF-8, never forwarded",
                        post(call, "Content-Type", "application/json; charset=UTF-16"),
                        err(-32700, JsonRpcErrors.INVALID_UTF8, null)),
                c(
                        "an ISO-8859-1 charset: the server could read other names, never forwarded",
                        post(call, "Content-Type", "application/json; charset=ISO-8859-1"),
                        err(-32700, JsonRpcErrors.INVALID_UTF8, null)),
                c(
                        "an explicit UTF-8 charset: guarded",
                        post(call, "Content-Type", "application/json; charset=utf-8"),
                        fwd("write")));
    }

    static Stream<Arguments> roomyBatches() {
        return Stream.of(
                c(
                        "a batch of 5000 tools/call is guarded as one write and forwarded once",
                        post(batchOf(5000)).roomy(),
                        fwd("write")),
                c(
                        "a batch of 5000 tools/call with an invalid turn id: 5000 errors, each with its own id",
                        post(batchOf(5000), TURN, T129).roomy(),
                        batchErr(
                                -32600,
                                JsonRpcErrors.INVALID_TURN_ID,
                                IntStream.range(0, 5000)
                                        .mapToObj(Integer::toString)
                                        .toArray(String[]::new))));
    }

    // ================================================================== the tests

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("truncatedToolCalls")
    void truncatedToolCallsAreParseErrors(String name, Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("malformedJson")
    void malformedJsonIsAParseErrorAndNeverForwarded(String name, Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidUtf8")
    void invalidUtf8IsAParseErrorAndNeverForwarded(String name, Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("deepNesting")
    void nestingBeyondTheLimitIsRejectedWithoutRecursion(String name, Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("bodySizes")
    void bodiesOverTheLimitAreRejectedDeclaredOrNot(String name, Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("duplicateMembers")
    void duplicateMembersAreAmbiguousEvenWhenEscaped(String name, Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("escapedNames")
    void escapedNamesAreClassifiedByTheirDecodedValue(String name, Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("unclassifiableToolCalls")
    void toolCallsThatCannotBeClassifiedAreInvalidParamsAndNeverForwarded(String name, Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("notJsonRpcObjects")
    void bodiesThatAreNoRequestAreRejected(String name, Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("batches")
    void batchesAreGuardedAsOneAndAnsweredPerRequest(String name, Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("idsEchoedBack")
    void errorsEchoTheRequestsOwnId(String name, Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("turnHeaders")
    void hostileTurnHeadersAreRejectedBeforeRedis(String name, Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("sessionHeaders")
    void hostileSessionHeadersNeverOpenABypass(String name, Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("otherMethods")
    void otherHttpMethodsPassUntouched(String name, Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("notificationsAndResponses")
    void notificationsAndResponsesAreNeverGuarded(String name, Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("httpFraming")
    void hostileHttpFramingIsNeverA500NorABypass(String name, Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("roomyBatches")
    void aHugeBatchIsGuardedAsOne(String name, Case c) throws Exception {
        check(c);
    }

    /**
     * A request that declares the whole 256 MiB limit and sends 56 bytes: the filter's buffer
     * grows only with the bytes that arrive. Counted by the JVM's per-thread allocation counters
     * (the embedded Tomcat runs in this JVM): the exchange allocates far less than the declared
     * length, which reading into a buffer of the declared size would have allocated at once.
     */
    @Test
    void aDeclaredLengthIsNotAllocatedBeforeItsBytesArrive() throws Exception {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(
                threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocated bytes per thread");
        String session = "hostile-declared-" + UUID.randomUUID();
        byte[] sent = utf8(j("{'id':1,'method':'tools/call','params':{'name':'write_x'"));
        int before = RecordingServlet.FORWARDED.size();
        Map<Long, Long> start = allocatedByThread(threads);
        Response r = raw(head("Content-Length: " + ROOMY_LIMIT), sent, true).send(roomyBase, session);
        long allocated = allocatedSince(threads, start);

        assertTrue(r.status == 400 || r.status == -1, "Tomcat refuses the short body; " + r.describe());
        assertEquals(before, RecordingServlet.FORWARDED.size(), "a short body was forwarded");
        assertTrue(
                allocated < ROOMY_LIMIT / 8,
                "the exchange allocated " + allocated + " bytes for a body of " + sent.length + " bytes that declared "
                        + ROOMY_LIMIT);
        assertNoLockKeys(session, false);
    }

    private static Map<Long, Long> allocatedByThread(ThreadMXBean threads) {
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> byThread = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            byThread.put(ids[i], bytes[i]);
        }
        return byThread;
    }

    /** Bytes allocated by live threads since {@code start} (threads started since count from 0). */
    private static long allocatedSince(ThreadMXBean threads, Map<Long, Long> start) {
        long total = 0;
        for (Map.Entry<Long, Long> now : allocatedByThread(threads).entrySet()) {
            if (now.getValue() > 0) {
                total += now.getValue() - Math.min(now.getValue(), start.getOrDefault(now.getKey(), 0L));
            }
        }
        return total;
    }

    // ================================================================== the checks

    private void check(Case c) throws Exception {
        URL target = c.roomy ? roomyBase : base;
        String session =
                c.session != null ? c.session : "hostile-" + SESSIONS.incrementAndGet() + "-" + UUID.randomUUID();
        int before = RecordingServlet.FORWARDED.size();
        Response r = c.exchange.send(target, session);
        List<RecordingServlet.Forwarded> forwarded =
                List.copyOf(RecordingServlet.FORWARDED.subList(before, RecordingServlet.FORWARDED.size()));
        String what = r.describe();

        assertNotEquals(500, r.status, what);
        if (c.expect instanceof Fwd f) {
            assertEquals(200, r.status, what);
            assertEquals(1, forwarded.size(), () -> "forwarded " + forwarded.size() + " times; " + what);
            assertEquals(f.mode, forwarded.get(0).mode(), () -> "mode attribute; " + what);
            String sent = f.body != null ? f.body : c.exchange.payload();
            if (sent != null) {
                assertTrue(sent.equals(forwarded.get(0).body()), "the body reached the servlet changed");
            }
            assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", r.text(), "the servlet's own answer");
        } else if (c.expect instanceof Err e) {
            assertEquals(List.of(), forwarded, "a rejected request was forwarded; " + what);
            JsonObject error = assertFilterError(r, e.code, e.reason, session);
            assertFalse(json(r.text()) instanceof JsonArray, "a single request is answered with a single error");
            assertEquals(json(e.id == null ? "null" : e.id), error.get("id"), () -> "id; " + what);
        } else if (c.expect instanceof BatchErr e) {
            assertEquals(List.of(), forwarded, "a rejected request was forwarded; " + what);
            assertFilterError(r, e.code, e.reason, session);
            JsonArray errors = (JsonArray) json(r.text());
            assertEquals(e.ids.size(), errors.size(), "one error per request");
            for (int i = 0; i < e.ids.size(); i++) {
                assertEquals(json(e.ids.get(i)), errors.getJsonObject(i).get("id"), "id of error " + i);
            }
        } else {
            int expected = ((Http) c.expect).status;
            // Tomcat answers 400 to a malformed request and closes; a reset can beat the answer to
            // the client, which is a refusal too (-1: closed without an answer)
            assertTrue(r.status == expected || expected == 400 && r.status == -1, "expected " + expected + "; " + what);
            assertEquals(List.of(), forwarded, "not forwarded; " + what);
        }
        assertNoLockKeys(session, c.expect instanceof Fwd f && "write".equals(f.mode));
    }

    /** A JSON-RPC error written by the filter: 200, application/json, the code and the reason; returns one error object. */
    private static JsonObject assertFilterError(Response r, int code, String reason, String session) {
        String what = r.describe();
        assertEquals(200, r.status, what);
        assertTrue(r.header("content-type").toLowerCase(Locale.ROOT).startsWith("application/json"), what);
        assertFalse(r.text().contains(session) && session.length() > 8, "the session id is echoed in clear");
        assertEquals(null, r.headers.get("retry-after"), "Retry-After on a non-busy error");
        JsonValue parsed = json(r.text());
        List<JsonObject> objects =
                parsed instanceof JsonArray a ? a.getValuesAs(JsonObject.class) : List.of((JsonObject) parsed);
        assertFalse(objects.isEmpty(), what);
        for (JsonObject o : objects) {
            assertEquals("2.0", o.getString("jsonrpc"), what);
            assertTrue(o.containsKey("id"), what);
            assertFalse(o.containsKey("result"), what);
            JsonObject error = o.getJsonObject("error");
            assertEquals(code, error.getInt("code"), what);
            assertFalse(error.getString("message").isEmpty(), what);
            JsonObject data = error.containsKey("data") ? error.getJsonObject("data") : JsonValue.EMPTY_JSON_OBJECT;
            assertEquals(
                    reason,
                    data.containsKey("reason") ? ((JsonString) data.get("reason")).getString() : null,
                    () -> "error.data.reason; " + what);
        }
        return objects.get(0);
    }

    /**
     * No lock keys under the prefix (only :fence may remain); for this session no key at all, or
     * exactly its fence record when it was guarded as a write. Release runs in the filter's
     * finally, which may end just after the client has its answer: wait a little for it.
     */
    private void assertNoLockKeys(String session, boolean fenced) throws InterruptedException {
        List<String> locks = List.of();
        for (int i = 0; i < 200; i++) {
            locks = RedisTestServers.keys(List.of(redis), PREFIX).stream()
                    .filter(k -> !k.endsWith(":fence"))
                    .toList();
            if (locks.isEmpty()) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertEquals(List.of(), locks, "lock keys left in Redis");
        if (session != null) {
            String tag = "{" + Hashing.sessionHash(session) + "}";
            List<String> mine = RedisTestServers.keys(List.of(redis), PREFIX).stream()
                    .filter(k -> k.contains(tag))
                    .toList();
            assertEquals(
                    fenced ? List.of(PREFIX + ":" + tag + ":fence") : List.of(),
                    mine,
                    fenced ? "a guarded write leaves exactly its fence record" : "Redis was touched for this session");
            for (String key : RedisTestServers.keys(List.of(redis), PREFIX)) {
                assertFalse(key.contains(session), "a session id in clear in key " + key);
            }
        }
    }

    // ================================================================== case model

    /** What a case expects: forwarded (guarded with a mode, or unguarded), a filter error, or an HTTP status. */
    sealed interface Expect permits Fwd, Err, BatchErr, Http {}

    record Fwd(String mode, String body) implements Expect {
        Fwd body(String forwardedBody) {
            return new Fwd(mode, forwardedBody);
        }
    }

    record Err(int code, String reason, String id) implements Expect {}

    record BatchErr(int code, String reason, List<String> ids) implements Expect {}

    record Http(int status) implements Expect {}

    /** One exchange with the server. */
    interface Exchange {
        Response send(URL base, String session) throws Exception;

        /** The body as sent, for exchanges whose body is the payload itself; null otherwise. */
        default String payload() {
            return null;
        }
    }

    static final class Case {
        final Exchange exchange;
        final Expect expect;
        String session;
        boolean roomy;

        Case(Exchange exchange, Expect expect) {
            this.exchange = exchange;
            this.expect = expect;
        }

        @Override
        public String toString() {
            return expect.toString();
        }
    }

    /** A case whose exchange may carry a fixed session and a target deployment. */
    static final class Built implements Exchange {
        final Exchange inner;
        String session;
        boolean roomy;

        Built(Exchange inner) {
            this.inner = inner;
        }

        Built session(String fixed) {
            this.session = fixed;
            return this;
        }

        Built roomy() {
            this.roomy = true;
            return this;
        }

        @Override
        public Response send(URL base, String s) throws Exception {
            return inner.send(base, s);
        }

        @Override
        public String payload() {
            return inner.payload();
        }
    }

    private static Arguments c(String name, Built exchange, Expect expect) {
        Case c = new Case(exchange, expect);
        c.session = exchange.session;
        c.roomy = exchange.roomy;
        return Arguments.of(name, c);
    }

    private static Arguments c(String name, Exchange exchange, Expect expect) {
        return c(name, new Built(exchange), expect);
    }

    private static Fwd fwd(String mode) {
        return new Fwd(mode, null);
    }

    private static Err err(int code, String reason, String id) {
        return new Err(code, reason, id);
    }

    private static Err tooLarge() {
        return err(JsonRpcErrors.INVALID_REQUEST, JsonRpcErrors.BODY_TOO_LARGE, null);
    }

    private static Err badParams(String id) {
        return err(JsonRpcErrors.INVALID_PARAMS, JsonRpcErrors.INVALID_PARAMS_REASON, id);
    }

    /** A tools/call (id 21, single-quoted JSON) that cannot be classified: invalid_params with its id. */
    private static Arguments unclassifiable(String name, String singleQuoted) {
        return c("tools/call " + name + ": invalid_params", post(j(singleQuoted)), badParams("21"));
    }

    private static Err badTurn(String id) {
        return err(JsonRpcErrors.INVALID_REQUEST, JsonRpcErrors.INVALID_TURN_ID, id);
    }

    private static BatchErr batchErr(int code, String reason, String... ids) {
        return new BatchErr(code, reason, List.of(ids));
    }

    private static Http http(int status) {
        return new Http(status);
    }

    private static Arguments parse(String name, String body) {
        return parse(name, utf8(body));
    }

    private static Arguments parse(String name, byte[] body) {
        return c(name, post(body), err(JsonRpcErrors.PARSE_ERROR, null, null));
    }

    private static Arguments utf8Case(String name, Object... badBytes) {
        Object[] parts = new Object[badBytes.length + 2];
        parts[0] = "{\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"write_";
        System.arraycopy(badBytes, 0, parts, 1, badBytes.length);
        parts[parts.length - 1] = "\"}}";
        return c(
                "invalid UTF-8 in the tool name: " + name,
                post(bytes(parts)),
                err(JsonRpcErrors.PARSE_ERROR, JsonRpcErrors.INVALID_UTF8, null));
    }

    private static Arguments ambiguous(String name, String singleQuoted, String id) {
        return c(name, post(j(singleQuoted)), err(JsonRpcErrors.INVALID_REQUEST, JsonRpcErrors.AMBIGUOUS_REQUEST, id));
    }

    private static Arguments invalid(String name, String body, String id) {
        return c(name, post(body), err(JsonRpcErrors.INVALID_REQUEST, null, id));
    }

    private static Arguments echo(String name, String rawId) {
        return c(
                name + " is echoed in the invalid_turn_id error",
                post(
                        "{\"jsonrpc\":\"2.0\",\"id\":" + rawId
                                + ",\"method\":\"tools/call\",\"params\":{\"name\":\"write_x\"}}",
                        TURN,
                        T129),
                badTurn(rawId));
    }

    // ================================================================== exchanges

    private static Built post(String body, String... headers) {
        return post(utf8(body), headers);
    }

    /** A POST through HttpClient with the session id (unless a header pair overrides it with null) and the headers. */
    private static Built post(byte[] body, String... headers) {
        return new Built(new Exchange() {
            @Override
            public Response send(URL base, String session) throws Exception {
                HttpRequest.Builder b =
                        request(base, headers, session).POST(HttpRequest.BodyPublishers.ofByteArray(body));
                return Response.of(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray()));
            }

            @Override
            public String payload() {
                return new String(body, UTF_8);
            }
        });
    }

    /** A POST whose length HttpClient does not know: Transfer-Encoding chunked. */
    private static Built chunkedHttp(byte[] body) {
        return new Built(new Exchange() {
            @Override
            public Response send(URL base, String session) throws Exception {
                HttpRequest.Builder b = request(base, new String[0], session)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
                return Response.of(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray()));
            }

            @Override
            public String payload() {
                return new String(body, UTF_8);
            }
        });
    }

    /** A POST without any session header. */
    private static Built exchange(String body, boolean withSession) {
        return new Built(new Exchange() {
            @Override
            public Response send(URL base, String session) throws Exception {
                HttpRequest.Builder b = HttpRequest.newBuilder(endpoint(base))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body));
                if (withSession) {
                    b.header("Mcp-Session-Id", session);
                }
                return Response.of(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray()));
            }

            @Override
            public String payload() {
                return body;
            }
        });
    }

    /** Another HTTP method through HttpClient, with the session id and an optional body. */
    private static Built method(String method, String body) {
        return new Built((base, session) -> {
            HttpRequest.Builder b = request(base, new String[0], session)
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body));
            return Response.of(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray()));
        });
    }

    private static HttpRequest.Builder request(URL base, String[] headers, String session) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint(base)).timeout(Duration.ofSeconds(30));
        Map<String, String> h = new HashMap<>();
        h.put("Content-Type", "application/json");
        h.put("Accept", "application/json, text/event-stream");
        h.put("Mcp-Session-Id", session);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        h.forEach((k, v) -> b.header(k, v == null ? session : v));
        return b;
    }

    private static URI endpoint(URL base) {
        return URI.create(base.toExternalForm().replaceAll("/$", "") + "/mcp");
    }

    /**
     * The head of a raw POST with the session id; extra lines go before a Content-Length (added
     * from the body unless one of them is a Content-Length or Transfer-Encoding line).
     */
    private static String head(String... extra) {
        StringBuilder h = new StringBuilder("POST {P} HTTP/1.1\r\nHost: {H}\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nMcp-Session-Id: {S}\r\n");
        boolean framed = false;
        for (String line : extra) {
            h.append(line).append("\r\n");
            String lower = line.toLowerCase(Locale.ROOT);
            framed |= lower.startsWith("content-length") || lower.startsWith("transfer-encoding");
        }
        return framed ? h.append("\r\n").toString() : h.append("{L}").toString();
    }

    /**
     * A raw request: {P} path, {C} context path, {H} host:port, {S} session, {L} the Content-Length
     * line and the blank line. Header text is sent as ISO-8859-1 (one byte per char). The client
     * half-closes after sending (so a short body ends in EOF) and reads the answer to the end.
     */
    private static Built raw(String head, byte[] body, boolean halfClose) {
        return new Built((base, session) -> {
            String context = base.getPath().replaceAll("/$", "");
            String text = head.replace("{L}", "Content-Length: " + body.length + "\r\n\r\n")
                    .replace("{P}", context + "/mcp")
                    .replace("{C}", context)
                    .replace("{H}", base.getHost() + ":" + base.getPort())
                    .replace("{S}", session);
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(30_000);
                try {
                    socket.getOutputStream().write(text.getBytes(ISO_8859_1));
                    socket.getOutputStream().write(body);
                    socket.getOutputStream().flush();
                    if (halfClose) {
                        socket.shutdownOutput();
                    }
                } catch (java.io.IOException e) {
                    // the server answered (say 400 for an oversized header) and closed before the
                    // whole request was sent: its answer is still there to read
                }
                java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
                try {
                    socket.getInputStream().transferTo(answer);
                } catch (java.io.IOException e) {
                    // a reset after the answer (the server closed with our bytes unread)
                }
                if (answer.size() == 0) {
                    return new Response(-1, Map.of(), new byte[0]); // closed without an answer
                }
                return Response.parse(answer.toByteArray());
            }
        });
    }

    // ================================================================== bodies

    private static String j(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    private static byte[] utf8(String text) {
        return text.getBytes(UTF_8);
    }

    /** Strings as UTF-8, byte[] as they are, Integers (and chars) as one byte each. */
    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(utf8(s));
            } else if (p instanceof byte[] b) {
                out.writeBytes(b);
            } else if (p instanceof Character ch) {
                out.write(ch);
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] chunked(byte[] body, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i += size) {
            int n = Math.min(size, body.length - i);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(ISO_8859_1));
            out.write(body, i, n);
            out.writeBytes("\r\n".getBytes(ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(ISO_8859_1));
        return out.toByteArray();
    }

    /** A write tools/call of exactly {@code size} bytes. */
    private static byte[] padded(int size) {
        String start = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"write_big\","
                + "\"arguments\":{\"pad\":\"";
        String end = "\"}}}";
        return utf8(start + "x".repeat(size - start.length() - end.length()) + end);
    }

    /** A tools/call whose arguments hold {@code arrays} nested arrays: total depth arrays + 3. */
    private static String deepArguments(String tool, int arrays) {
        return "{\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":{\"a\":"
                + "[".repeat(arrays) + "]".repeat(arrays) + "}}}";
    }

    /** A tools/call whose arguments alternate {@code n} objects and arrays: total depth n + 2. */
    private static String alternating(String tool, int n) {
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int i = 0; i < n; i++) {
            open.append(i % 2 == 0 ? "{\"k\":" : "[");
            close.insert(0, i % 2 == 0 ? "}" : "]");
        }
        return "{\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":" + open + "0"
                + close + "}}";
    }

    /** A batch of {@code n} tools/call requests with ids 0..n-1, reads and writes mixed. */
    private static String batchOf(int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",")
                    .append("{\"jsonrpc\":\"2.0\",\"id\":")
                    .append(i)
                    .append(",\"method\":\"tools/call\",\"params\":{\"name\":\"")
                    .append(i % 2 == 0 ? "get_x" : "put_x")
                    .append("\"}}");
        }
        return b.append(']').toString();
    }

    private static String visibleAscii() {
        StringBuilder s = new StringBuilder();
        for (char ch = 0x21; ch <= 0x7e; ch++) {
            s.append(ch);
        }
        return s.toString();
    }

    /** The last characters of a body, escaped for a display name. */
    private static String tail(byte[] prefix) {
        String text = new String(prefix, Math.max(0, prefix.length - 14), Math.min(14, prefix.length), UTF_8);
        return text.replace("\\", "\\\\");
    }

    private static JsonValue json(String text) {
        try (jakarta.json.JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readValue();
        } catch (RuntimeException e) {
            return fail("not JSON: " + text, e);
        }
    }

    // ================================================================== responses

    record Response(int status, Map<String, List<String>> headers, byte[] body) {

        static Response of(HttpResponse<byte[]> r) {
            Map<String, List<String>> h = new HashMap<>();
            r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
            return new Response(r.statusCode(), h, r.body());
        }

        /** Parses a raw HTTP/1.1 answer read to EOF, skipping interim 1xx answers. */
        static Response parse(byte[] raw) {
            int at = 0;
            while (true) {
                int end = indexOf(raw, "\r\n\r\n".getBytes(ISO_8859_1), at);
                if (end < 0) {
                    return fail("no complete HTTP answer: «" + new String(raw, ISO_8859_1) + "»");
                }
                String[] lines = new String(raw, at, end - at, ISO_8859_1).split("\r\n");
                int status = Integer.parseInt(lines[0].split(" ")[1]);
                Map<String, List<String>> h = new HashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    h.computeIfAbsent(
                                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                                    k -> new ArrayList<>())
                            .add(lines[i].substring(colon + 1).trim());
                }
                at = end + 4;
                if (status >= 100 && status < 200) {
                    continue;
                }
                byte[] body;
                List<String> te = h.getOrDefault("transfer-encoding", List.of());
                List<String> cl = h.getOrDefault("content-length", List.of());
                if (te.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))) {
                    body = dechunk(raw, at);
                } else if (!cl.isEmpty()) {
                    body = java.util.Arrays.copyOfRange(
                            raw, at, Math.min(raw.length, at + Integer.parseInt(cl.get(0))));
                } else {
                    body = java.util.Arrays.copyOfRange(raw, at, raw.length);
                }
                return new Response(status, h, body);
            }
        }

        private static byte[] dechunk(byte[] raw, int at) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (at < raw.length) {
                int eol = indexOf(raw, "\r\n".getBytes(ISO_8859_1), at);
                int size = Integer.parseInt(new String(raw, at, eol - at, ISO_8859_1).split(";")[0].trim(), 16);
                if (size == 0) {
                    break;
                }
                out.write(raw, eol + 2, size);
                at = eol + 2 + size + 2;
            }
            return out.toByteArray();
        }

        private static int indexOf(byte[] haystack, byte[] needle, int from) {
            outer:
            for (int i = from; i <= haystack.length - needle.length; i++) {
                for (int k = 0; k < needle.length; k++) {
                    if (haystack[i + k] != needle[k]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        String header(String name) {
            return headers.getOrDefault(name, List.of("")).get(0);
        }

        String text() {
            return new String(body, UTF_8);
        }

        String describe() {
            String t = text();
            return "HTTP " + status + " " + header("content-type") + " «"
                    + (t.length() > 300 ? t.substring(0, 300) + "…" : t) + "»";
        }
    }
}
