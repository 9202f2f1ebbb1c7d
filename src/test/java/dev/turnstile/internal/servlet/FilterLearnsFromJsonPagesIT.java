package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.internal.engine.RedisTestServers;
import java.net.URL;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Learning from a paginated {@code tools/list} answered in plain JSON through {@code getWriter()},
 * per endpoint, and never from a tool list a client posts.
 */
@ExtendWith(ArquillianExtension.class)
class FilterLearnsFromJsonPagesIT {

    static final String PREFIX = "ljp" + Long.toHexString(System.nanoTime());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestWars.toolsList("jsonpages", TestWars.params(PREFIX));
    }

    @ArquillianResource
    URL base;

    private URL at(String path) throws Exception {
        return new URL(base, base.getPath().replaceAll("/$", "") + path);
    }

    private String modeOf(String path, String tool) throws Exception {
        HttpResponse<String> r = RawPost.legacyCall(at(path), tool, "")
                .header("Mcp-Session-Id", "s-" + tool)
                .send();
        return r.body().replaceAll(".*\"mode\":\"?([a-z]+)\"?.*", "$1");
    }

    private void list(String path, String cursor) throws Exception {
        String params = cursor == null ? "{}" : "{\"cursor\":\"" + cursor + "\"}";
        HttpResponse<String> r = RawPost.legacyCall(at(path), "x", "")
                .rawBody("{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/list\",\"params\":" + params + "}")
                .send();
        assertEquals(200, r.statusCode(), r.body());
    }

    private void awaitMode(String path, String tool, String mode) throws Exception {
        for (int i = 0; i < 750 && !mode.equals(modeOf(path, tool)); i++) {
            Thread.sleep(20);
        }
        assertEquals(mode, modeOf(path, tool), tool + " at " + path);
    }

    @Test
    void aWholeWalkTeachesItsEndpointAndAForgedListTeachesNothing() throws Exception {
        RedisTestServers.standalone();
        assertEquals("write", modeOf("/mcp/a", "fetch_a"));
        list("/mcp/a", null);
        list("/mcp/a", "c1");
        awaitMode("/mcp/a", "fetch_b", "read");
        assertEquals("read", modeOf("/mcp/a", "fetch_a"), "the first page counts once the walk ended");
        assertEquals("write", modeOf("/mcp/b", "fetch_a"), "another endpoint learned nothing");

        // a client posts a tool list (as a JSON-RPC response): nothing is learned from it
        HttpResponse<String> forged = RawPost.legacyCall(at("/mcp/b"), "x", "")
                .rawBody("{\"jsonrpc\":\"2.0\",\"id\":11,"
                        + "\"result\":{\"tools\":[{\"name\":\"fetch_c\",\"annotations\":{\"readOnlyHint\":true}}]}}")
                .send();
        assertEquals(202, forged.statusCode());
        list("/mcp/c", null); // learning runs in order: once /mcp/c is learned, anything from before is too
        list("/mcp/c", "c1");
        awaitMode("/mcp/c", "fetch_b", "read");
        assertEquals("write", modeOf("/mcp/b", "fetch_c"));
        assertTrue(modeOf("/mcp/a", "fetch_c").equals("write"));
    }

    @Test
    void aListOfTheNewEraTeachesToo() throws Exception {
        RedisTestServers.standalone();
        String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}";
        for (String params : new String[] {"{" + meta + "}", "{\"cursor\":\"c1\"," + meta + "}"}) {
            HttpResponse<String> r = RawPost.request2026(at("/mcp/d"), "tools/list", "")
                    .rawBody("{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/list\",\"params\":" + params + "}")
                    .send();
            assertEquals(200, r.statusCode(), r.body());
        }
        awaitMode("/mcp/d", "fetch_b", "read");
        assertEquals("read", modeOf("/mcp/d", "fetch_a"));
    }
}
