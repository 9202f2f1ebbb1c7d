package dev.turnstile.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.CallClass;
import dev.turnstile.Classifier;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TurnstileSettingsTest {

    private final Map<String, String> params = new HashMap<>();
    private final Map<String, String> props = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();
    private final Map<String, String> files = new HashMap<>();

    private TurnstileSettings load() {
        Function<String, InputStream> resources = name -> files.containsKey(name)
                ? new ByteArrayInputStream(files.get(name).getBytes(StandardCharsets.UTF_8))
                : null;
        return TurnstileSettings.load(new SettingSource(params::get, props::get, env), resources);
    }

    private IllegalArgumentException fails() {
        return assertThrows(IllegalArgumentException.class, this::load);
    }

    @Test
    void defaultsApplyWithoutAnySetting() {
        GuardOptions o = load().options();
        assertEquals(GuardOptions.defaults(), o);
        assertEquals(16L * 1024 * 1024, o.maxBodySize());
        assertEquals(-32002, o.busyCode());
        assertEquals("X-Mcp-Turn-Id", o.turnHeader());
        assertEquals(WaitMode.ASYNC, o.waitMode());
    }

    @Test
    void waitModeIsAsyncOrBlocking() {
        params.put("turnstile.wait-mode", "blocking");
        assertEquals(WaitMode.BLOCKING, load().options().waitMode());
        env.put("TURNSTILE_WAIT_MODE", "Async");
        assertEquals(WaitMode.ASYNC, load().options().waitMode());
    }

    @Test
    void systemPropertyBeatsEnvironmentBeatsInitParam() {
        params.put("turnstile.busy-code", "-32001");
        assertEquals(-32001, load().options().busyCode());
        env.put("TURNSTILE_BUSY_CODE", "-32010");
        assertEquals(-32010, load().options().busyCode());
        props.put("turnstile.busy-code", "-32020");
        assertEquals(-32020, load().options().busyCode());
    }

    @Test
    void aBlankValueCountsAsAbsent() {
        params.put("turnstile.busy-code", "-32001");
        env.put("TURNSTILE_BUSY_CODE", " ");
        props.put("turnstile.busy-code", "");
        assertEquals(-32001, load().options().busyCode());
    }

    @Test
    void anErrorNamesTheSourceTheBadValueCameFrom() {
        params.put("turnstile.acquire-timeout", "5s");
        env.put("TURNSTILE_ACQUIRE_TIMEOUT", "never");
        assertTrue(
                fails().getMessage().startsWith("environment variable TURNSTILE_ACQUIRE_TIMEOUT "),
                fails().getMessage());
        props.put("turnstile.acquire-timeout", "soon");
        assertTrue(fails().getMessage().startsWith("system property turnstile.acquire-timeout "), fails().getMessage());
        env.put("TURNSTILE_ACQUIRE_TIMEOUT", "5s");
        props.clear();
        params.put("turnstile.acquire-timeout", "later");
        assertEquals("5s", new SettingSource(params::get, props::get, env).get("acquire-timeout"));
        assertEquals(
                "environment variable TURNSTILE_ACQUIRE_TIMEOUT",
                new SettingSource(params::get, props::get, env).describe("acquire-timeout"));
    }

    @Test
    void durationsAndSizesAcceptTheDocumentedForms() {
        assertEquals(Duration.ofMillis(250), Values.duration("x", "250ms"));
        assertEquals(Duration.ofSeconds(5), Values.duration("x", "5s"));
        assertEquals(Duration.ofMinutes(2), Values.duration("x", "2m"));
        assertEquals(Duration.ofSeconds(5), Values.duration("x", "PT5S"));
        assertEquals(Duration.ofSeconds(5), Values.duration("x", "pt5s"));
        assertEquals(Duration.ofDays(1), Values.duration("x", "1d"));
        assertEquals(65536, Values.size("x", "64KiB"));
        assertEquals(16L * 1024 * 1024, Values.size("x", "16MiB"));
        assertEquals(1000, Values.size("x", "1000"));
        params.put("turnstile.max-body-size", "1MiB");
        params.put("turnstile.fail-open-reads", "true");
        params.put("turnstile.turn-header", "X-Agent-Turn");
        params.put("turnstile.bind-principal", "yes");
        GuardOptions o = load().options();
        assertEquals(1024 * 1024, o.maxBodySize());
        assertTrue(o.failOpenReads());
        assertFalse(o.failOpenWrites());
        assertEquals("X-Agent-Turn", o.turnHeader());
        assertTrue(o.bindPrincipal());
    }

    @Test
    void badValuesFailAtStartNamingTheSettingAndTheValue() {
        for (String[] bad : new String[][] {
            {"turnstile.acquire-timeout", "soon", "turnstile.acquire-timeout"},
            {"turnstile.lease", "100ms", "lease"},
            {"turnstile.max-body-size", "lots", "turnstile.max-body-size"},
            {"turnstile.fail-open-writes", "maybe", "turnstile.fail-open-writes"},
            {"turnstile.busy-code", "x", "turnstile.busy-code"},
            {"turnstile.key-prefix", "a{b}", "key-prefix"},
            {"turnstile.turn-header", "Bad Header", "turn-header"},
            {"turnstile.redis-url", "http://h:1", "redis-url"},
            {"turnstile.wait-mode", "sometimes", "turnstile.wait-mode"},
            {"turnstile.redis-cluster", "h1", "redis-cluster"}
        }) {
            params.clear();
            params.put(bad[0], bad[1]);
            IllegalArgumentException e = fails();
            assertTrue(
                    e.getMessage().contains(bad[2]) && e.getMessage().contains(bad[1]), bad[0] + ": " + e.getMessage());
        }
        env.put("TURNSTILE_ACQUIRE_TIMEOUT", "never");
        assertTrue(fails().getMessage().contains("TURNSTILE_ACQUIRE_TIMEOUT"));
    }

    @Test
    void theClassificationFileMapsMethodsToolsGlobsAndTheSeedsOperationClasses() {
        files.put("/WEB-INF/turnstile.json", """
                {"methods": {"resources/read": "read", "prompts/get": "write"},
                 "tools": {"lookup_*": "read", "lookup_and_charge": "write", "read_*_unsafe": "write"},
                 "operationClasses": {"refund_small": "write", "quote": "read"}}""");
        params.put("turnstile.classification-file", "/WEB-INF/turnstile.json");
        Classifier c = load().classifier();
        assertEquals(CallClass.READ, c.classify("resources/read", null));
        assertEquals(CallClass.WRITE, c.classify("prompts/get", null));
        assertEquals(CallClass.BYPASS, c.classify("tools/list", null));
        assertEquals(CallClass.READ, c.classify("tools/call", "lookup_charge"));
        assertEquals(CallClass.WRITE, c.classify("tools/call", "lookup_and_charge"));
        assertEquals(CallClass.WRITE, c.classify("tools/call", "read_x_unsafe"));
        assertEquals(CallClass.READ, c.classify("tools/call", "read_x"));
        assertEquals(CallClass.READ, c.classify("tools/call", "quote"));
        assertEquals(CallClass.WRITE, c.classify("tools/call", "refund_small"));
        assertEquals(CallClass.WRITE, c.classify("tools/call", "anything_else"));
        assertEquals(CallClass.WRITE, c.classify("tools/call", null));
    }

    @Test
    void aBadClassificationFileFailsNamingTheEntry() {
        params.put("turnstile.classification-file", "/WEB-INF/c.json");
        files.put("/WEB-INF/c.json", "{\"tools\": {\"get_x\": \"sometimes\"}}");
        assertTrue(fails().getMessage().contains("tools.get_x"));
        files.put("/WEB-INF/c.json", "{\"operationClasses\": {\"x\": \"bypass\"}}");
        assertTrue(fails().getMessage().contains("operationClasses.x"));
        files.put("/WEB-INF/c.json", "{\"tool\": {}}");
        assertTrue(fails().getMessage().contains("'tool'"));
        files.put("/WEB-INF/c.json", "{not json");
        assertTrue(fails().getMessage().contains("not valid JSON"));
        params.put("turnstile.classification-file", "/WEB-INF/missing.json");
        assertTrue(fails().getMessage().contains("/WEB-INF/missing.json"));
    }

    @Test
    void thePrefixHeuristicNeedsSomethingAfterThePrefix() {
        Classifier c = Classifier.defaults();
        assertEquals(CallClass.READ, c.classifyTool("get_balance"));
        assertEquals(CallClass.READ, c.classifyTool("list_refunds"));
        assertEquals(CallClass.READ, c.classifyTool("read_file"));
        assertEquals(CallClass.WRITE, c.classifyTool("get_"));
        assertEquals(CallClass.WRITE, c.classifyTool("Get_balance"));
        assertEquals(CallClass.WRITE, c.classifyTool("create_refund"));
        assertEquals(CallClass.WRITE, c.classifyTool(""));
    }
}
