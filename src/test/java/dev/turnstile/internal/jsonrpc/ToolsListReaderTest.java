package dev.turnstile.internal.jsonrpc;

import static dev.turnstile.internal.jsonrpc.SniffAssertions.j;
import static dev.turnstile.internal.jsonrpc.SniffAssertions.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The reader finds the read-only hints of tools/list pages and refuses every list it cannot vouch for. */
class ToolsListReaderTest {

    private static final int DEPTH = JsonRpcSniffer.DEFAULT_MAX_DEPTH;

    static List<ToolsListPage> read(String json) {
        byte[] body = utf8(json);
        return ToolsListReader.read(body, 0, body.length, DEPTH);
    }

    static ToolsListPage single(String json) {
        List<ToolsListPage> pages = read(json);
        assertEquals(1, pages.size(), () -> "pages: " + pages);
        return pages.get(0);
    }

    /** A response with the given id and the given result.tools elements (single-quoted JSON). */
    static String page(String id, String tools) {
        return j("{'jsonrpc':'2.0','id':" + id + ",'result':{'tools':[" + tools + "]}}");
    }

    static String tool(String name, String annotations) {
        return j("{'name':'" + name + "','description':'d','inputSchema':{'type':'object'}"
                + (annotations == null ? "" : ",'annotations':" + annotations) + "}");
    }

    // ---------------------------------------------------------------- what is learned

    @Test
    void shouldReportTheHintOfEachAnnotatedToolAndLeaveTheOthersOut() {
        ToolsListPage page = single(page(
                "1",
                String.join(
                        ",",
                        tool("fetch_invoice", "{'readOnlyHint':true}"),
                        tool("send_mail", "{'readOnlyHint':false,'destructiveHint':true}"),
                        tool("plain", null),
                        tool("other_hints", "{'destructiveHint':false,'idempotentHint':true,'title':'x'}"))));
        assertEquals(Map.of("fetch_invoice", true, "send_mail", false), page.readOnlyHints());
        assertEquals("n:1", page.id());
        assertNull(page.nextCursor());
    }

    @Test
    void shouldReportAnEmptyToolListAsAPageWithoutHints() {
        ToolsListPage page = single(j("{'jsonrpc':'2.0','id':'a','result':{'tools':[]}}"));
        assertEquals(new ToolsListPage("s:a", Map.of(), null), page);
    }

    @Test
    void shouldReportTheNextCursorOnlyWhenItIsAString() {
        assertEquals(
                "c\"2",
                single(j("{'jsonrpc':'2.0','id':1,'result':{'nextCursor':'c\\'2','tools':[]}}"))
                        .nextCursor());
        assertNull(single(j("{'jsonrpc':'2.0','id':1,'result':{'tools':[],'nextCursor':null}}"))
                .nextCursor());
        assertNull(single(j("{'jsonrpc':'2.0','id':1,'result':{'tools':[],'nextCursor':7}}"))
                .nextCursor());
        assertNull(single(j("{'jsonrpc':'2.0','id':1,'result':{'tools':[],'nextCursor':{'a':[1]}}}"))
                .nextCursor());
    }

    @Test
    void shouldGiveTheIdInCanonicalFormSoThatItMatchesTheRequestId() {
        byte[] request = utf8(j("{'jsonrpc':'2.0','id':4.20e1,'method':'tools/list'}"));
        String requestId = SniffAssertions.SNIFFER
                .sniff(request, request.length)
                .messages()
                .get(0)
                .rawId();
        assertEquals(JsonRpcIds.canonicalId(requestId), single(page("42", "")).id());
        assertEquals("s:ab", single(page("'a\\u0062'", "")).id());
        assertEquals(JsonRpcIds.NULL, single(page("null", "")).id());
    }

    @Test
    void shouldReadMemberNamesWrittenWithEscapes() {
        ToolsListPage page = single(j("{'jsonrpc':'2.0','\\u0069d':1,'res\\u0075lt':{'tool\\u0073':["
                + "{'n\\u0061me':'t\\u0031',"
                + "'annot\\u0061tions':{'read\\u004fnlyHint':true}}],'next\\u0043ursor':'c'}}"));
        assertEquals(new ToolsListPage("n:1", Map.of("t1", true), "c"), page);
    }

