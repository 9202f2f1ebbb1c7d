package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.turnstile.CallClass;
import dev.turnstile.Classifier;
import dev.turnstile.internal.jsonrpc.JsonRpcException;
import dev.turnstile.internal.jsonrpc.JsonRpcSniffer;
import dev.turnstile.jsonrpc.JsonPointer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A tools/call request whose params cannot be classified makes the whole body unclassifiable. */
class RequestClassifierTest {

    private static final JsonRpcSniffer SNIFFER = new JsonRpcSniffer(JsonRpcSniffer.DEFAULT_MAX_DEPTH);
    private static final RequestClassifier DEFAULTS = new RequestClassifier(Classifier.defaults());

    @Test
    void shouldRejectASingleToolsCallWithItsIdAndSayWhy() {
        RequestClassifier.Unclassifiable e = assertThrows(
                RequestClassifier.Unclassifiable.class,
                () -> classify(DEFAULTS, "{'id':'a','method':'tools/call','params':{'name':'get_x','arguments':[]}}"));
        assertEquals(
                new Call(CallClass.BYPASS, false, List.of("\"a\""), false, List.of(), Map.of(), "get_x", false),
                e.call());
        assertEquals("invalid params of tools/call: params.arguments is not an object", e.getMessage());
    }

    @Test
    void shouldRejectABatchWithEveryRequestIdAndNameTheElement() {
        RequestClassifier.Unclassifiable e = assertThrows(
                RequestClassifier.Unclassifiable.class,
                () -> classify(
                        DEFAULTS,
                        "[{'id':1,'method':'tools/call','params':{'name':'write_x'}},"
                                + "{'method':'notifications/x'},{'id':2,'result':{}},{'id':3,'method':'tools/call'},"
                                + "{'id':4,'method':'tools/call','params':null},{'id':5,'method':'ping'}]"));
        assertEquals(List.of("1", "3", "4", "5"), e.call().ids());
        assertEquals(true, e.call().batch());
        assertEquals(
                "invalid params in element 4 of the batch (a tools/call): params is missing; no request of the "
                        + "batch was forwarded",
                e.getMessage());
    }

    @Test
    void shouldRejectEvenWhenAMethodRuleClassifiesToolsCall() {
        RequestClassifier bypassed = new RequestClassifier(Classifier.builder()
                .method(Classifier.TOOLS_CALL, CallClass.BYPASS)
                .build());
        assertThrows(
                RequestClassifier.Unclassifiable.class,
                () -> classify(bypassed, "{'id':1,'method':'tools/call','params':{'name':''}}"));
    }

    @Test
    void shouldLeaveAToolsCallNotificationAndOtherMethodsAlone() throws Exception {
        assertEquals(
                new Call(CallClass.BYPASS, false, List.of()),
                classify(DEFAULTS, "{'method':'tools/call','params':null}"));
        assertEquals(
                new Call(CallClass.BYPASS, true, List.of("1", "2")),
                classify(DEFAULTS, "[{'id':1,'method':'ping','params':[]},{'id':2,'method':'resources/read'}]"));
    }

    @Test
    void shouldClassifyValidParamsAsBefore() throws Exception {
        assertEquals(
                new Call(CallClass.READ, false, List.of("1"), false, List.of(Map.of()), Map.of(), "get_x", false),
                classify(
                        DEFAULTS,
                        "{'id':1,'method':'tools/call','params':{'name':'get_x','arguments':{},'_meta':{}}}"));
        assertEquals(
                new Call(CallClass.WRITE, false, List.of("1"), false, List.of(Map.of()), Map.of(), "x", false),
                classify(DEFAULTS, "{'id':1,'method':'tools/call','params':{'name':'x'}}"));
    }

    @Test
    void shouldTellTheEraFromTheBodyAndNeverLockTheNewProtocolMethods() throws Exception {
        RequestClassifier everything = new RequestClassifier(Classifier.builder()
                .method("server/discover", CallClass.WRITE)
                .method("subscriptions/listen", CallClass.WRITE)
                .build());
        String v = "'_meta':{'io.modelcontextprotocol/protocolVersion':'2026-07-28'}";
        assertEquals(
                new Call(CallClass.BYPASS, false, List.of("1"), true, List.of()),
                classify(everything, "{'id':1,'method':'server/discover','params':{" + v + "}}"));
        assertEquals(
                new Call(CallClass.BYPASS, false, List.of("1"), true, List.of(), Map.of(), null, true),
                classify(everything, "{'id':1,'method':'subscriptions/listen','params':{" + v + "}}"),
                "never locked, and its stream is read along for list_changed");
        assertEquals(
                new Call(CallClass.WRITE, false, List.of("1"), true, List.of(Map.of()), Map.of(), "x", false),
                classify(DEFAULTS, "{'id':1,'method':'tools/call','params':{'name':'x'," + v + "}}"));
    }

    @Test
    void shouldRefuseABatchOfTheNewEraAndKeepTheKeysOfEachRequestOfALegacyBatch() throws Exception {
        String v = "'_meta':{'io.modelcontextprotocol/protocolVersion':'2026-07-28'}";
        assertThrows(
                JsonRpcException.class,
                () -> classify(DEFAULTS, "[{'id':1,'method':'tools/call','params':{'name':'x'," + v + "}}]"));
        JsonRpcSniffer keyed = new JsonRpcSniffer(10, List.of(JsonPointer.parse("/sessionID")));
        byte[] body = ("[{'id':1,'method':'tools/call','params':{'name':'x','_meta':{'sessionID':'a'}}},"
                        + "{'id':2,'method':'tools/call','params':{'name':'x','_meta':{'sessionID':'b'}}}]")
                .replace('\'', '"')
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(
                List.of(Map.of("/sessionID", "a"), Map.of("/sessionID", "b")),
                DEFAULTS.classify(keyed.sniff(body, body.length)).metas());
    }

    private static Call classify(RequestClassifier classifier, String singleQuoted)
            throws RequestClassifier.Unclassifiable {
        byte[] body = singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
        return classifier.classify(SNIFFER.sniff(body, body.length));
    }
}
