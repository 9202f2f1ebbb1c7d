package dev.turnstile.examples.mcpserver;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tools' input and output schemas, and the check of {@code hold_ms}. */
final class Schemas {

    /** The longest {@code hold_ms} a tool accepts. */
    static final long MAX_HOLD_MS = 60_000;

    private Schemas() {}

    /** {@code hold_ms} as milliseconds: absent means 0; null when it is not an integer in 0..60000. */
    static Long holdMs(Object value) {
        if (value == null) {
            return 0L;
        }
        BigDecimal number;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            number = BigDecimal.valueOf(((Number) value).longValue());
        } else if (value instanceof BigInteger b) {
            number = new BigDecimal(b);
        } else if (value instanceof BigDecimal d) {
            number = d;
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                return null;
            }
            number = BigDecimal.valueOf(d);
        } else {
            return null;
        }
        if (number.signum() < 0
                || number.compareTo(BigDecimal.valueOf(MAX_HOLD_MS)) > 0
                || number.stripTrailingZeros().scale() > 0) {
            return null;
        }
        return number.longValue();
    }

    /** The input schema every tool has: an optional {@code hold_ms}. */
    static Map<String, Object> inputSchema() {
        Map<String, Object> hold = new LinkedHashMap<>();
        hold.put("type", "integer");
        hold.put("minimum", 0);
        hold.put("maximum", MAX_HOLD_MS);
        hold.put("default", 0);
        hold.put("description", "milliseconds the tool sleeps while it runs");
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("hold_ms", hold);
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        return schema;
    }

    /** The {@code properties} of a schema made by {@link #inputSchema()}, to add to. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> schema) {
        return (Map<String, Object>) schema.get("properties");
    }

    /** The output schema of {@code tool}: the fields every tool returns, and those only it adds. */
    static Map<String, Object> outputSchema(String tool) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("tool", Map.of("type", "string"));
        properties.put("instance", Map.of("type", "string"));
        properties.put(
                "sessionHash", Map.of("type", "string", "description", "hash of the MCP session id (never the id)"));
        properties.put("turn", Map.of("type", List.of("string", "null"), "description", "the X-Mcp-Turn-Id header"));
        properties.put(
                "mode",
                Map.of(
                        "type",
                        List.of("string", "null"),
                        "description",
                        "read or write: what this server's Turnstile filter decided, else a gateway's Turnstile-Mode header; null when unguarded"));
        properties.put(
                "fence",
                Map.of(
                        "type",
                        List.of("integer", "null"),
                        "description",
                        "fencing token of a write (this server's filter, else a gateway's Turnstile-Fence header)"));
        properties.put("startedAtMicros", Map.of("type", "integer"));
        properties.put("endedAtMicros", Map.of("type", "integer"));
        properties.put(
                "outcome",
                Map.of(
                        "type",
                        "string",
                        "enum",
                        List.of("completed", "client_gone"),
                        "description",
                        "client_gone: a progress notification could not be written, the tool stopped early"));
        List<String> required = new ArrayList<>(properties.keySet());
        if (tool.equals("confirm_refund")) {
            properties.put(
                    "elicitation",
                    Map.of(
                            "type",
                            "object",
                            "properties",
                            Map.of(
                                    "action", Map.of("type", "string", "enum", List.of("accept", "decline", "cancel")),
                                    "content", Map.of("type", List.of("object", "null")))));
            required.add("elicitation");
        }
        if (tool.equals("list_calls")) {
            properties.put(
                    "calls",
                    Map.of(
                            "type",
                            "array",
                            "items",
                            Map.of("type", "object"),
                            "description",
                            "this session's recent calls, oldest first, with the fields above (nulls left out)"));
            required.add("calls");
        }
        if (tool.equals(InvoiceHint.SET_TOOL)) {
            properties.put(
                    "readOnlyHint",
                    Map.of("type", "boolean", "description", "the readOnlyHint fetch_invoice is registered with now"));
            required.add("readOnlyHint");
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", required);
        return schema;
    }
}