    @Test
    void shouldIgnoreLookalikeMembersNestedElsewhere() {
        ToolsListPage page = single(j("{'jsonrpc':'2.0','id':1,'result':{'_meta':{'tools':5,'readOnlyHint':true},"
                + "'tools':[{'name':'t','inputSchema':{'properties':{'name':{'type':'string'},"
                + "'annotations':{'readOnlyHint':true}}},'_meta':{'annotations':{'readOnlyHint':true}},"
                + "'annotations':{'nested':{'readOnlyHint':true},'readOnlyHint':false}}]},"
                + "'params':{'tools':[{'name':'x','annotations':{'readOnlyHint':true}}]}}"));
        assertEquals(Map.of("t", false), page.readOnlyHints());
    }

    @Test
    void shouldReadNonAsciiToolNames() {
        assertEquals(
                Map.of("lire_é_😀", true),
                single(page("1", tool("lire_é_😀", "{'readOnlyHint':true}"))).readOnlyHints());
    }

    @Test
    void shouldReadOnlyTheGivenRangeOfTheArray() {
        byte[] json = utf8(page("3", tool("t", "{'readOnlyHint':true}")));
        byte[] body = new byte[json.length + 20];
        System.arraycopy(json, 0, body, 10, json.length);
        body[0] = '{'; // garbage outside the range
        body[body.length - 1] = ']';
        List<ToolsListPage> pages = ToolsListReader.read(body, 10, json.length, DEPTH);
        assertEquals(List.of(new ToolsListPage("n:3", Map.of("t", true), null)), pages);
        assertThrows(MalformedToolsListException.class, () -> ToolsListReader.read(body, 10, json.length + 1, DEPTH));
    }

    @Test
    void shouldRefuseAByteOrderMarkAtTheStartOfTheRangeOnly() {
        byte[] json = utf8("\uFEFF" + page("3", ""));
        byte[] body = new byte[json.length + 10];
        System.arraycopy(json, 0, body, 10, json.length);
        assertThrows(MalformedToolsListException.class, () -> ToolsListReader.read(body, 10, json.length, DEPTH));
        assertEquals(1, ToolsListReader.read(body, 13, json.length - 3, DEPTH).size(), "a mark before the range");
    }

    // ---------------------------------------------------------------- batches and skipped messages

    @Test
    void shouldReportEveryPageOfABatchResponseInOrderAndSkipTheOtherMessages() {
        String batch = "["
                + String.join(
                        ",",
                        page("1", tool("a", "{'readOnlyHint':true}")),
                        j("{'jsonrpc':'2.0','id':2,'error':{'code':-32601,'message':'no'}}"),
                        j("{'jsonrpc':'2.0','id':3,'result':{}}"),
                        j("{'jsonrpc':'2.0','method':'notifications/tools/list_changed'}"),
                        j("{'jsonrpc':'2.0','id':'s1','method':'sampling/createMessage','params':{}}"),
                        "5",
                        "null",
                        "[]",
                        page("'two'", tool("a", "{'readOnlyHint':false}") + "," + tool("b", null)))
                + "]";
        assertEquals(
                List.of(
                        new ToolsListPage("n:1", Map.of("a", true), null),
                        new ToolsListPage("s:two", Map.of("a", false), null)),
                read(batch));
    }

