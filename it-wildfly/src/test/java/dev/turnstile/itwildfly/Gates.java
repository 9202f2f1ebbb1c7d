package dev.turnstile.itwildfly;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Server-side gates of the {@link InterceptorOnWildFlyIT} deployment. A guarded bean method with a
 * gate G signals "entered G" and waits, inside its guarded section, until the test opens G. The test
 * JVM drives them over HTTP through {@link GuardedToolServlet} ({@code GET /mcp/await|entered|open}).
 */
@ApplicationScoped
public class Gates {

    private static final long OPEN_TIMEOUT_S = 60;
    private static final long AWAIT_TIMEOUT_S = 30;

    private final ConcurrentHashMap<String, CountDownLatch> entered = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CountDownLatch> opened = new ConcurrentHashMap<>();

    /** Called inside a guarded method: marks the gate entered and waits until it is opened. */
    public void pass(String gate) {
        if (gate == null) {
            return;
        }
        entered(gate).countDown();
        try {
            if (!opened(gate).await(OPEN_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate " + gate + " was never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at gate " + gate, e);
        }
    }

    /** Waits until a call is inside at this gate; false if none arrived in time. */
    public boolean awaitEntered(String gate) throws InterruptedException {
        return entered(gate).await(AWAIT_TIMEOUT_S, TimeUnit.SECONDS);
    }

    public boolean hasEntered(String gate) {
        return entered(gate).getCount() == 0;
    }

    public void open(String gate) {
        opened(gate).countDown();
    }

    private CountDownLatch entered(String gate) {
        return entered.computeIfAbsent(gate, g -> new CountDownLatch(1));
    }

    private CountDownLatch opened(String gate) {
        return opened.computeIfAbsent(gate, g -> new CountDownLatch(1));
    }
}
