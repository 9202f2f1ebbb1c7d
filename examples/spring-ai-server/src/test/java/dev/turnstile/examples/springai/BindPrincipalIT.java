package dev.turnstile.examples.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.turnstile.Turnstile;
import io.modelcontextprotocol.client.McpSyncClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Spring Security (HTTP Basic) in front of Turnstile's auto-configured filter, with
 * {@code bind-principal=true}: Turnstile runs after Security, sees the user, and keys sessions by it;
 * a call that has to wait resumes through Security's filter chain.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BindPrincipalIT {

    private static final String ALICE = RawMcp.basic("alice", "a-secret");
    private static final String BOB = RawMcp.basic("bob", "b-secret");
    private static final String REDIS = System.getProperty("turnstile.test.redis", "").trim();
    private ServerProcess server;

    @BeforeAll
    void start() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(Map.of("EXAMPLE_USERS", "alice:a-secret,bob:b-secret",
                "TURNSTILE_BIND_PRINCIPAL", "true", "TURNSTILE_ACQUIRE_TIMEOUT", "30s"));
        if (!REDIS.isEmpty()) {
            env.put("TURNSTILE_REDIS_URL", REDIS);
            env.put("TURNSTILE_KEY_PREFIX", "exspringbp" + Long.toHexString(System.nanoTime()));
        }
        server = ServerProcess.start("spring-bind-principal", env);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.kill();
        }
    }

    @Test
    void aRequestWithoutCredentialsIsRefusedBySecurity() throws Exception {
        assertEquals(401, RawMcp.open(server.endpoint, ALICE).post(null, "{\"jsonrpc\":\"2.0\",\"id\":2,"
                + "\"method\":\"tools/call\",\"params\":{\"name\":\"create_refund\",\"arguments\":{}}}").statusCode());
    }

    @Test
    void theSessionIsKeyedByTheUserThatSecurityAuthenticated() throws Exception {
        RawMcp alices = RawMcp.open(server.endpoint, ALICE);
        String alice = (String) alices.callTool(ALICE, "create_refund").get("sessionHash");
        // the same session id sent by another user is another place: bob cannot hold alice's session busy
        String bob = (String) alices.callTool(BOB, "create_refund").get("sessionHash");
        assertNotEquals(Turnstile.sessionHash(alices.sessionId), alice, "the principal is not part of the key");
        assertNotEquals(alice, bob);
        assertEquals(alice, alices.callTool(ALICE, "get_balance").get("sessionHash"));
    }

    @Test
    void aCallThatWaitsResumesThroughSecurity() throws Exception {
        McpSyncClient c = Clients.connect(server.endpoint, Map.of("Authorization", ALICE));
        try {
            CyclicBarrier barrier = new CyclicBarrier(2);
            List<CompletableFuture<ToolRun>> calls = List.of("create_refund", "delete_customer").stream()
                    .map(tool -> CompletableFuture.supplyAsync(() -> {
                        try {
                            barrier.await(30, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        return ToolRun.of(Clients.call(c, tool, "W", 300));
                    })).toList();
            List<ToolRun> runs = List.of(calls.get(0).get(2, TimeUnit.MINUTES), calls.get(1).get(2, TimeUnit.MINUTES));
            assertEquals(List.of(), ToolRun.violations(runs)); // one waited, then ran after the other
        } finally {
            c.closeGracefully();
        }
    }
}
