package dev.turnstile.examples.mcpserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code fetch_invoice}'s annotation as one client sees it: the tool lists the SDK client fetches itself
 * after each {@code notifications/tools/list_changed} on its event stream (this is its
 * {@code toolsChangeConsumer}), and the class the guard gives the tool now, read from its {@code mode}.
 */
final class InvoiceHints implements Consumer<List<McpSchema.Tool>> {

    static final String TOOL = "fetch_invoice";
    static final String SET_TOOL = "set_invoice_hint";
    /** The longest wait for learned state to change (a bound, not an expectation). */
    static final long WITHIN_MS = 15_000;
    /** How long one set_invoice_hint waits for its notification before it is sent again. */
    private static final long NOTIFIED_WITHIN_MS = 3_000;

    private static final int ATTEMPTS = 5;

    private final BlockingQueue<String> hints = new LinkedBlockingQueue<>();

    @Override
    public void accept(List<McpSchema.Tool> tools) {
        hints.add(tools.stream()
                .filter(t -> t.name().equals(TOOL))
                .findFirst()
                .map(t -> String.valueOf(
                        t.annotations() == null ? null : t.annotations().readOnlyHint()))
                .orElse("absent"));
    }

    /**
     * Calls set_invoice_hint with {@code readOnly} and waits until the client has fetched a tool list that
     * shows the new hint: then the notification came through. The event stream (GET) opens in the background
     * after initialize, and a notification sent before it is open reaches no one, so a call that brought none
     * is sent again (setting the same hint again sends the notification again).
     */
    void set(McpSyncClient client, boolean readOnly) throws InterruptedException {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            hints.clear();
            McpSchema.CallToolResult result = Clients.call(client, SET_TOOL, null, Map.of("read_only", readOnly));
            assertEquals(readOnly, McpServerContract.structured(result).get("readOnlyHint"), result.toString());
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(NOTIFIED_WITHIN_MS);
            for (String hint; (hint = hints.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
                if (hint.equals(Boolean.toString(readOnly))) {
                    return;
                }
            }
        }
        throw new AssertionError(
                "no notifications/tools/list_changed reached the client after " + ATTEMPTS + " calls of " + SET_TOOL);
    }

    /**
     * Calls fetch_invoice until the guard gives it {@code mode}; its last answer. While it waits it lists the
     * tools again now and then, as a client does after a change: the server sends two list_changed per
     * change, and the last one may reach the guard after the list the client fetched for the first, which it
     * then drops (until the next list, as documented).
     */
    static Map<String, Object> awaitMode(McpSyncClient client, String mode) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WITHIN_MS);
        for (int round = 1; ; round++) {
            Map<String, Object> s = McpServerContract.structured(Clients.call(client, TOOL, null, 0));
            if (mode.equals(s.get("mode"))) {
                return s;
            }
            assertTrue(
                    System.nanoTime() < deadline,
                    TOOL + " is still a " + s.get("mode") + ", not a " + mode + ", after " + WITHIN_MS + " ms");
            if (round % 10 == 0) {
                client.listTools();
            }
            Thread.sleep(50);
        }
    }
}
