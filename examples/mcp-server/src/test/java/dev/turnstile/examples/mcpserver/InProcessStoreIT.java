package dev.turnstile.examples.mcpserver;

import java.util.Map;

/** The contract on Turnstile's in-process store (no TURNSTILE_REDIS_URL). */
class InProcessStoreIT extends McpServerContract {

    @Override
    String store() {
        return "inprocess";
    }

    @Override
    Map<String, String> storeEnv(String server) {
        return Map.of();
    }
}