    static Stream<Arguments> skipped() {
        return Stream.of(
                Arguments.of("an error response", j("{'jsonrpc':'2.0','id':1,'error':{'code':1,'message':'m'}}")),
                Arguments.of(
                        "a result and an error",
                        j("{'jsonrpc':'2.0','id':1," + "'result':{'tools':[]},'error':{'code':1}}")),
                Arguments.of(
                        "a request that carries a result",
                        j("{'jsonrpc':'2.0','id':1," + "'method':'m','result':{'tools':[]}}")),
                Arguments.of("a result without tools", j("{'jsonrpc':'2.0','id':1,'result':{'resources':[]}}")),
                Arguments.of("a result that is not an object", j("{'jsonrpc':'2.0','id':1,'result':[{'tools':[]}]}")),
                Arguments.of("a null result", j("{'jsonrpc':'2.0','id':1,'result':null}")),
                Arguments.of("no id", j("{'jsonrpc':'2.0','result':{'tools':[]}}")),
                Arguments.of("no jsonrpc member", j("{'id':1,'result':{'tools':[]}}")),
                Arguments.of("another jsonrpc version", j("{'jsonrpc':'1.0','id':1,'result':{'tools':[]}}")),
                Arguments.of("a jsonrpc version that is a number", j("{'jsonrpc':2.0,'id':1,'result':{'tools':[]}}")),
                Arguments.of("an id that is an object", j("{'jsonrpc':'2.0','id':{'a':1},'result':{'tools':[]}}")),
                Arguments.of("an id that is a boolean", j("{'jsonrpc':'2.0','id':true,'result':{'tools':[]}}")),
                Arguments.of("a notification", j("{'method':'notifications/message','params':{'tools':[]}}")),
                Arguments.of("a scalar", "42"),
                Arguments.of("an empty batch", "[]"),
                Arguments.of("an empty object", "{}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("skipped")
    void shouldSkipWhatIsNotASuccessfulToolsListResponse(String name, String json) {
        assertEquals(List.of(), read(json));
    }

    // ---------------------------------------------------------------- malformed lists

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("truncated", page("1", tool("SECRET", null)).substring(0, 40)),
                Arguments.of("a trailing comma", j("{'jsonrpc':'2.0','id':1,'result':{'tools':[{'name':'SECRET'},]}}")),
                Arguments.of("data after the value", page("1", "") + " x"),
                Arguments.of("an empty body", "  "),
                Arguments.of("a byte order mark", "\uFEFF" + page("1", "")),
                Arguments.of("a lone surrogate escape", page("1", tool("SECRET\\ud800", null))),
                Arguments.of("a raw control character", page("1", tool("SECRET\u0001", null))),
                Arguments.of(
                        "a duplicate jsonrpc",
                        j("{'jsonrpc':'2.0','jsonrpc':'2.0'," + "'id':1,'result':{'tools':[]}}")),
                Arguments.of("a duplicate id", j("{'jsonrpc':'2.0','id':1,'id':2,'result':{'tools':[]}}")),
                Arguments.of(
                        "a duplicate result",
                        j("{'jsonrpc':'2.0','id':1," + "'result':{'tools':[]},'result':{'tools':[]}}")),
                Arguments.of("a duplicate tools", j("{'jsonrpc':'2.0','id':1,'result':{'tools':[],'tools':[]}}")),
                Arguments.of(
                        "a duplicate nextCursor",
                        j("{'jsonrpc':'2.0','id':1,"
                                + "'result':{'tools':[],'nextCursor':'a',"
                                + "'nextCursor':null}}")),
                Arguments.of("a duplicate tool name member", page("1", j("{'name':'SECRET','name':'SECRET2'}"))),
                Arguments.of(
                        "a duplicate annotations",
                        page("1", j("{'name':'SECRET','annotations':{}," + "'annotations':{'readOnlyHint':true}}"))),
                Arguments.of(
                        "a duplicate readOnlyHint",
                        page("1", tool("SECRET", "{'readOnlyHint':false,'readOnlyHint':true}"))),
                Arguments.of(
                        "a duplicate readOnlyHint spelled with an escape",
                        page("1", tool("SECRET", "{'readOnlyHint':false,'read\\u004fnlyHint':true}"))),
                Arguments.of(
                        "two tools named alike",
                        page(
                                "1",
                                tool("SECRET", "{'readOnlyHint':true}") + ","
                                        + tool("SECRET", "{'readOnlyHint':false}"))),
                Arguments.of(
                        "two tools named alike, one with an escape",
                        page("1", tool("SECRET", null) + "," + tool("SECRE\\u0054", null))),
                Arguments.of(
                        "tools that is an object",
                        j("{'jsonrpc':'2.0','id':1," + "'result':{'tools':{'name':'SECRET'}}}")),
                Arguments.of("tools that is null", j("{'jsonrpc':'2.0','id':1,'result':{'tools':null}}")),
                Arguments.of("tools that is a string", j("{'jsonrpc':'2.0','id':1,'result':{'tools':'SECRET'}}")),
                Arguments.of("a tool that is a string", page("1", j("'SECRET'"))),
                Arguments.of("a tool that is null", page("1", "null")),
                Arguments.of("a tool that is an array", page("1", j("['SECRET']"))),
                Arguments.of("a tool without a name", page("1", j("{'title':'SECRET'}"))),
                Arguments.of("an empty tool", page("1", "{}")),
                Arguments.of("an empty name", page("1", j("{'name':''}"))),
                Arguments.of("a null name", page("1", j("{'name':null}"))),
                Arguments.of("a numeric name", page("1", j("{'name':7}"))),
                Arguments.of("annotations that is null", page("1", tool("SECRET", "null"))),
                Arguments.of("annotations that is an array", page("1", tool("SECRET", "[{'readOnlyHint':true}]"))),
                Arguments.of("annotations that is a string", page("1", tool("SECRET", "'SECRET'"))),
                Arguments.of("a null readOnlyHint", page("1", tool("SECRET", "{'readOnlyHint':null}"))),
                Arguments.of("a string readOnlyHint", page("1", tool("SECRET", "{'readOnlyHint':'true'}"))),
                Arguments.of("a numeric readOnlyHint", page("1", tool("SECRET", "{'readOnlyHint':1}"))),
                Arguments.of("a misspelt literal", page("1", tool("SECRET", "{'readOnlyHint':tru}"))),
                Arguments.of(
                        "a malformed list in a batch with a good page",
                        "[" + page("1", "") + "," + page("2", tool("SECRET", "{'readOnlyHint':null}")) + "]"),
                Arguments.of(
                        "a malformed list in an error response",
                        j("{'jsonrpc':'2.0','id':1,'error':{'code':1},"
                                + "'result':{'tools':[{'name':'SECRET','name':'x'}]}}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void shouldRefuseAMalformedListWithAMessageThatQuotesNothingFromIt(String name, String json) {
        MalformedToolsListException e = assertThrows(MalformedToolsListException.class, () -> read(json));
        assertTrue(e.getMessage().startsWith("malformed tools/list result: "), e.getMessage());
        assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
        assertEquals(0, e.getStackTrace().length, "no stack trace");
    }

    @Test
    void shouldRefuseInvalidUtf8() {
        byte[] body = page("1", tool("x\u00e9", null)).getBytes(StandardCharsets.UTF_8);
        int at = new String(body, StandardCharsets.ISO_8859_1).indexOf('\u00c3');
        body[at + 1] = (byte) 0x28; // a lead byte without its continuation
        assertThrows(MalformedToolsListException.class, () -> ToolsListReader.read(body, 0, body.length, DEPTH));
    }

    @Test
    void shouldRefuseNestingDeeperThanTheLimitWithoutRecursing() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        String json = page("1", j("{'name':'t','inputSchema':") + deep + "}");
        MalformedToolsListException e = assertThrows(MalformedToolsListException.class, () -> read(json));
        assertTrue(e.getMessage().contains("nested deeper than " + DEPTH), e.getMessage());
        byte[] body = utf8(page("1", tool("t", "{'readOnlyHint':true}")));
        assertThrows(MalformedToolsListException.class, () -> ToolsListReader.read(body, 0, body.length, 4));
        assertEquals(1, ToolsListReader.read(body, 0, body.length, 5).size());
    }

    @Test
    void shouldRejectBadArguments() {
        byte[] body = utf8("{}");
        assertThrows(IllegalArgumentException.class, () -> ToolsListReader.read(body, 0, 2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> ToolsListReader.read(body, 1, 2, DEPTH));
        assertThrows(NullPointerException.class, () -> ToolsListReader.read(null, 0, 0, DEPTH));
    }
}
