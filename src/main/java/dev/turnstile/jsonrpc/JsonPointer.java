package dev.turnstile.jsonrpc;

import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 6901 JSON pointer into an object, such as {@code /sessionID} or
 * {@code /x-codex-turn-metadata/turn_id}: each reference token names an object member ({@code ~1}
 * stands for {@code /}, {@code ~0} for {@code ~}), so member names that contain {@code .} or
 * {@code /} can be addressed. Array elements are not addressed.
 *
 * @param text   the pointer as written
 * @param tokens the member names it walks, decoded; at least one
 */
public record JsonPointer(String text, List<String> tokens) {

    /**
     * Copies the tokens.
     *
     * @param text   the pointer as written
     * @param tokens the member names it walks, decoded
     */
    public JsonPointer {
        tokens = List.copyOf(tokens);
    }

    /**
     * Parses a pointer that names at least one member.
     *
     * @param text the pointer, for example {@code /x-codex-turn-metadata/turn_id}
     * @return the parsed pointer
     * @throws IllegalArgumentException when {@code text} is not such a pointer (quoted in the message:
     *                                  pointers come from configuration, never from requests)
     */
    public static JsonPointer parse(String text) {
        if (text == null || !text.startsWith("/")) {
            throw new IllegalArgumentException("a JSON pointer must start with '/': '" + text + "'");
        }
        List<String> tokens = new ArrayList<>();
        for (String raw : text.substring(1).split("/", -1)) {
            if (raw.matches(".*~([^01].*|$)")) {
                throw new IllegalArgumentException(
                        "a '~' in a JSON pointer must be followed by 0 or 1: '" + text + "'");
            }
            tokens.add(raw.replace("~1", "/").replace("~0", "~"));
        }
        return new JsonPointer(text, tokens);
    }

    /**
     * The pointer to one member of the object.
     *
     * @param name the member's name, as it is (encoded here)
     * @return the pointer {@code /name}
     */
    public static JsonPointer member(String name) {
        return new JsonPointer("/" + name.replace("~", "~0").replace("/", "~1"), List.of(name));
    }

    /**
     * The pointer as written.
     *
     * @return {@link #text()}
     */
    @Override
    public String toString() {
        return text;
    }
}
