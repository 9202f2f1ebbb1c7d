package dev.turnstile.examples.mcpserver;

import io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;

/**
 * The prompts of the MCP conformance suite (plain, with arguments, with an embedded resource, with an
 * image) and the completion of {@code test_prompt_with_arguments}'s arguments. {@code prompts/*} and
 * {@code completion/complete} are {@code bypass} by default: Turnstile lets them through without a place.
 */
final class ConformancePrompts {

    static final String WITH_ARGUMENTS = "test_prompt_with_arguments";
    /** What {@code completion/complete} offers for {@value #WITH_ARGUMENTS}'s arguments: those that start with the value typed. */
    static final List<String> COMPLETIONS = List.of("paris", "park", "party", "test", "testValue1", "testValue2");

    private ConformancePrompts() {}

    static List<SyncPromptSpecification> prompts() {
        return List.of(
                prompt(
                        "test_simple_prompt",
                        "A prompt without arguments.",
                        List.of(),
                        request -> List.of(user(new McpSchema.TextContent("This is a simple prompt for testing.")))),
                prompt(
                        WITH_ARGUMENTS,
                        "A prompt that quotes its two arguments.",
                        List.of(argument("arg1", "First test argument"), argument("arg2", "Second test argument")),
                        request -> List.of(user(new McpSchema.TextContent("Prompt with arguments: arg1='"
                                + value(request, "arg1") + "', arg2='" + value(request, "arg2") + "'")))),
                prompt(
                        "test_prompt_with_embedded_resource",
                        "A prompt that embeds a text resource at resourceUri.",
                        List.of(argument("resourceUri", "URI of the resource to embed")),
                        request -> List.of(
                                user(ConformanceTools.resource(
                                        value(request, "resourceUri"),
                                        "text/plain",
                                        "Embedded resource content for testing.")),
                                user(new McpSchema.TextContent("Please process the embedded resource above.")))),
                prompt(
                        "test_prompt_with_image",
                        "A prompt with an image (a 1x1 PNG).",
                        List.of(),
                        request -> List.of(
                                user(new McpSchema.ImageContent(
                                        null, ConformanceMedia.PNG_BASE64, ConformanceMedia.PNG_MIME)),
                                user(new McpSchema.TextContent("Please analyze the image above.")))));
    }

    static List<SyncCompletionSpecification> completions() {
        return List.of(new SyncCompletionSpecification(
                new McpSchema.PromptReference(WITH_ARGUMENTS), (exchange, request) -> {
                    String typed =
                            request.argument() == null || request.argument().value() == null
                                    ? ""
                                    : request.argument().value();
                    List<String> values = COMPLETIONS.stream()
                            .filter(v -> v.startsWith(typed))
                            .toList();
                    return new McpSchema.CompleteResult(
                            new McpSchema.CompleteResult.CompleteCompletion(values, values.size(), false));
                }));
    }

    private interface Messages {
        List<McpSchema.PromptMessage> of(McpSchema.GetPromptRequest request);
    }

    private static SyncPromptSpecification prompt(
            String name, String description, List<McpSchema.PromptArgument> arguments, Messages messages) {
        McpSchema.Prompt prompt = new McpSchema.Prompt(name, description, arguments);
        return new SyncPromptSpecification(
                prompt, (exchange, request) -> new McpSchema.GetPromptResult(description, messages.of(request)));
    }

    private static McpSchema.PromptArgument argument(String name, String description) {
        return new McpSchema.PromptArgument(name, description, true);
    }

    private static McpSchema.PromptMessage user(McpSchema.Content content) {
        return new McpSchema.PromptMessage(McpSchema.Role.USER, content);
    }

    private static String value(McpSchema.GetPromptRequest request, String argument) {
        Map<String, Object> arguments = request.arguments();
        Object value = arguments == null ? null : arguments.get(argument);
        return value == null ? "" : value.toString();
    }
}
