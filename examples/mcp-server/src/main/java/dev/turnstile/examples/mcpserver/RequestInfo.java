package dev.turnstile.examples.mcpserver;

import dev.turnstile.Permit;
import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.Map;

/**
 * What the Turnstile filter told the MCP server about a request, read from its request attributes.
 * All null when the filter let the request through unguarded ({@code TURNSTILE_ENABLED=false}).
 */
record RequestInfo(String permitSessionHash, String turn, String mode, Long fence) {

    static final String TURN_HEADER = "X-Mcp-Turn-Id";

    static RequestInfo of(HttpServletRequest request) {
        Object permit = request.getAttribute(TurnstileAttributes.PERMIT);
        Object turn = request.getAttribute(TurnstileAttributes.TURN); // the validated turn id header
        Object mode = request.getAttribute(TurnstileAttributes.MODE);
        Object fence = request.getAttribute(TurnstileAttributes.FENCE);
        return new RequestInfo(
                permit instanceof Permit p ? p.sessionHash() : null,
                turn != null ? turn.toString() : request.getHeader(TURN_HEADER),
                mode == null ? null : mode.toString(),
                fence instanceof Number n ? n.longValue() : null);
    }

    /** For {@code McpTransportContext}, which holds no null values. */
    Map<String, Object> asMap() {
        Map<String, Object> map = new HashMap<>();
        put(map, "permitSessionHash", permitSessionHash);
        put(map, "turn", turn);
        put(map, "mode", mode);
        put(map, "fence", fence);
        return map;
    }

    static RequestInfo from(io.modelcontextprotocol.common.McpTransportContext context) {
        Object fence = context.get("fence");
        return new RequestInfo((String) context.get("permitSessionHash"), (String) context.get("turn"),
                (String) context.get("mode"), fence == null ? null : ((Number) fence).longValue());
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
