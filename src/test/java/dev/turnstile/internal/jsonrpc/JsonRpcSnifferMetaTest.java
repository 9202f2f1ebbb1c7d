package dev.turnstile.internal.jsonrpc;

import static dev.turnstile.internal.jsonrpc.SniffAssertions.j;
import static dev.turnstile.internal.jsonrpc.SniffAssertions.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.turnstile.jsonrpc.JsonPointer;
import dev.turnstile.jsonrpc.JsonRpcErrors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the sniffer reads for MCP 2026-07-28 and the key sources: {@code _meta} values, uri, taskId. */
class JsonRpcSnifferMetaTest {

    private static final JsonRpcSniffer SNIFFER = new JsonRpcSniffer(
            100,
            List.of(
                    JsonPointer.parse("/sessionID"),
                    JsonPointer.parse("/x-codex-turn-metadata/turn_id"),
                    JsonPointer.parse("/a~1b.c"),
                    JsonPointer.parse("/m~0n")));

    private static JsonRpcMessage one(String singleQuoted) {
        byte[] body = utf8(j(singleQuoted));
        return SNIFFER.sniff(body, body.length).messages().get(0);
    }

    private static JsonRpcException refused(String singleQuoted) {
        byte[] body = utf8(j(singleQuoted));
        return assertThrows(JsonRpcException.class, () -> SNIFFER.sniff(body, body.length));
    }

    @Test
    void readsTheValuesAtThePointersAndTheProtocolVersion() {
        JsonRpcMessage m = one("{'jsonrpc':'2.0','id':1,'method':'tools/call','params':{'name':'t','_meta':{"
                + "'io.modelcontextprotocol/protocolVersion':'2026-07-28','sessionID':'s\\u0041',"
                + "'x-codex-turn-metadata':{'turn_id':'T','sessionID':'not this'},'a/b.c':'slash','m~n':'tilde',"
                + "'other':{'sessionID':'nested'}}}}");
        assertEquals("2026-07-28", m.protocolVersion());
        assertEquals(
                Map.of("/sessionID", "sA", "/x-codex-turn-metadata/turn_id", "T", "/a~1b.c", "slash", "/m~0n", "tilde"),
                m.meta());
    }

    @Test
    void valuesThatAreNoStringsAreAbsentAndALegacyRequestHasNoVersion() {
        JsonRpcMessage m = one("{'jsonrpc':'2.0','id':1,'method':'tools/call','params':{'name':'t','_meta':{"
                + "'sessionID':42,'x-codex-turn-metadata':'flat'}}}");
        assertEquals(Map.of(), m.meta());
        assertNull(m.protocolVersion());
    }

    @Test
    void readsTheRoutingNamesOfOtherMethods() {
        assertEquals(
                "file:///a",
                one("{'jsonrpc':'2.0','id':1,'method':'resources/read','params':{'uri':'file:///a'}}")
                        .uri());
        assertEquals(
                "t-1",
                one("{'jsonrpc':'2.0','id':1,'method':'tasks/get','params':{'taskId':'t-1'}}")
                        .taskId());
        assertNull(one("{'jsonrpc':'2.0','id':1,'method':'resources/read','params':{'uri':7}}")
                .uri());
    }

    @Test
    void aDuplicateMemberOnTheWayToAWantedValueIsAmbiguous() {
        for (String meta : List.of(
                "'sessionID':'a','sessionID':'b'",
                "'x-codex-turn-metadata':{'turn_id':'a'},'x-codex-turn-metadata':{'turn_id':'b'}",
                "'x-codex-turn-metadata':{'turn_id':'a','turn_id':'b'}",
                "'io.modelcontextprotocol/protocolVersion':'2026-07-28','io.modelcontextprotocol/protocolVersion':'x'")) {
            JsonRpcException e = refused(
                    "{'jsonrpc':'2.0','id':3,'method':'tools/call','params':{'name':'t','_meta':{" + meta + "}}}");
            assertEquals(JsonRpcErrors.AMBIGUOUS_REQUEST, e.reason(), meta);
            assertEquals("3", e.rawId());
        }
        // a duplicate the guard does not read is the server's business
        one("{'jsonrpc':'2.0','id':1,'method':'tools/call','params':{'name':'t','_meta':{'x':1,'x':2}}}");
    }

    @Test
    void duplicateMetaUriOrTaskIdMembersAreAmbiguous() {
        for (String params : List.of("'_meta':{},'_meta':{}", "'uri':'a','uri':'b'", "'taskId':'a','taskId':'b'")) {
            assertEquals(
                    JsonRpcErrors.AMBIGUOUS_REQUEST,
                    refused("{'jsonrpc':'2.0','id':1,'method':'resources/read','params':{" + params + "}}")
                            .reason());
        }
    }

    @Test
    void aProtocolVersionThatIsNoStringIsInvalid() {
        JsonRpcException e = refused("{'jsonrpc':'2.0','id':1,'method':'ping','params':{'_meta':{"
                + "'io.modelcontextprotocol/protocolVersion':{'v':1}}}}");
        assertEquals(JsonRpcErrors.INVALID_REQUEST, e.code());
    }

    @Test
    void pointersFollowRfc6901() {
        assertEquals(List.of("a/b", "c~d", ""), JsonPointer.parse("/a~1b/c~0d/").tokens());
        for (String bad : List.of("", "sessionID", "/a~2", "/a~")) {
            assertThrows(IllegalArgumentException.class, () -> JsonPointer.parse(bad), bad);
        }
        assertEquals("/io.modelcontextprotocol~1protocolVersion", JsonRpcSniffer.PROTOCOL_VERSION.text());
    }
}
