package dev.turnstile.config;

import dev.turnstile.jsonrpc.JsonPointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One place a request may carry the key of its conversation (or its turn id), as written in the
 * {@code key-sources} and {@code turn-sources} settings:
 * <ul>
 *   <li>{@code session-id}: the {@code Mcp-Session-Id} header;</li>
 *   <li>{@code header:NAME}: a request header;</li>
 *   <li>{@code meta:POINTER}: a string in the request's {@code params._meta}, addressed by an RFC 6901
 *       JSON pointer ({@code meta:/sessionID}, {@code meta:/x-codex-turn-metadata/turn_id});</li>
 *   <li>{@code baggage:MEMBER}: a member of the W3C {@code baggage} header.</li>
 * </ul>
 *
 * @param kind    where the value is read
 * @param name    the header name or baggage member ({@code HEADER}, {@code BAGGAGE}); else null
 * @param pointer the pointer into {@code params._meta} ({@code META}); else null
 */
public record KeySource(Kind kind, String name, JsonPointer pointer) {

    /** Where a source reads its value. */
    public enum Kind {
        /** The {@code Mcp-Session-Id} header. */
        SESSION_ID,
        /** A request header. */
        HEADER,
        /** A string in {@code params._meta}: only the filter, which reads the body, sees it. */
        META,
        /** A member of the W3C {@code baggage} header. */
        BAGGAGE
    }

    /** The {@code Mcp-Session-Id} header. */
    public static final KeySource SESSION_ID = new KeySource(Kind.SESSION_ID, null, null);

    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";

    /**
     * Checks that the source has exactly what its kind needs.
     *
     * @param kind    where the value is read
     * @param name    the header name or baggage member, for {@link Kind#HEADER} and {@link Kind#BAGGAGE} only
     * @param pointer the pointer, for {@link Kind#META} only
     * @throws IllegalArgumentException when a name or pointer is missing, or given to a kind that has none
     * @throws NullPointerException     when {@code kind} is null
     */
    public KeySource {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.HEADER || kind == Kind.BAGGAGE) != (name != null)
                || (kind == Kind.META) != (pointer != null)) {
            throw new IllegalArgumentException("a " + kind + " source needs exactly its own name or pointer");
        }
    }

    /**
     * A request header ({@code header:NAME}).
     *
     * @param name the header name: HTTP token characters, any case
     * @return the source
     * @throws IllegalArgumentException when the name is null, empty or not a token
     */
    public static KeySource header(String name) {
        return new KeySource(Kind.HEADER, checkToken(name, "header:"), null);
    }

    /**
     * A string in {@code params._meta} ({@code meta:POINTER}).
     *
     * @param pointer an RFC 6901 JSON pointer into {@code params._meta}, for example {@code /sessionID}
     * @return the source
     * @throws IllegalArgumentException when the pointer is not valid (see {@link JsonPointer#parse})
     */
    public static KeySource meta(String pointer) {
        return new KeySource(Kind.META, null, JsonPointer.parse(pointer));
    }

    /**
     * A member of the {@code baggage} header ({@code baggage:MEMBER}).
     *
     * @param member the member's key, for example {@code gen_ai.conversation.id}: HTTP token characters
     * @return the source
     * @throws IllegalArgumentException when the key is null, empty or not a token
     */
    public static KeySource baggage(String member) {
        return new KeySource(Kind.BAGGAGE, checkToken(member, "baggage:"), null);
    }

    /**
     * Parses one source: {@code session-id}, {@code header:NAME}, {@code meta:/POINTER} or
     * {@code baggage:MEMBER} (the prefix in any case, blanks around it ignored).
     *
     * @param text the source as written in the settings
     * @return the source
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static KeySource parse(String text) {
        String t = text.strip();
        if (t.equals("session-id")) {
            return SESSION_ID;
        }
        int colon = t.indexOf(':');
        String prefix = colon < 0 ? t : t.substring(0, colon + 1).toLowerCase(Locale.ROOT);
        String rest = colon < 0 ? "" : t.substring(colon + 1);
        return switch (prefix) {
            case "header:" -> header(rest);
            case "meta:" -> meta(rest);
            case "baggage:" -> baggage(rest);
            default ->
                throw new IllegalArgumentException("'" + t + "' is not a source: expected session-id,"
                        + " header:NAME, meta:/POINTER or baggage:MEMBER");
        };
    }

    /**
     * Parses a comma-separated chain, in order; an empty chain is allowed (nothing is ever found).
     *
     * @param setting the setting's name, for the message
     * @param value   the setting's value
     * @return the sources, in order; immutable
     * @throws IllegalArgumentException naming the setting, the value and what is wrong (also when a
     *                                  source is listed twice)
     */
    public static List<KeySource> parseChain(String setting, String value) {
        List<KeySource> sources = new ArrayList<>();
        if (value.isBlank()) {
            return sources;
        }
        for (String part : value.split(",", -1)) {
            try {
                KeySource source = parse(part);
                if (sources.contains(source)) {
                    throw new IllegalArgumentException("'" + source.spec() + "' is listed twice");
                }
                sources.add(source);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting + " is invalid: '" + value + "': " + e.getMessage(), e);
            }
        }
        return List.copyOf(sources);
    }

    /**
     * How the source is written in the settings ({@code header:} names in lower case). Two sources
     * are equal when their specs are.
     *
     * @return for example {@code session-id}, {@code header:x-mcp-turn-id} or {@code meta:/sessionID}
     */
    public String spec() {
        return switch (kind) {
            case SESSION_ID -> "session-id";
            case HEADER -> "header:" + name.toLowerCase(Locale.ROOT);
            case META -> "meta:" + pointer.text();
            case BAGGAGE -> "baggage:" + name;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeySource other && spec().equals(other.spec());
    }

    @Override
    public int hashCode() {
        return spec().hashCode();
    }

    @Override
    public String toString() {
        return spec();
    }

    private static String checkToken(String value, String what) {
        if (value == null || !value.matches(TOKEN)) {
            throw new IllegalArgumentException(
                    "'" + what + value + "' needs a name of token characters after '" + what + "'");
        }
        return value;
    }
}
