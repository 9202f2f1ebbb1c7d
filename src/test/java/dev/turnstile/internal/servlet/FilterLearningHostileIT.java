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
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What a client can make the filter learn or keep by the requests it chooses: a batch of
 * {@code tools/list} requests whose ids are equal as values, and paths of its own choosing under a
 * {@code /mcp/*} mapping.
 */
@ExtendWith(ArquillianExtension.class)
class FilterLearningHostileIT {

    static final String PREFIX = "lh" + Long.toHexString(System.nanoTime());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestWars.batchToolsList("hostile", TestWars.params(PREFIX));
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

    private void post(String path, String body) throws Exception {
        HttpResponse<String> r =
                RawPost.legacyCall(at(path), "x", "").rawBody(body).send();
        assertEquals(200, r.statusCode(), r.body());
    }

    private static String list(String id, String cursor) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/list\",\"params\":"
                + (cursor == null ? "{}" : "{\"cursor\":\"" + cursor + "\"}") + "}";
    }

    /** A full walk at {@code path}; returns once what the filter learned from it is in use. */
    private void walk(String path) throws Exception {
        post(path, list("11", null));
        post(path, list("12", "c1"));
        for (int i = 0; i < 750 && !"read".equals(modeOf(path, "fetch_b")); i++) {
            Thread.sleep(20);
        }
        assertEquals("read", modeOf(path, "fetch_b"), "the walk at " + path + " was learned");
    }

    /** Endpoints the instance serves before any test floods it (each learned at most once). */
    @org.junit.jupiter.api.BeforeEach
    void serveTheEndpointsOfTheTests() throws Exception {
        for (String path : new String[] {"/mcp/a", "/mcp/other", "/mcp/sync-1", "/mcp/sync-2"}) {
            modeOf(path, "fetch_b");
        }
    }

    @Test
    void aBatchWithIdsEqualAsValuesCannotReplaceTheListWithOnePage() throws Exception {
        RedisTestServers.standalone();
        walk("/mcp/a");
        assertEquals("write", modeOf("/mcp/a", "get_tally"), "readOnlyHint false outranks the get_ prefix");

        // ids 1 and 1.0 are one id to the filter: the answer to the request for page c1 (the last
        // page) is taken for the answer to the request without a cursor, a complete list of one page
        post("/mcp/a", "[" + list("1", "c1") + "," + list("1.0", null) + "]");
        walk("/mcp/other"); // learning runs in order: once this is learned, the batch's answer was read too

        assertEquals("write", modeOf("/mcp/a", "get_tally"), "a server-declared write became a read by its prefix");
        assertEquals("read", modeOf("/mcp/a", "fetch_a"));
    }

    @Test
    void pathsAClientMakesUpDoNotGrowRedisWithoutBound() throws Exception {
        RedisTestServers.standalone();
        int paths = 1100; // more than an instance keeps in memory (1000)
        for (int i = 0; i < paths; i++) {
            post("/mcp/made-up-" + i, list("7", null));
            post("/mcp/made-up-" + i, list("8", "c1"));
        }
        walk("/mcp/sync-1"); // learning runs in order: every list before it is in Redis now
        assertTrue(
                keys("*}:tools") <= 1000,
                "lists learned for paths a client made up, each kept 24 h: " + keys("*}:tools"));
    }

    @Test
    void pathsAClientMakesUpDoNotStopLearningForNewEndpoints() throws Exception {
        RedisTestServers.standalone();
        for (int i = 0; i < 1000; i++) { // tools/call without a session to paths no server answers differently
            RawPost.legacyCall(at("/mcp/junk-" + i), "x", "").send();
        }
        post("/mcp/fresh", list("7", null));
        post("/mcp/fresh", list("8", "c1"));
        walk("/mcp/sync-2"); // learning runs in order: /mcp/fresh was learned and read before this
        assertEquals("read", modeOf("/mcp/fresh", "fetch_b"), "an endpoint first served after the flood never learns");
    }

    private static int keys(String pattern) {
        try (JedisPooled redis = new JedisPooled(java.net.URI.create(System.getProperty("turnstile.test.redis")))) {
            int n = 0;
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = redis.scan(
                        cursor, new ScanParams().match(PREFIX + ":" + pattern).count(1000));
                n += page.getResult().size();
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            return n;
        }
    }
}
