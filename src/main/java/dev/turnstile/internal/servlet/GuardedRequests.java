package dev.turnstile.internal.servlet;

import dev.turnstile.InvalidTurnIdException;
import dev.turnstile.TurnIds;
import dev.turnstile.config.ConversationKeys;
import dev.turnstile.config.GuardOptions;
import dev.turnstile.config.KeySource;
import dev.turnstile.config.Unkeyed;
import dev.turnstile.internal.jsonrpc.JsonRpcException;
import dev.turnstile.jsonrpc.JsonRpcErrors;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a request names its place, the same for the filter and the {@code @Guarded} interceptor: the
 * conversation key (from the first present of the {@code key-sources}, bound to the principal when
 * so configured) and the turn id (from the first present of the {@code turn-sources}). The JSON-RPC
 * id is never part of either. {@code meta:} sources read the values the filter found in the body;
 * the interceptor, which has no body, passes none.
 */
public final class GuardedRequests {

    private static final String BODY_META = GuardedRequests.class.getName() + ".meta";
    private static final String BODY_2026 = GuardedRequests.class.getName() + ".mcp2026";

    private GuardedRequests() {}

    /** The key the engine locks: the session id, prefixed by the principal's name with {@code bind-principal}. */
    public static String sessionKey(HttpServletRequest request, String sessionId, GuardOptions options) {
        if (!options.bindPrincipal()) {
            return sessionId;
        }
        Principal principal = request.getUserPrincipal();
        return (principal == null ? "" : principal.getName()) + '\u0000' + sessionId;
    }

    /**
     * The key of the call's conversation, or null when it goes on unguarded ({@code unkeyed=pass},
     * or {@code principal} without a principal). A session id keys as it always did; another source's
     * value is keyed under the source's name, so that equal values of different sources never meet.
     *
     * @param meta the {@code params._meta} values the body carried, by pointer text
     * @throws UnkeyedCallException no source yields anything and {@code unkeyed=reject}
     * @throws JsonRpcException     a source present twice ({@code ambiguous_request})
     */
    public static String conversationKey(HttpServletRequest request, Map<String, String> meta, GuardOptions options) {
        ConversationKeys keys = options.keys();
        for (KeySource source : keys.keySources()) {
            String value = value(request, meta, source);
            if (value != null && !value.isEmpty()) { // an empty key is no key
                String key = source.kind() == KeySource.Kind.SESSION_ID ? value : source.spec() + '\u0000' + value;
                return sessionKey(request, key, options);
            }
        }
        Principal principal = request.getUserPrincipal();
        return switch (keys.unkeyed()) {
            case PASS -> null;
            case PRINCIPAL ->
                principal == null
                        ? null
                        : "\u0000principal\u0000" + principal.getName(); // no bound key starts with NUL
            case REJECT -> throw new UnkeyedCallException(keys.keySources());
        };
    }

    /**
     * The key of a call whose guarded requests carry these sets of {@code _meta} values (several only
     * in a batch): they must all name one conversation.
     *
     * @throws JsonRpcException requests of one batch in different conversations ({@code ambiguous_request})
     */
    public static String conversationKey(
            HttpServletRequest request, List<Map<String, String>> metas, GuardOptions options) {
        if (metas.size() <= 1) {
            return conversationKey(request, metas.isEmpty() ? Map.of() : metas.get(0), options);
        }
        List<String> keys = metas.stream()
                .map(m -> conversationKey(request, m, options))
                .distinct()
                .toList();
        if (keys.size() > 1) {
            throw new JsonRpcException(
                    JsonRpcErrors.INVALID_REQUEST,
                    JsonRpcErrors.AMBIGUOUS_REQUEST,
                    "invalid request: the requests of the batch belong to different conversations");
        }
        return keys.get(0);
    }

