package dev.turnstile.internal.servlet;

import dev.turnstile.Mode;
import dev.turnstile.testing.OverlapHistory;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * State shared by the tools of {@link McpTestApp} (running in the embedded container) and the
 * tests (same JVM, same class loader: this class is not packaged in the test WAR).
 */
public final class ToolProbe {

    public static volatile OverlapHistory history = new OverlapHistory();
    public static final AtomicInteger calls = new AtomicInteger();
    /** {@code <turn>:<dispatcher type>} of every tool call of {@link McpTestApp}, in order. */
    public static final List<String> dispatched = new CopyOnWriteArrayList<>();

    private static final ConcurrentHashMap<String, CountDownLatch> entered = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, CountDownLatch> gates = new ConcurrentHashMap<>();

    private ToolProbe() {}

    public static void reset() {
        history = new OverlapHistory();
        calls.set(0);
        dispatched.clear();
        entered.clear();
        gates.clear();
    }

    /** Called by a tool: records its section, and waits at its gate (if it has one) while inside. */
    public static void run(String session, String turn, Mode mode, String gate, long holdMillis)
            throws InterruptedException {
        calls.incrementAndGet();
        long enter = history.enter();
        try {
            if (gate != null) {
                entered(gate).countDown();
                if (!gate(gate).await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate " + gate + " was never opened");
                }
            }
            if (holdMillis > 0) {
                TimeUnit.MILLISECONDS.sleep(holdMillis);
            }
        } finally {
            history.exit(session, turn, mode, enter);
        }
    }

    /** Waits until a tool call with this gate is inside the guarded section. */
    public static void awaitEntered(String gate) throws InterruptedException {
        if (!entered(gate).await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("no tool call reached gate " + gate);
        }
    }

    public static boolean hasEntered(String gate) {
        return entered(gate).getCount() == 0;
    }

    public static void open(String gate) {
        gate(gate).countDown();
    }

    private static CountDownLatch entered(String gate) {
        return entered.computeIfAbsent(gate, g -> new CountDownLatch(1));
    }

    private static CountDownLatch gate(String gate) {
        return gates.computeIfAbsent(gate, g -> new CountDownLatch(1));
    }
}
