package dev.turnstile.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The upstream's {@code fetch_invoice} (annotated {@code readOnlyHint}, no read prefix, no rule) as one client
 * sees it: the tool lists the SDK client fetches by itself after each {@code notifications/tools/list_changed}
 * on its event stream (this is its {@code toolsChangeConsumer}), and the class a replica gives the tool now,
 * read from the {@code mode} the upstream reports (the gateway's {@code Turnstile-Mode} header).
 */
final class InvoiceHints implements Consumer<List<McpSchema.Tool>> {

    static final String TOOL = "fetch_invoice";
    static final String SET_TOOL = "set_invoice_hint";
    /** The longest wait for learned state to change or to reach another replica: a bound, not an expectation. */
    static final long WITHIN_MS = 15_000;
    /** How long one set_invoice_hint waits for its notification before it is sent again. */
    private static final long NOTIFIED_WITHIN_MS = 3_000;

    private static final int ATTEMPTS = 5;
    /** The notifications one set_invoice_hint sends to each session: at the removal, and at the registration. */
    private static final int NOTIFICATIONS = 2;

    private final BlockingQueue<String> hints = new LinkedBlockingQueue<>();

    @Override
    public void accept(List<McpSchema.Tool> tools) {
        hints.add(String.valueOf(hintOf(tools)));
    }

    /** fetch_invoice's readOnlyHint in a tool list (null when it has none, or is not listed). */
    static Boolean hintOf(List<McpSchema.Tool> tools) {
        return tools.stream()
                .filter(t -> t.name().equals(TOOL))
                .findFirst()
                .map(t -> t.annotations() == null ? null : t.annotations().readOnlyHint())
                .orElse(null);
    }

    /**
     * Calls set_invoice_hint through {@code via} and waits until both notifications it causes (the upstream
     * removes the tool, then registers it again) have reached the client on its event stream, which it
     * tells by the tool lists the SDK fetched after them; one of them shows the new hint. That stream opens
     * in the background after initialize, and a notification sent before it is open reaches no one, so a
     * call that did not bring both is made again (setting the same hint again notifies again).
     */
    void set(RoutedClient client, URI via, boolean readOnly) throws InterruptedException {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            hints.clear();
            Map<String, Object> answer = client.call(via, null, SET_TOOL, Map.of("read_only", readOnly), null);
            assertEquals(readOnly, answer.get("readOnlyHint"), answer.toString());
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(NOTIFIED_WITHIN_MS);
            for (String hint;
                    seen.size() < NOTIFICATIONS
                            && (hint = hints.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
                seen.add(hint);
            }
            if (seen.size() == NOTIFICATIONS) {
                assertTrue(seen.contains(Boolean.toString(readOnly)), "the lists after the notifications: " + seen);
                return;
            }
        }
        throw new AssertionError("the notifications/tools/list_changed of " + SET_TOOL + " did not reach the client"
                + " in " + ATTEMPTS + " calls");
    }

    /** Calls fetch_invoice through {@code via} until that replica gives it {@code mode}; its last answer. */
    static Map<String, Object> awaitMode(RoutedClient client, URI via, String mode) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WITHIN_MS);
        while (true) {
            Map<String, Object> answer = client.call(via, null, TOOL, 0);
            if (mode.equals(answer.get("mode"))) {
                return answer;
            }
            assertTrue(
                    System.nanoTime() < deadline,
                    TOOL + " through " + via + " is still a " + answer.get("mode") + ", not a " + mode + ", after "
                            + WITHIN_MS + " ms");
            Thread.sleep(50);
        }
    }
}
