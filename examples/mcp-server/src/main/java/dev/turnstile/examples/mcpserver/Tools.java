package dev.turnstile.examples.mcpserver;

import dev.turnstile.Turnstile;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.enterprise.inject.spi.CDI;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The example's tools. Each sleeps {@code hold_ms} and answers with who ran it, in which session,
 * turn and mode, and when ({@link #result}). Turnstile classifies them:
 * <ul>
 *   <li>{@code get_balance}, {@code list_refunds}: reads (prefix heuristic {@code get_}, {@code list_});</li>
 *   <li>{@code lookup_charge}: a read through WEB-INF/turnstile.json ({@code "lookup_*": "read"});</li>
 *   <li>{@code create_refund}, {@code delete_customer}, {@code confirm_refund}, {@code audit_note},
 *       {@code set_invoice_hint}: writes (the default for every other name);</li>
 *   <li>{@code list_calls}: a read (prefix {@code list_}); it returns the session's calls from the
 *       {@link CallLog}, where every other tool records what it reported;</li>
 *   <li>{@code fetch_invoice}: by its {@code readOnlyHint} alone (no prefix, no rule), which Turnstile
 *       learns from the {@code tools/list} answers it passes: a write until it has seen one, then a read;
 *       {@code set_invoice_hint} (a write) registers it again with another hint ({@link InvoiceHint}).</li>
 * </ul>
 * With a progress token the simple tools hold in steps and stop when their stream is closed
 * ({@link Holding}).
 */
final class Tools {

    private final McpJsonMapper json;
    private final String instance;
    private final CallLog log = new CallLog();
    private final InvoiceHint invoiceHint = new InvoiceHint(this::fetchInvoice);
    private volatile AuditNotes auditNotes;

    Tools(McpJsonMapper json, String instance) {
        this.json = json;
        this.instance = instance;
    }

    List<SyncToolSpecification> specifications() {
        List<SyncToolSpecification> specs = new ArrayList<>();
        specs.add(tool(
                "get_balance",
                "Reads an account balance (a read: name starts with get_).",
                true,
                Schemas.inputSchema(),
                simple("get_balance")));
        specs.add(tool(
                "list_refunds",
                "Lists refunds (a read: name starts with list_).",
                true,
                Schemas.inputSchema(),
                simple("list_refunds")));
        specs.add(tool(
                "lookup_charge",
                "Looks up a charge (a read through WEB-INF/turnstile.json).",
                true,
                Schemas.inputSchema(),
                simple("lookup_charge")));
        specs.add(tool(
                "create_refund", "Creates a refund (a write).", false, Schemas.inputSchema(), simple("create_refund")));
        specs.add(tool(
                "delete_customer",
                "Deletes a customer (a write).",
                false,
                Schemas.inputSchema(),
                simple("delete_customer")));
        specs.add(tool(
                "confirm_refund",
                "Asks the user to confirm a refund (MCP elicitation) and returns the answer (a write).",
                false,
                Schemas.inputSchema(),
                this::confirmRefund));
        Map<String, Object> auditInput = Schemas.inputSchema();
        Schemas.properties(auditInput).put("text", Map.of("type", "string", "description", "the note"));
        specs.add(tool(
                "audit_note",
                "Writes an audit note through a CDI bean method annotated @Guarded(WRITE).",
                false,
                auditInput,
                this::auditNote));
        specs.add(tool(
                "list_calls",
                "Lists this session's recent tool calls as this server ran them (a read).",
                true,
                Schemas.inputSchema(),
                this::listCalls));
        specs.add(fetchInvoice(InvoiceHint.INITIAL));
        Map<String, Object> hintInput = Schemas.inputSchema();
        Schemas.properties(hintInput)
                .put(
                        InvoiceHint.READ_ONLY_ARG,
                        Map.of("type", "boolean", "description", "the readOnlyHint to register fetch_invoice with"));
        hintInput.put("required", List.of(InvoiceHint.READ_ONLY_ARG));
        specs.add(tool(
                InvoiceHint.SET_TOOL,
                "Registers fetch_invoice again with readOnlyHint read_only; the server "
                        + "then sends notifications/tools/list_changed (a write).",
                false,
                hintInput,
                this::setInvoiceHint));
        return specs;
    }

    /** The server the tools run in, once it is built: {@code set_invoice_hint} registers a tool with it. */
    void attach(McpSyncServer server) {
        invoiceHint.attach(server);
    }

    @FunctionalInterface
    interface Handler {
        McpSchema.CallToolResult call(McpSyncServerExchange exchange, McpSchema.CallToolRequest call, long holdMs)
                throws Exception;
    }

    private SyncToolSpecification tool(
            String name, String description, boolean readOnly, Map<String, Object> input, Handler handler) {
        McpSchema.Tool tool = McpSchema.Tool.builder(name, input)
                .description(description)
                .outputSchema(Schemas.outputSchema(name))
                .annotations(McpSchema.ToolAnnotations.builder()
                        .readOnlyHint(readOnly)
                        .build())
                .build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, call) -> {
                    Map<String, Object> args = call.arguments() == null ? Map.of() : call.arguments();
                    Long holdMs = Schemas.holdMs(args.get("hold_ms"));
                    if (holdMs == null) {
                        return error("hold_ms must be an integer from 0 to " + Schemas.MAX_HOLD_MS + ", got "
                                + args.get("hold_ms"));
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
                })
                .build();
    }

    private Handler simple(String name) {
        return (exchange, call, holdMs) -> {
            Holding.Held held = Holding.hold(exchange, call, holdMs);
            return result(name, exchange, held.interval(), held.outcome(), Map.of());
        };
    }

    /** {@code fetch_invoice}, registered with {@code readOnlyHint} {@code readOnly}. */
    private SyncToolSpecification fetchInvoice(boolean readOnly) {
        return tool(
                InvoiceHint.TOOL,
                "Fetches an invoice. Its class comes from its readOnlyHint alone (no read prefix, "
                        + "no rule); set_invoice_hint changes the hint.",
                readOnly,
                Schemas.inputSchema(),
                simple(InvoiceHint.TOOL));
    }

    private McpSchema.CallToolResult setInvoiceHint(
            McpSyncServerExchange exchange, McpSchema.CallToolRequest call, long holdMs) throws InterruptedException {
        Object readOnly = call.arguments() == null ? null : call.arguments().get(InvoiceHint.READ_ONLY_ARG);
        if (!(readOnly instanceof Boolean hint)) {
            return error(InvoiceHint.READ_ONLY_ARG + " must be true or false, got " + readOnly);
        }
        long start = Interval.nowMicros();
        invoiceHint.set(hint);
        Interval held = Interval.hold(holdMs);
        return result(
                InvoiceHint.SET_TOOL,
                exchange,
                new Interval(start, held.endedAtMicros()),
                Holding.Outcome.COMPLETED,
                Map.of("readOnlyHint", hint));
    }

    private McpSchema.CallToolResult listCalls(
            McpSyncServerExchange exchange, McpSchema.CallToolRequest call, long holdMs) throws InterruptedException {
        Interval interval = Interval.hold(holdMs);
        return result(
                "list_calls",
                exchange,
                interval,
                Holding.Outcome.COMPLETED,
                Map.of("calls", log.of(sessionHash(exchange, RequestInfo.from(exchange.transportContext())))));
    }

    private McpSchema.CallToolResult confirmRefund(
            McpSyncServerExchange exchange, McpSchema.CallToolRequest call, long holdMs) throws InterruptedException {
        long start = Interval.nowMicros();
        if (exchange.getClientCapabilities() == null
                || exchange.getClientCapabilities().elicitation() == null) {
            return error("confirm_refund needs a client that supports elicitation");
        }
        McpSchema.ElicitResult answer = exchange.createElicitation(McpSchema.ElicitFormRequest.builder(
                        "Refund this charge?",
                        Map.of(
                                "type",
                                "object",
                                "properties",
                                Map.of(
                                        "confirm", Map.of("type", "boolean", "description", "refund it"),
                                        "reason", Map.of("type", "string", "description", "why")),
                                "required",
                                List.of("confirm")))
                .build());
        Interval held = Interval.hold(holdMs);
        Map<String, Object> elicitation = new LinkedHashMap<>();
        elicitation.put("action", answer.action().name().toLowerCase(java.util.Locale.ROOT));
        elicitation.put("content", answer.content());
        return result(
                "confirm_refund",
                exchange,
                new Interval(start, held.endedAtMicros()),
                Holding.Outcome.COMPLETED,
                Map.of("elicitation", elicitation));
    }

    private McpSchema.CallToolResult auditNote(
            McpSyncServerExchange exchange, McpSchema.CallToolRequest call, long holdMs) throws InterruptedException {
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
    private McpSchema.CallToolResult result(
            String tool,
            McpSyncServerExchange exchange,
            Interval interval,
            Holding.Outcome outcome,
            Map<String, Object> extra) {
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
        return McpSchema.CallToolResult.builder()
                .structuredContent(out)
                .addTextContent(text)
                .build();
    }

    private static String sessionHash(McpSyncServerExchange exchange, RequestInfo info) {
        if (info.permitSessionHash() != null) {
            return info.permitSessionHash();
        }
        return exchange.sessionId() == null ? null : Turnstile.sessionHash(exchange.sessionId());
    }

    private static McpSchema.CallToolResult error(String message) {
        return McpSchema.CallToolResult.builder()
                .isError(true)
                .addTextContent(message)
                .build();
    }
}
