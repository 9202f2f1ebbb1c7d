package dev.turnstile.config;

import java.util.List;
import java.util.Objects;

/**
 * How a guarded call finds its conversation (the key it locks) and its turn.
 *
 * @param keySources  the key's sources, first present wins ({@code key-sources})
 * @param turnSources the turn id's sources, first present wins ({@code turn-sources}); none present:
 *                    the call is a turn of its own
 * @param unkeyed     what happens to a call for which no key source yields anything
 */
public record ConversationKeys(List<KeySource> keySources, List<KeySource> turnSources, Unkeyed unkeyed) {

    /** The default key sources: what real clients send today. */
    public static final List<KeySource> DEFAULT_KEY_SOURCES =
            List.of(KeySource.SESSION_ID, KeySource.meta("/sessionID"), KeySource.baggage("gen_ai.conversation.id"));

    /** The turn source that reads Codex's turn metadata: {@code turn-sources=meta:/x-codex-turn-metadata/turn_id}. */
    public static final KeySource CODEX_TURN = KeySource.meta("/x-codex-turn-metadata/turn_id");

    /**
     * Copies the source lists.
     *
     * @param keySources  the key's sources, first present wins
     * @param turnSources the turn id's sources, first present wins
     * @param unkeyed     what happens to a call for which no key source yields anything
     * @throws NullPointerException when an argument or a source is null
     */
    public ConversationKeys {
        keySources = List.copyOf(keySources);
        turnSources = List.copyOf(turnSources);
        Objects.requireNonNull(unkeyed, "unkeyed");
    }

    /**
     * The defaults, with the turn read from the given header.
     *
     * @param turnHeader the turn-id header, for example {@code X-Mcp-Turn-Id}
     * @return {@link #DEFAULT_KEY_SOURCES}, the turn from {@code turnHeader}, and {@link Unkeyed#PASS}
     * @throws IllegalArgumentException when {@code turnHeader} is not a header name
     */
    public static ConversationKeys defaults(String turnHeader) {
        return new ConversationKeys(DEFAULT_KEY_SOURCES, List.of(KeySource.header(turnHeader)), Unkeyed.PASS);
    }

    /**
     * Every source that reads {@code params._meta} (the body must be read for them).
     *
     * @return the {@link KeySource.Kind#META} sources of both chains, each once
     */
    public List<KeySource> metaSources() {
        return java.util.stream.Stream.concat(keySources.stream(), turnSources.stream())
                .filter(s -> s.kind() == KeySource.Kind.META)
                .distinct()
                .toList();
    }
}
