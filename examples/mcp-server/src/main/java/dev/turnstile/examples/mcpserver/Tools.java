package dev.turnstile.examples.mcpserver;

import dev.turnstile.engine.Hashing;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.enterprise.inject.spi.CDI;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The example's tools. Each sleeps {@code hold_ms} and answers with who ran it, in which session,
 * turn and mode, and when ({@link #result}). Turnstile classifies them by name:
 * <ul>
 *   <li>{@code get_balance}, {@code list_refunds}: reads (prefix heuristic {@code get_}, {@code list_});</li>
 *   <li>{@code lookup_charge}: a read through WEB-INF/turnstile.json ({@code "lookup_*": "read"});</li>
 *   <li>{@code create_refund}, {@code delete_customer}, {@code confirm_refund}, {@code audit_note}:
 *       writes (the default for every other name);</li>
 *   <li>{@code list_calls}: a read (prefix {@code list_}); it returns the session's calls from the
 *       {@link CallLog}, where every other tool records what it reported.</li>
 * </ul>
 * With a progress token the simple tools hold in steps and stop when their stream is closed
 * ({@link Holding}).
 * Turnstile never reads {@code readOnlyHint}: the hints are for clients.
 */
final class Tools {

    static final long MAX_HOLD_MS = 60_000;

    private final McpJsonMapper json;
    private final String instance;
    private final CallLog log = new CallLog();
    private volatile AuditNotes auditNotes;

    Tools(McpJsonMapper json, String instance) {
        this.json = json;
        this.instance = instance;
    }

    List<SyncToolSpecification> specifications() {
        List<SyncToolSpecification> specs = new ArrayList<>();
        specs.add(tool("get_balance", "Reads an account balance (a read: name starts with get_).", true,
                inputSchema(), simple("get_balance")));
        specs.add(tool("list_refunds", "Lists refunds (a read: name starts with list_).", true,
                inputSchema(), simple("list_refunds")));
        specs.add(tool("lookup_charge", "Looks up a charge (a read through WEB-INF/turnstile.json).", true,
                inputSchema(), simple("lookup_charge")));
        specs.add(tool("create_refund", "Creates a refund (a write).", false,
                inputSchema(), simple("create_refund")));
        specs.add(tool("delete_customer", "Deletes a customer (a write).", false,
                inputSchema(), simple("delete_customer")));
        specs.add(tool("confirm_refund", "Asks the user to confirm a refund (MCP elicitation) and returns the answer (a write).",
                false, inputSchema(), this::confirmRefund));
        Map<String, Object> auditInput = inputSchema();
        properties(auditInput).put("text", Map.of("type", "string", "description", "the note"));
        specs.add(tool("audit_note", "Writes an audit note through a CDI bean method annotated @Guarded(WRITE).",
                false, auditInput, this::auditNote));
        specs.add(tool("list_calls", "Lists this session's recent tool calls as this server ran them (a read).",
                true, inputSchema(), this::listCalls));
        return specs;
    }

    @FunctionalInterface
    interface Handler {
        McpSchema.CallToolResult call(McpSyncServerExchange exchange, McpSchema.CallToolRequest call, long holdMs)
                throws Exception;
    }

    private SyncToolSpecification tool(String name, String description, boolean readOnly,
                                       Map<String, Object> input, Handler handler) {
        McpSchema.Tool tool = McpSchema.Tool.builder(name, input)
                .description(description)
                .outputSchema(outputSchema(name))
                .annotations(McpSchema.ToolAnnotations.builder().readOnlyHint(readOnly).build())
                .build();
        return SyncToolSpecification.builder().tool(tool).callHandler((exchange, call) -> {
            Map<String, Object> args = call.arguments() == null ? Map.of() : call.arguments();
            Long holdMs = holdMs(args.get("hold_ms"));
            if (holdMs == null) {
                return error("hold_ms must be an integer from 0 to " + MAX_HOLD_MS + ", got " + args.get("hold_ms"));
            }
            try {
                return handler.call(exchange, call, holdMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return error(name + " was interrupted");
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).build();
    }

    private Handler simple(String name) {
        return (exchange, call, holdMs) -> {
            Holding.Held held = Holding.hold(exchange, call, holdMs);
            return result(name, exchange, held.interval(), held.outcome(), Map.of());
        };
    }

    private McpSchema.CallToolResult listCalls(McpSyncServerExchange exchange, McpSchema.CallToolRequest call,
                                               long holdMs) throws InterruptedException {
        Interval interval = Interval.hold(holdMs);
        return result("list_calls", exchange, interval, Holding.Outcome.COMPLETED,
                Map.of("calls", log.of(sessionHash(exchange, RequestInfo.from(exchange.transportContext())))));
    }

    private McpSchema.CallToolResult confirmRefund(McpSyncServerExchange exchange, McpSchema.CallToolRequest call,
                                                   long holdMs) throws InterruptedException {
        long start = Interval.nowMicros();
        if (exchange.getClientCapabilities() == null || exchange.getClientCapabilities().elicitation() == null) {
            return error("confirm_refund needs a client that supports elicitation");
        }
        McpSchema.ElicitResult answer = exchange.createElicitation(McpSchema.ElicitFormRequest.builder(
                        "Refund this charge?",
                        Map.of("type", "object",
                                "properties", Map.of(
                                        "confirm", Map.of("type", "boolean", "description", "refund it"),
                                        "reason", Map.of("type", "string", "description", "why")),
                                "required", List.of("confirm")))
                .build());
        Interval held = Interval.hold(holdMs);
        Map<String, Object> elicitation = new LinkedHashMap<>();
        elicitation.put("action", answer.action().name().toLowerCase(java.util.Locale.ROOT));
        elicitation.put("content", answer.content());
        return result("confirm_refund", exchange, new Interval(start, held.endedAtMicros()),
                Holding.Outcome.COMPLETED, Map.of("elicitation", elicitation));
    }

    private McpSchema.CallToolResult auditNote(McpSyncServerExchange exchange, McpSchema.CallToolRequest call,
                                               long holdMs) throws InterruptedException {
        AuditNotes notes = auditNotes;
        if (notes == null) {
            try {
                notes = CDI.current().select(AuditNotes.class).get();
            } catch (IllegalStateException e) {
                return error("audit_note needs CDI, and none is available in this container");
            }
            auditNotes = notes;
        }
        Object text = call.arguments() == null ? null : call.arguments().get("text");
        Interval interval = notes.write(text == null ? "" : text.toString(), holdMs);
        return result("audit_note", exchange, interval, Holding.Outcome.COMPLETED, Map.of());
    }

    /** The answer of every tool: the same JSON as structuredContent and as text; recorded in the call log. */
    private McpSchema.CallToolResult result(String tool, McpSyncServerExchange exchange, Interval interval,
                                            Holding.Outcome outcome, Map<String, Object> extra) {
        RequestInfo info = RequestInfo.from(exchange.transportContext());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tool", tool);
        out.put("instance", instance);
        out.put("sessionHash", sessionHash(exchange, info));
        out.put("turn", info.turn());
        out.put("mode", info.mode());
        out.put("fence", info.fence());
        out.put("startedAtMicros", interval.startedAtMicros());
        out.put("endedAtMicros", interval.endedAtMicros());
        out.put("outcome", outcome.wire());
        if (!tool.equals("list_calls")) {
            log.add((String) out.get("sessionHash"), out);
        }
        out.putAll(extra);
        String text;
        try {
            text = json.writeValueAsString(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return McpSchema.CallToolResult.builder().structuredContent(out).addTextContent(text).build();
    }

    private static String sessionHash(McpSyncServerExchange exchange, RequestInfo info) {
        if (info.permitSessionHash() != null) {
            return info.permitSessionHash();
        }
        return exchange.sessionId() == null ? null : Hashing.sessionHash(exchange.sessionId());
    }

    private static McpSchema.CallToolResult error(String message) {
        return McpSchema.CallToolResult.builder().isError(true).addTextContent(message).build();
    }

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
        if (number.signum() < 0 || number.compareTo(BigDecimal.valueOf(MAX_HOLD_MS)) > 0
                || number.stripTrailingZeros().scale() > 0) {
            return null;
        }
        return number.longValue();
    }

    private static Map<String, Object> inputSchema() {
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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(Map<String, Object> schema) {
        return (Map<String, Object>) schema.get("properties");
    }

    private static Map<String, Object> outputSchema(String tool) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("tool", Map.of("type", "string"));
        properties.put("instance", Map.of("type", "string"));
        properties.put("sessionHash", Map.of("type", "string", "description", "hash of the MCP session id (never the id)"));
        properties.put("turn", Map.of("type", List.of("string", "null"), "description", "the X-Mcp-Turn-Id header"));
        properties.put("mode", Map.of("type", List.of("string", "null"), "description", "read or write; null when unguarded"));
        properties.put("fence", Map.of("type", List.of("integer", "null"), "description", "fencing token of a write"));
        properties.put("startedAtMicros", Map.of("type", "integer"));
        properties.put("endedAtMicros", Map.of("type", "integer"));
        properties.put("outcome", Map.of("type", "string", "enum", List.of("completed", "client_gone"),
                "description", "client_gone: a progress notification could not be written, the tool stopped early"));
        List<String> required = new ArrayList<>(properties.keySet());
        if (tool.equals("confirm_refund")) {
            properties.put("elicitation", Map.of("type", "object", "properties", Map.of(
                    "action", Map.of("type", "string", "enum", List.of("accept", "decline", "cancel")),
                    "content", Map.of("type", List.of("object", "null")))));
            required.add("elicitation");
        }
        if (tool.equals("list_calls")) {
            properties.put("calls", Map.of("type", "array", "items", Map.of("type", "object"),
                    "description", "this session's recent calls, oldest first, with the fields above (nulls left out)"));
            required.add("calls");
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", required);
        return schema;
    }
}
