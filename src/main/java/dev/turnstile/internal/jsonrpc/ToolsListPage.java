package dev.turnstile.internal.jsonrpc;

import java.util.Map;
import java.util.Objects;

/**
 * One successful JSON-RPC response whose {@code result.tools} is an array: one page of a
 * {@code tools/list} answer.
 *
 * @param id            the response's id in the form of {@link JsonRpcIds#canonicalId(String)}, to be
 *                      matched with the id of the {@code tools/list} request it answers
 * @param readOnlyHints per tool that has an {@code annotations.readOnlyHint}, its name and that hint;
 *                      tools without the hint are not in the map; unmodifiable
 * @param nextCursor    {@code result.nextCursor} when it is a string (more pages follow), else null
 */
public record ToolsListPage(String id, Map<String, Boolean> readOnlyHints, String nextCursor) {

    /**
     * Copies the hints.
     *
     * @param id            the canonical response id, not null
     * @param readOnlyHints the hints by tool name, copied
     * @param nextCursor    the cursor of the next page, or null on the last page
     */
    public ToolsListPage {
        Objects.requireNonNull(id, "id");
        readOnlyHints = Map.copyOf(readOnlyHints);
    }
}
