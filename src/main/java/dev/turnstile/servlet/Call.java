package dev.turnstile.servlet;

import dev.turnstile.CallClass;
import java.util.List;

/**
 * What the filter learned from a POST body: the strongest class of its requests, and the ids of
 * the requests (to answer each one of a batch).
 */
record Call(CallClass callClass, boolean batch, List<String> ids) {

    /** Nothing learned yet: an answer carries {@code "id":null}. */
    static final Call NONE = new Call(CallClass.BYPASS, false, List.of());

    /** A body that could not be read as a call, answered with the id the parser found (raw JSON), if any. */
    static Call echo(String rawId) {
        return rawId == null ? NONE : new Call(CallClass.BYPASS, false, List.of(rawId));
    }

    boolean guarded() {
        return callClass != CallClass.BYPASS;
    }
}
