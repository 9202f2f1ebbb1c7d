package dev.turnstile.examples.mcpserver;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tools the official MCP conformance suite's server scenarios call that only read: content of every
 * kind, an error result, log and progress notifications, and a JSON Schema 2020-12 input schema. Their
 * names and answers are the suite's. None has a read prefix or a rule: each is annotated
 * {@code readOnlyHint: true}, which Turnstile learns from {@code tools/list} (a write until then). The
 * tools that ask the client something are in {@link ConformanceAsks}.
 */
final class ConformanceTools {

    /** Milliseconds between two log or progress notifications (the suite asks for about 50). */
    static final long NOTIFICATION_GAP_MS = 50;

    static final String JSON_SCHEMA_2020_12 = "https://json-schema.org/draft/2020-12/schema";

    private ConformanceTools() {}

    @FunctionalInterface
    interface Handler {
        McpSchema.CallToolResult call(McpSyncServerExchange exchange, McpSchema.CallToolRequest call)
                throws InterruptedException;
    }

    static List<SyncToolSpecification> specifications() {
        List<SyncToolSpecification> specs = new ArrayList<>();
        specs.add(read(
                "test_simple_text",
                "Returns one text content.",
                (exchange, call) -> text("This is a simple text response for testing.")));
        specs.add(read(
                "test_image_content",
                "Returns one image content (a 1x1 PNG).",
                (exchange, call) -> result(
                        new McpSchema.ImageContent(null, ConformanceMedia.PNG_BASE64, ConformanceMedia.PNG_MIME))));
        specs.add(read(
                "test_audio_content",
                "Returns one audio content (a short WAV).",
                (exchange, call) -> result(
                        new McpSchema.AudioContent(null, ConformanceMedia.WAV_BASE64, ConformanceMedia.WAV_MIME))));
        specs.add(read(
                "test_embedded_resource",
                "Returns one embedded text resource.",
                (exchange, call) -> result(
                        resource("test://embedded-resource", "text/plain", "This is an embedded resource content."))));
        specs.add(read(
                "test_multiple_content_types",
                "Returns text, image and embedded resource content.",
                (exchange, call) -> result(
                        new McpSchema.TextContent("Multiple content types test:"),
                        new McpSchema.ImageContent(null, ConformanceMedia.PNG_BASE64, ConformanceMedia.PNG_MIME),
                        resource(
                                "test://mixed-content-resource",
                                "application/json",
                                "{\"test\":\"data\",\"value\":123}"))));
        specs.add(read(
                "test_tool_with_logging",
                "Sends three info log notifications while it runs.",
                ConformanceTools::withLogging));
        specs.add(read(
                "test_error_handling",
                "Always answers with a tool error (isError: true).",
                (exchange, call) -> McpSchema.CallToolResult.builder()
                        .isError(true)
                        .addTextContent("This tool intentionally returns an error for testing")
                        .build()));
        specs.add(read(
                "test_tool_with_progress",
                "Sends progress 0, 50 and 100 of 100 when the call has a progress token.",
                ConformanceTools::withProgress));
        specs.add(tool(
                "json_schema_2020_12_tool",
                "Has an input schema with JSON Schema 2020-12 keywords "
                        + "($schema, $defs, $ref, additionalProperties).",
                true,
                schema2020(),
                (exchange, call) -> text("ok")));
        return specs;
    }

    /** A tool annotated with {@code readOnlyHint} {@code readOnly}; an interrupted handler answers a tool error. */
    static SyncToolSpecification tool(
            String name, String description, boolean readOnly, Map<String, Object> input, Handler handler) {
        McpSchema.Tool tool = McpSchema.Tool.builder(name, input)
                .description(description)
                .annotations(McpSchema.ToolAnnotations.builder()
                        .readOnlyHint(readOnly)
                        .build())
                .build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, call) -> {
                    try {
                        return handler.call(exchange, call);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return error(name + " was interrupted");
                    }
                })
                .build();
    }

    /** An object schema whose properties are required strings of these names; none: a tool without arguments. */
    static Map<String, Object> inputSchema(String... requiredStrings) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String name : requiredStrings) {
            properties.put(name, Map.of("type", "string"));
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (requiredStrings.length > 0) {
            schema.put("required", List.of(requiredStrings));
        }
        return schema;
    }

    static McpSchema.CallToolResult text(String text) {
        return McpSchema.CallToolResult.builder().addTextContent(text).build();
    }

    static McpSchema.CallToolResult error(String message) {
        return McpSchema.CallToolResult.builder()
                .isError(true)
                .addTextContent(message)
                .build();
    }

    static McpSchema.EmbeddedResource resource(String uri, String mimeType, String text) {
        return new McpSchema.EmbeddedResource(null, new McpSchema.TextResourceContents(uri, mimeType, text));
    }

    private static SyncToolSpecification read(String name, String description, Handler handler) {
        return tool(name, description, true, inputSchema(), handler);
    }

    private static McpSchema.CallToolResult result(McpSchema.Content... content) {
        return McpSchema.CallToolResult.builder().content(List.of(content)).build();
    }

    private static McpSchema.CallToolResult withLogging(McpSyncServerExchange exchange, McpSchema.CallToolRequest call)
            throws InterruptedException {
        List<String> messages = List.of("Tool execution started", "Tool processing data", "Tool execution completed");
        for (int i = 0; i < messages.size(); i++) {
            if (i > 0) {
                Thread.sleep(NOTIFICATION_GAP_MS);
            }
            exchange.loggingNotification(
                    McpSchema.LoggingMessageNotification.builder(McpSchema.LoggingLevel.INFO, messages.get(i))
                            .logger("test_tool_with_logging")
                            .build());
        }
        return text("Tool with logging executed: " + messages.size() + " log messages sent");
    }

    private static McpSchema.CallToolResult withProgress(McpSyncServerExchange exchange, McpSchema.CallToolRequest call)
            throws InterruptedException {
        Object token = call.meta() == null ? null : call.meta().get("progressToken");
        for (int progress = 0; progress <= 100; progress += 50) {
            if (progress > 0) {
                Thread.sleep(NOTIFICATION_GAP_MS);
            }
            if (token != null) {
                exchange.progressNotification(new McpSchema.ProgressNotification(
                        token, (double) progress, 100.0, "step " + (progress / 50 + 1) + " of 3", null));
            }
        }
        return text(
                token == null
                        ? "Tool with progress executed (no progress token)"
                        : "Tool with progress executed: 3 progress notifications sent");
    }

    /** {@code json_schema_2020_12_tool}'s input schema: the suite checks that {@code tools/list} keeps its keywords. */
    private static Map<String, Object> schema2020() {
        Map<String, Object> address = Map.of(
                "type",
                "object",
                "properties",
                Map.of("street", Map.of("type", "string"), "city", Map.of("type", "string")));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("name", Map.of("type", "string"));
        properties.put("address", Map.of("$ref", "#/$defs/address"));
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", JSON_SCHEMA_2020_12);
        schema.put("type", "object");
        schema.put("$defs", Map.of("address", address));
        schema.put("properties", properties);
        schema.put("additionalProperties", false);
        return schema;
    }
}
