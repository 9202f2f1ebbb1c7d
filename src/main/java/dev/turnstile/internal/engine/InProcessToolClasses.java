package dev.turnstile.internal.engine;

import dev.turnstile.CallClass;
import dev.turnstile.ToolClasses;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Tool classes learned in memory, for the in-process store (one instance): the same walks and
 * rules as in Redis ({@link RedisToolClasses}). At most {@link #MAX_ENDPOINTS} endpoints and as
 * many unfinished walks are kept; a walk is void after
 * {@link #WALK_TTL} or when the endpoint's list changed.
 */
final class InProcessToolClasses implements ToolClasses {

    static final int MAX_ENDPOINTS = 1000;
    static final Duration WALK_TTL = Duration.ofMinutes(5);

    private record Walk(Map<String, CallClass> tools, long epoch, long expiresAt) {}

    private final LongSupplier clock;
    private final Map<String, Map<String, CallClass>> learned = new ConcurrentHashMap<>(); // written under this
    private final Map<String, Long> epochs = lru(); // guarded by this
    private final Map<String, Walk> walks = lru(); // guarded by this

    InProcessToolClasses(LongSupplier nanoClock) {
        this.clock = nanoClock;
    }

    @Override
    public CallClass classOf(String endpoint, String tool) {
        Map<String, CallClass> tools = learned.get(endpoint);
        return tools == null ? null : tools.get(tool);
    }

    @Override
    public synchronized void learn(
            String endpoint, String cursor, Map<String, Boolean> readOnlyHints, String nextCursor) {
        long now = clock.getAsLong();
        long epoch = epochs.getOrDefault(endpoint, 0L);
        Map<String, CallClass> merged = new HashMap<>();
        if (cursor != null) {
            Walk walk = walks.remove(endpoint + '\u0000' + cursor);
            if (walk == null || walk.expiresAt - now < 0 || walk.epoch != epoch) {
                return; // a walk this store did not see begin, one that ran out, or one from before a change
            }
            merged.putAll(walk.tools);
        }
        readOnlyHints.forEach((tool, readOnly) -> merged.put(tool, readOnly ? CallClass.READ : CallClass.WRITE));
        if (merged.size() > RedisToolClasses.MAX_TOOLS) {
            return; // a list this long is not learned
        }
        if (nextCursor != null) {
            walks.put(endpoint + '\u0000' + nextCursor, new Walk(merged, epoch, now + WALK_TTL.toNanos()));
        } else {
            if (learned.size() >= MAX_ENDPOINTS && !learned.containsKey(endpoint)) {
                learned.remove(learned.keySet().iterator().next());
            }
            learned.put(endpoint, Map.copyOf(merged));
        }
    }

    @Override
    public synchronized void forget(String endpoint) {
        learned.remove(endpoint);
        epochs.merge(endpoint, 1L, Long::sum);
    }

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > MAX_ENDPOINTS;
            }
        };
    }
}
