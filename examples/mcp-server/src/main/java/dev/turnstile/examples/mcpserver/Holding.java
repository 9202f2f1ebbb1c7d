package dev.turnstile.examples.mcpserver;

import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/**
 * How a tool spends its {@code hold_ms}. Without a progress token it sleeps. With one
 * ({@code params._meta.progressToken}) it sleeps in steps of {@value #STEP_MS} ms and sends
 * {@code notifications/progress} on the call's event stream before each step; when a notification
 * cannot be written, the client (or the gateway in front) has closed the stream, and the tool stops
 * there: it treats the closed stream as a cancellation, as MCP 2026-07-28 asks.
 */
final class Holding {

    /** Milliseconds between two progress notifications. */
    static final long STEP_MS = 100;

    /** How a hold ended. */
    enum Outcome {
        /** The tool held for all of {@code hold_ms}. */
        COMPLETED,
        /** A progress notification could not be written: the tool stopped early. */
        CLIENT_GONE;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** When the tool ran, and how its hold ended. */
    record Held(Interval interval, Outcome outcome) {}

    private Holding() {}

    static Held hold(McpSyncServerExchange exchange, McpSchema.CallToolRequest call, long holdMs)
            throws InterruptedException {
        Object token = progressToken(call);
        if (token == null) {
            return new Held(Interval.hold(holdMs), Outcome.COMPLETED);
        }
        long start = Interval.nowMicros();
        long begin = System.nanoTime();
        while (true) {
            long done = Math.min(holdMs, (System.nanoTime() - begin) / 1_000_000L);
            if (!progress(exchange, token, done, holdMs)) {
                return new Held(new Interval(start, Interval.nowMicros()), Outcome.CLIENT_GONE);
            }
            if (done >= holdMs) {
                return new Held(new Interval(start, Interval.nowMicros()), Outcome.COMPLETED);
            }
            Thread.sleep(Math.min(STEP_MS, holdMs - done));
        }
    }

    private static Object progressToken(McpSchema.CallToolRequest call) {
        Map<String, Object> meta = call.meta();
        return meta == null ? null : meta.get("progressToken");
    }

    /** Sends one progress notification; false when it could not be written (the stream is closed). */
    private static boolean progress(McpSyncServerExchange exchange, Object token, long done, long total) {
        try {
            exchange.progressNotification(new McpSchema.ProgressNotification(
                    token, (double) done, (double) total, "held " + done + " of " + total + " ms", null));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