    /** The turn id of a call whose guarded requests carry these sets of {@code _meta} values: one for all. */
    public static String turnId(HttpServletRequest request, List<Map<String, String>> metas, GuardOptions options) {
        if (metas.size() <= 1) {
            return turnId(request, metas.isEmpty() ? Map.of() : metas.get(0), options);
        }
        List<String> turns = metas.stream()
                .map(m -> Objects.requireNonNullElse(turnId(request, m, options), ""))
                .distinct()
                .toList();
        if (turns.size() > 1) {
            throw new InvalidTurnIdException("the requests of the batch carry different turn ids");
        }
        return turns.get(0).isEmpty() ? null : turns.get(0);
    }

    /**
     * What the filter read from the body of this request (bypassed ones too), for the
     * {@code @Guarded} interceptor, which cannot read it: the {@code _meta} values of a body of one
     * message, and whether it is an MCP 2026-07-28 request.
     */
    static void rememberBody(HttpServletRequest request, Map<String, String> meta, boolean mcp2026) {
        request.setAttribute(BODY_META, meta);
        request.setAttribute(BODY_2026, mcp2026);
    }

    /** The {@code _meta} values the filter read from this request's body, or none. */
    @SuppressWarnings("unchecked")
    public static Map<String, String> bodyMeta(HttpServletRequest request) {
        return request.getAttribute(BODY_META) instanceof Map<?, ?> m ? (Map<String, String>) m : Map.of();
    }

    /**
     * The endpoint a request is for, by which learned tool classes are scoped: the MCP server it
     * reaches, named by the application and the servlet mapping ({@code contextPath + servletPath}),
     * never by the rest of the path, which a client chooses freely under a {@code /mcp/*} mapping.
     */
    public static String endpoint(HttpServletRequest request) {
        return request.getContextPath() + request.getServletPath();
    }

    /** Whether a call without a key goes on unguarded under these options (rather than being refused). */
    public static boolean unkeyedPasses(GuardOptions options) {
        return options.keys().unkeyed() != Unkeyed.REJECT;
    }

    /** The validated turn id from the first present turn source, or null (a turn of its own). */
    public static String turnId(HttpServletRequest request, Map<String, String> meta, GuardOptions options) {
        for (KeySource source : options.keys().turnSources()) {
            String value;
            try {
                value = value(request, meta, source);
            } catch (JsonRpcException e) {
                throw new InvalidTurnIdException("more than one turn id in " + source.spec());
            }
            if (value != null) {
                return TurnIds.validate(value); // an empty turn id is invalid, as any other bad one
            }
        }
        return null;
    }

    /** The validated turn id from the turn sources that need no body, or null. */
    public static String turnId(HttpServletRequest request, GuardOptions options) {
        return turnId(request, Map.of(), options);
    }

    /**
     * Whether the request is of the MCP 2026-07-28 era: as the filter read it from the body, else (no
     * filter in front) as its {@code MCP-Protocol-Version} header says (2026-07-28 or later).
     */
    public static boolean is2026(HttpServletRequest request) {
        if (request.getAttribute(BODY_2026) instanceof Boolean read) {
            return read; // the filter read the body: its verdict
        }
        String version = request.getHeader("MCP-Protocol-Version");
        return version != null && version.matches("\\d{4}-\\d{2}-\\d{2}") && version.compareTo("2026-07-28") >= 0;
    }

    /** A source's value as sent (possibly empty), or null when absent. */
    static String value(HttpServletRequest request, Map<String, String> meta, KeySource source) {
        return switch (source.kind()) {
            case SESSION_ID -> header(request, GuardOptions.SESSION_HEADER);
            case HEADER -> header(request, source.name());
            case META -> meta.get(source.pointer().text());
            case BAGGAGE -> Baggage.member(request, meta.get(Baggage.META_POINTER.text()), source.name());
        };
    }

    private static String header(HttpServletRequest request, String name) {
        List<String> values = Collections.list(request.getHeaders(name));
        if (values.size() > 1) {
            throw new JsonRpcException(
                    JsonRpcErrors.INVALID_REQUEST,
                    JsonRpcErrors.AMBIGUOUS_REQUEST,
                    "more than one " + name + " header");
        }
        return values.isEmpty() ? null : values.get(0);
    }
}
