package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.turnstile.config.ConversationKeys;
import dev.turnstile.config.GuardOptions;
import dev.turnstile.config.Unkeyed;
import dev.turnstile.config.WaitMode;
import dev.turnstile.internal.jsonrpc.JsonRpcException;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.security.Principal;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keys of different conversations never meet, whichever source or principal made them. */
class ConversationKeyCollisionTest {

    /** A request with at most one header and a principal: headers and principal only. */
    private static HttpServletRequest request(String user, String header, String value) {
        Principal principal = user == null ? null : () -> user;
        return (HttpServletRequest) Proxy.newProxyInstance(
                ConversationKeyCollisionTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getHeaders" ->
                        Collections.enumeration(
                                header != null && header.equalsIgnoreCase((String) args[0])
                                        ? List.of(value)
                                        : List.<String>of());
                    case "getUserPrincipal" -> principal;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aBoundSessionIdNeverMeetsAnotherUsersPrincipalKey() {
        GuardOptions options = new GuardOptions(
                true,
                GuardOptions.DEFAULT_MAX_BODY_SIZE,
                GuardOptions.DEFAULT_MAX_JSON_DEPTH,
                GuardOptions.DEFAULT_BUSY_CODE,
                false,
                false,
                GuardOptions.DEFAULT_TURN_HEADER,
                true,
                WaitMode.ASYNC,
                new ConversationKeys(ConversationKeys.DEFAULT_KEY_SOURCES, List.of(), Unkeyed.PRINCIPAL),
                GuardOptions.DEFAULT_BUSY_CODE_2026);
        // alice sends no key: keyed by her principal alone
        String alice = GuardedRequests.conversationKey(request("alice", null, null), Map.of(), options);
        // the user named "principal" sends Mcp-Session-Id: alice (a 2026-07-28 server ignores that header)
        String other =
                GuardedRequests.conversationKey(request("principal", "Mcp-Session-Id", "alice"), Map.of(), options);
        assertNotEquals(alice, other, "two users share one lock key");
    }

    @Test
    void theRequestsOfABatchMustNameOneConversationUnlessTheHeaderKeysThemAll() {
        GuardOptions options = GuardOptions.defaults();
        List<Map<String, String>> metas = List.of(Map.of("/sessionID", "a"), Map.of("/sessionID", "b"));
        JsonRpcException e = assertThrows(
                JsonRpcException.class,
                () -> GuardedRequests.conversationKey(request(null, null, null), metas, options));
        assertEquals("ambiguous_request", e.reason());
        // a session id keys them all: the _meta values are not used, so they may differ
        assertEquals("s", GuardedRequests.conversationKey(request(null, "Mcp-Session-Id", "s"), metas, options));
        assertEquals(
                "a",
                GuardedRequests.conversationKey(
                                request(null, null, null),
                                List.of(Map.of("/sessionID", "a"), Map.of("/sessionID", "a")),
                                options)
                        .split("\u0000")[1]);
    }
}
