package dev.turnstile.internal.jsonrpc;

import static dev.turnstile.internal.jsonrpc.SniffAssertions.j;
import static dev.turnstile.internal.jsonrpc.SniffAssertions.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The reader learns what the official MCP Java SDK writes, and what the SDK's client reads, no more. */
class ToolsListReaderSdkTest {

    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}";

    @Test
    void shouldReadTheHintsOfAToolsListResultWrittenByTheSdk() throws IOException {
        List<McpSchema.Tool> tools = List.of(
                tool("fetch_invoice", new McpSchema.ToolAnnotations("Invoice", true, false, true, false, null)),
                tool("send_invoice", new McpSchema.ToolAnnotations(null, false, true, false, true, null)),
                tool("unannotated", null),
                tool("no_hint", new McpSchema.ToolAnnotations("t", null, true, null, null, null)));
        for (Object id : List.of(7, "req-7", 7L)) {
            byte[] body = JSON.writeValueAsBytes(
                    McpSchema.JSONRPCResponse.result(id, new McpSchema.ListToolsResult(tools, "cursor-2")));
            List<ToolsListPage> pages = ToolsListReader.read(body, 0, body.length, JsonRpcSniffer.DEFAULT_MAX_DEPTH);
            String canonical = id instanceof String text ? "s:" + text : "n:7";
            assertEquals(
                    List.of(new ToolsListPage(
                            canonical, Map.of("fetch_invoice", true, "send_invoice", false), "cursor-2")),
                    pages,
                    new String(body, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static McpSchema.Tool tool(String name, McpSchema.ToolAnnotations annotations) {
        return McpSchema.Tool.builder()
                .name(name)
                .description("d")
                .inputSchema(JSON, SCHEMA)
                .annotations(annotations)
                .build();
    }

    static Stream<String> acceptedBodies() {
        return Stream.of(
                ToolsListReaderTest.page(
                        "1",
                        String.join(
                                ",",
                                ToolsListReaderTest.tool("a", "{'readOnlyHint':true}"),
                                ToolsListReaderTest.tool("b", "{'readOnlyHint':false,'title':'x'}"),
                                ToolsListReaderTest.tool("c", null))),
                j("{'jsonrpc':'2.0','\\u0069d':1,'res\\u0075lt':{'tool\\u0073':[{'n\\u0061me':'t\\u0031',"
                        + "'annot\\u0061tions':{'read\\u004fnlyHint':true}}],'next\\u0043ursor':'c'}}"),
                j("{'jsonrpc':'2.0','id':'x','result':{'_meta':{'tools':5},'tools':[{'name':'\\ud83d\\ude00',"
                        + "'annotations':{'nested':{'readOnlyHint':true},'readOnlyHint':false}}]}}"));
    }

    @ParameterizedTest
    @MethodSource("acceptedBodies")
    void shouldLearnWhatTheSdkClientReads(String json) throws IOException {
        byte[] body = utf8(json);
        List<ToolsListPage> pages = ToolsListReader.read(body, 0, body.length, JsonRpcSniffer.DEFAULT_MAX_DEPTH);
        assertEquals(1, pages.size());
        assertEquals(sdkHints(body), pages.get(0).readOnlyHints());
    }

    @Test
    void shouldAgreeWithTheSdkOnEveryMutatedListItAccepts() throws IOException {
        byte[] seed = JSON.writeValueAsBytes(McpSchema.JSONRPCResponse.result(
                1,
                new McpSchema.ListToolsResult(
                        List.of(
                                tool("get_a", new McpSchema.ToolAnnotations(null, true, null, null, null, null)),
                                tool("put_b", new McpSchema.ToolAnnotations(null, false, null, null, null, null)),
                                tool("c", null)),
                        null)));
        Random random = new Random(5);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] body = mutate(seed, random);
            List<ToolsListPage> pages;
            try {
                pages = ToolsListReader.read(body, 0, body.length, JsonRpcSniffer.DEFAULT_MAX_DEPTH);
            } catch (MalformedToolsListException refused) {
                continue;
            } catch (RuntimeException e) {
                fail("mutation " + i + " threw " + e + " for " + HexFormat.of().formatHex(body), e);
                return;
            }
            if (!pages.isEmpty()) {
                accepted++;
                assertEquals(
                        List.of(sdkHints(body)),
                        pages.stream().map(ToolsListPage::readOnlyHints).toList(),
                        () -> "the SDK reads otherwise: " + HexFormat.of().formatHex(body));
            }
        }
        assertFalse(accepted == 0, "no mutation was accepted: only the error paths ran");
    }

    /** The read-only hints as the SDK's client reads them from a response body. */
    private static Map<String, Boolean> sdkHints(byte[] body) throws IOException {
        McpSchema.JSONRPCResponse response = JSON.readValue(body, McpSchema.JSONRPCResponse.class);
        McpSchema.ListToolsResult result = JSON.convertValue(response.result(), McpSchema.ListToolsResult.class);
        Map<String, Boolean> hints = new HashMap<>();
        for (McpSchema.Tool tool : result.tools()) {
            if (tool.annotations() != null && tool.annotations().readOnlyHint() != null) {
                hints.put(tool.name(), tool.annotations().readOnlyHint());
            }
        }
        return hints;
    }

    private static final byte[] INTERESTING = utf8("{}[]\",:\\ 0123456789-.etrufalsn");

    /** One to three random byte edits: replace, insert or delete. */
    private static byte[] mutate(byte[] seed, Random random) {
        byte[] body = seed;
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
            int at = random.nextInt(body.length);
            byte b =
                    random.nextBoolean() ? INTERESTING[random.nextInt(INTERESTING.length)] : (byte) random.nextInt(256);
            switch (random.nextInt(3)) {
                case 0 -> {
                    body = body.clone();
                    body[at] = b;
                }
                case 1 -> {
                    byte[] longer = Arrays.copyOf(body, body.length + 1);
                    System.arraycopy(body, at, longer, at + 1, body.length - at);
                    longer[at] = b;
                    body = longer;
                }
                default -> {
                    byte[] shorter = Arrays.copyOf(body, body.length - 1);
                    System.arraycopy(body, at + 1, shorter, at, body.length - at - 1);
                    body = shorter;
                }
            }
        }
        return body;
    }
}
