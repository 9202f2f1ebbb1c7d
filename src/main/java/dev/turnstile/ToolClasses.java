package dev.turnstile;

import java.util.Map;

/**
 * What Turnstile learned about tools from their servers: the {@code annotations.readOnlyHint} of
 * the {@code tools/list} results that passed through the filter ({@code true}: read, {@code false}:
 * write; a tool without the hint is not learned). Learned classes are scoped by the endpoint (the
 * request path of the MCP server) they were learned for and shared by every instance on one store
 * (Redis: keys under the key prefix and a pub/sub invalidation; in-process: memory).
 *
 * <p>{@link #classOf} answers from memory and never waits for the network, so classifying a call
 * costs no Redis command; {@link #learn} and {@link #forget} work in the background and never
 * throw: learning is an optimisation, and when it fails the rules and the read prefixes apply.
 */
public interface ToolClasses {

    /** Learns nothing and knows nothing (learning turned off). */
    ToolClasses NONE = new ToolClasses() {
        @Override
        public CallClass classOf(String endpoint, String tool) {
            return null;
        }

        @Override
        public void learn(String endpoint, String cursor, Map<String, Boolean> readOnlyHints, String nextCursor) {}

        @Override
        public void forget(String endpoint) {}
    };

    /**
     * The learned class of a tool, from memory.
     *
     * @param endpoint the request path of the MCP server
     * @param tool     the tool's name
     * @return {@link CallClass#READ} or {@link CallClass#WRITE}, or null when nothing was learned
     */
    CallClass classOf(String endpoint, String tool);

    /**
     * One page of a {@code tools/list} result, as the server answered it. A list is learned when its
     * cursor walk is complete: the page requested without a cursor begins a walk, a page requested
     * with the cursor that the walk's previous page returned continues it, and the page without a
     * {@code nextCursor} ends it and replaces what was learned for the endpoint. A page whose cursor
     * continues no walk that this store saw begin is ignored.
     *
     * @param endpoint       the request path of the MCP server that answered
     * @param cursor         the {@code params.cursor} of the request, or null
     * @param readOnlyHints  the page's tools that carry a boolean {@code readOnlyHint}, by name
     * @param nextCursor     the page's {@code nextCursor}, or null
     */
    void learn(String endpoint, String cursor, Map<String, Boolean> readOnlyHints, String nextCursor);

    /**
     * The server said its tools changed ({@code notifications/tools/list_changed}): what was learned
     * for the endpoint is dropped, and walks that began before are void, until the next full list.
     *
     * @param endpoint the request path of the MCP server whose tools changed
     */
    void forget(String endpoint);
}
