package dev.turnstile.examples.mcpserver;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The tools of the MCP conformance suite that ask the client while they run: one samples
 * ({@code sampling/createMessage}), three elicit ({@code elicitation/create}). Each is a write,
 * annotated {@code readOnlyHint: false}, and holds its write place while it waits for the client's answer,
 * which Turnstile lets through without a lock (a JSON-RPC response). A client without the capability
 * gets a tool error.
 */
final class ConformanceAsks {

    private ConformanceAsks() {}

    static List<SyncToolSpecification> specifications() {
        return List.of(
                ConformanceTools.tool(
                        "test_sampling",
                        "Asks the client for an LLM completion of prompt " + "(sampling/createMessage) and returns it.",
                        false,
                        ConformanceTools.inputSchema("prompt"),
                        ConformanceAsks::sample),
                ConformanceTools.tool(
                        "test_elicitation",
                        "Asks the user for a username and an email "
                                + "(elicitation/create), showing message, and returns the answer.",
                        false,
                        ConformanceTools.inputSchema("message"),
                        (exchange, call) -> elicit(
                                exchange,
                                argument(call, "message"),
                                schema(userFields(), List.of("username", "email")))),
                ConformanceTools.tool(
                        "test_elicitation_sep1034_defaults",
                        "Elicits one field of each primitive " + "type, each with a default (SEP-1034).",
                        false,
                        ConformanceTools.inputSchema(),
                        (exchange, call) -> elicit(
                                exchange, "Please review your information", schema(fieldsWithDefaults(), List.of()))),
                ConformanceTools.tool(
                        "test_elicitation_sep1330_enums",
                        "Elicits the five kinds of enum " + "field (SEP-1330).",
                        false,
                        ConformanceTools.inputSchema(),
                        (exchange, call) -> elicit(exchange, "Please choose", schema(enumFields(), List.of()))));
    }

    private static McpSchema.CallToolResult sample(McpSyncServerExchange exchange, McpSchema.CallToolRequest call) {
        McpSchema.ClientCapabilities client = exchange.getClientCapabilities();
        if (client == null || client.sampling() == null) {
            return ConformanceTools.error("test_sampling needs a client that supports sampling");
        }
        McpSchema.SamplingMessage message =
                new McpSchema.SamplingMessage(McpSchema.Role.USER, new McpSchema.TextContent(argument(call, "prompt")));
        McpSchema.CreateMessageResult answer = exchange.createMessage(
                McpSchema.CreateMessageRequest.builder(List.of(message), 100).build());
        String text = answer.content() instanceof McpSchema.TextContent t ? t.text() : String.valueOf(answer.content());
        return ConformanceTools.text("LLM response: " + text);
    }

    private static McpSchema.CallToolResult elicit(
            McpSyncServerExchange exchange, String message, Map<String, Object> schema) {
        McpSchema.ClientCapabilities client = exchange.getClientCapabilities();
        if (client == null || client.elicitation() == null) {
            return ConformanceTools.error("this tool needs a client that supports elicitation");
        }
        McpSchema.ElicitResult answer = exchange.createElicitation(
                McpSchema.ElicitFormRequest.builder(message, schema).build());
        return ConformanceTools.text("Elicitation completed: action="
                + answer.action().name().toLowerCase(Locale.ROOT) + ", content=" + answer.content());
    }

    private static String argument(McpSchema.CallToolRequest call, String name) {
        Object value = call.arguments() == null ? null : call.arguments().get(name);
        return value == null ? "" : value.toString();
    }

    private static Map<String, Object> schema(Map<String, Object> properties, List<String> required) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        return schema;
    }

    private static Map<String, Object> userFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("username", Map.of("type", "string", "description", "User's response"));
        fields.put("email", Map.of("type", "string", "description", "User's email address"));
        return fields;
    }

    private static Map<String, Object> fieldsWithDefaults() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", Map.of("type", "string", "default", "John Doe"));
        fields.put("age", Map.of("type", "integer", "default", 30));
        fields.put("score", Map.of("type", "number", "default", 95.5));
        fields.put(
                "status",
                Map.of("type", "string", "enum", List.of("active", "inactive", "pending"), "default", "active"));
        fields.put("verified", Map.of("type", "boolean", "default", true));
        return fields;
    }

    private static Map<String, Object> enumFields() {
        List<Map<String, String>> titled = titled("value", "First Option", "Second Option", "Third Option");
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("untitledSingle", Map.of("type", "string", "enum", List.of("option1", "option2", "option3")));
        fields.put("titledSingle", Map.of("type", "string", "oneOf", titled));
        fields.put(
                "legacyEnum",
                Map.of(
                        "type",
                        "string",
                        "enum",
                        List.of("opt1", "opt2", "opt3"),
                        "enumNames",
                        List.of("Option One", "Option Two", "Option Three")));
        fields.put(
                "untitledMulti",
                Map.of(
                        "type",
                        "array",
                        "items",
                        Map.of("type", "string", "enum", List.of("option1", "option2", "option3"))));
        fields.put(
                "titledMulti",
                Map.of(
                        "type",
                        "array",
                        "items",
                        Map.of("anyOf", titled("value", "First Choice", "Second Choice", "Third Choice"))));
        return fields;
    }

    /** {@code {"const": "<prefix>1", "title": titles[0]}, ...} */
    private static List<Map<String, String>> titled(String prefix, String... titles) {
        return IntStream.range(0, titles.length)
                .mapToObj(i -> Map.of("const", prefix + (i + 1), "title", titles[i]))
                .toList();
    }
}
