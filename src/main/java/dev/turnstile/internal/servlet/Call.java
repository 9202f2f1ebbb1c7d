package dev.turnstile.internal.servlet;

import dev.turnstile.CallClass;
import java.util.List;
import java.util.Map;

/**
 * What the filter learned from a POST body: the strongest class of its requests, the ids of the
 * requests (to answer each one of a batch), whether it is an MCP 2026-07-28 request, and the
 * distinct sets of {@code params._meta} values its guarded requests carry (for the key and turn
 * sources; one set but in a batch whose requests differ), and its {@code tools/list} requests
 * (canonical id → the cursor each asks for, null for the first page), whose answers teach tool classes,
 * the tool of a body that is one {@code tools/call} (else null), and whether it is an MCP
 * 2026-07-28 {@code subscriptions/listen}, whose stream carries the server's notifications.
 */
record Call(
        CallClass callClass,
        boolean batch,
        List<String> ids,
        boolean mcp2026,
        List<Map<String, String>> metas,
        Map<String, String> listRequests,
        String tool,
        boolean listens) {

    Call {
        metas = List.copyOf(metas);
        listRequests = java.util.Collections.unmodifiableMap(new java.util.HashMap<>(listRequests));
    }

    /** A call without {@code tools/list} requests. */
    Call(CallClass callClass, boolean batch, List<String> ids, boolean mcp2026, List<Map<String, String>> metas) {
        this(callClass, batch, ids, mcp2026, metas, Map.of(), null, false);
    }

    /** A legacy-era call without {@code _meta} keys. */
    Call(CallClass callClass, boolean batch, List<String> ids) {
        this(callClass, batch, ids, false, List.of());
    }

    /** Nothing learned yet: an answer carries {@code "id":null}. */
    static final Call NONE = new Call(CallClass.BYPASS, false, List.of(), false, List.of());

    /** A body that could not be read as a call, answered with the id the parser found (raw JSON), if any. */
    static Call echo(String rawId) {
        return echo(rawId, false);
    }

    /** The same, for a request of the given era. */
    static Call echo(String rawId, boolean mcp2026) {
        return new Call(CallClass.BYPASS, false, rawId == null ? List.of() : List.of(rawId), mcp2026, List.of());
    }

    boolean guarded() {
        return callClass != CallClass.BYPASS;
    }
}
