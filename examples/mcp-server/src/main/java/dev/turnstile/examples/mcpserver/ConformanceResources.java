package dev.turnstile.examples.mcpserver;

import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resources and the resource template of the MCP conformance suite: a text resource, a binary one,
 * one to subscribe to ({@code resources/subscribe}, which the SDK keeps track of per session), and
 * {@code test://template/{id}/data}. {@code resources/*} methods are {@code bypass} by default: Turnstile
 * lets them through without a place.
 */
final class ConformanceResources {

    static final String TEXT_URI = "test://static-text";
    static final String BINARY_URI = "test://static-binary";
    static final String WATCHED_URI = "test://watched-resource";
    static final String TEMPLATE = "test://template/{id}/data";
    private static final Pattern TEMPLATE_URI = Pattern.compile("test://template/([A-Za-z0-9_-]{1,64})/data");

    private ConformanceResources() {}

    static List<SyncResourceSpecification> resources() {
        return List.of(
                text(TEXT_URI, "static-text", "A text resource.", "This is the content of the static text resource."),
                new SyncResourceSpecification(
                        resource(BINARY_URI, "static-binary", "A 1x1 PNG.", ConformanceMedia.PNG_MIME),
                        (exchange, request) ->
                                new McpSchema.ReadResourceResult(List.of(new McpSchema.BlobResourceContents(
                                        BINARY_URI, ConformanceMedia.PNG_MIME, ConformanceMedia.PNG_BASE64)))),
                text(
                        WATCHED_URI,
                        "watched-resource",
                        "A resource to subscribe to.",
                        "This is the content of the watched resource."));
    }

    static List<SyncResourceTemplateSpecification> templates() {
        McpSchema.ResourceTemplate template = McpSchema.ResourceTemplate.builder(TEMPLATE, "template-data")
                .description("JSON data for an id, read from the URI")
                .mimeType("application/json")
                .build();
        return List.of(new SyncResourceTemplateSpecification(template, (exchange, request) -> {
            Matcher id = TEMPLATE_URI.matcher(request.uri());
            if (!id.matches()) {
                throw McpError.RESOURCE_NOT_FOUND.apply(request.uri()); // ids are letters, digits, _ or -
            }
            String json = "{\"id\":\"" + id.group(1) + "\",\"templateTest\":true,\"data\":\"Data for ID: " + id.group(1)
                    + "\"}";
            return new McpSchema.ReadResourceResult(
                    List.of(new McpSchema.TextResourceContents(request.uri(), "application/json", json)));
        }));
    }

    private static SyncResourceSpecification text(String uri, String name, String description, String text) {
        return new SyncResourceSpecification(
                resource(uri, name, description, "text/plain"),
                (exchange, request) -> new McpSchema.ReadResourceResult(
                        List.of(new McpSchema.TextResourceContents(uri, "text/plain", text))));
    }

    private static McpSchema.Resource resource(String uri, String name, String description, String mimeType) {
        return McpSchema.Resource.builder(uri, name)
                .description(description)
                .mimeType(mimeType)
                .build();
    }
}
