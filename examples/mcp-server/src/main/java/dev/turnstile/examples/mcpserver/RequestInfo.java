package dev.turnstile.examples.mcpserver;

import dev.turnstile.Permit;
import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What Turnstile decided about a request. When this server's own filter holds a place for the call,
 * its request attributes; otherwise (its filter is disabled, {@code TURNSTILE_ENABLED=false}, or let the
 * call through) the mode and fence that a gateway in front sent in the headers {@value #MODE_HEADER}
 * and {@value #FENCE_HEADER} (the example gateway sets them, and removes them from what clients send).
 * The server only reports them; it checks no fence. All null when nothing guarded the call.
 */
record RequestInfo(String permitSessionHash, String turn, String mode, Long fence) {

    static final String TURN_HEADER = "X-Mcp-Turn-Id";
    /** The mode a gateway decided: {@code read} or {@code write}. */
    static final String MODE_HEADER = "Turnstile-Mode";
    /** The fencing token of a gateway's write place, in decimal. */
    static final String FENCE_HEADER = "Turnstile-Fence";

    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}");

    static RequestInfo of(HttpServletRequest request) {
        Object permit = request.getAttribute(TurnstileAttributes.PERMIT);
        Object turn = request.getAttribute(TurnstileAttributes.TURN); // the validated turn id header
        Object mode = request.getAttribute(TurnstileAttributes.MODE);
        Object fence = request.getAttribute(TurnstileAttributes.FENCE);
        String turnId = turn != null ? turn.toString() : request.getHeader(TURN_HEADER);
        String permitHash = permit instanceof Permit p ? p.sessionHash() : null;
        if (mode == null) {
            return new RequestInfo(permitHash, turnId, gatewayMode(request), gatewayFence(request));
        }
        return new RequestInfo(permitHash, turnId, mode.toString(), fence instanceof Number n ? n.longValue() : null);
    }

    private static String gatewayMode(HttpServletRequest request) {
        String mode = request.getHeader(MODE_HEADER);
        return "read".equals(mode) || "write".equals(mode) ? mode : null;
    }

    private static Long gatewayFence(HttpServletRequest request) {
        String fence = request.getHeader(FENCE_HEADER);
        return fence != null && DECIMAL.matcher(fence).matches() ? Long.valueOf(fence) : null;
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
        return new RequestInfo(
                (String) context.get("permitSessionHash"),
                (String) context.get("turn"),
                (String) context.get("mode"),
                fence == null ? null : ((Number) fence).longValue());
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
