package dev.turnstile.internal.engine;

import dev.turnstile.CallClass;
import dev.turnstile.ToolClasses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Tool classes learned in Redis and shared by every instance on it: one hash per endpoint
 * ({@code <prefix>:{t.<endpoint hash>}:tools}, {@link #TTL}, set again with every full list),
 * written by {@code learn.lua}, which merges the pages of a cursor walk and publishes on the
 * endpoint's channel when the learned classes change.
 *
 * <p>Each instance keeps what it read in memory, so that {@link #classOf} never waits for Redis: an
 * endpoint it serves for the first time is read in the background (until then nothing is learned
 * there), and read again when its channel says it changed, when the subscription was lost or made
 * again, and when its version changed, checked every {@link #REFRESH} in case a message was lost. So a class learned through one
 * instance reaches the others about one round trip after the list was seen, and at the latest
 * after {@link #REFRESH}. Every Redis failure is logged (once per kind of operation until one
 * succeeds again) and otherwise ignored: the rules and the read prefixes still apply.
 */
final class RedisToolClasses implements ToolClasses, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisToolClasses.class);
    private static final LuaScript LEARN = LuaScript.alone("learn.lua");

    /** How long learned classes live in Redis after the last full list that set them. */
    static final Duration TTL = Duration.ofHours(24);
    /** How often an instance reads again the classes of the endpoints it serves. */
    static final Duration REFRESH = Duration.ofSeconds(10);
    /** How long an unfinished cursor walk waits for its next page. */
    static final Duration WALK_TTL = Duration.ofMinutes(5);
    /** The most tools one list may teach: a longer list is not learned. */
    static final int MAX_TOOLS = 10_000;
    /** The most endpoints one instance keeps in memory. */
    static final int MAX_ENDPOINTS = 1000;

    /** One endpoint's learned classes, as last read. */
    private static final class Endpoint {
        final String hash;
        final AtomicBoolean readQueued = new AtomicBoolean(); // one read waits at most: later changes share it
        volatile Map<String, CallClass> classes = Map.of();
        volatile String version; // of the classes read last ("<epoch>:<n>"), null when none were stored

        Endpoint(String hash) {
            this.hash = hash;
        }
    }

    private final Supplier<UnifiedJedis> redis;
    private final RedisKeys keys;
    private final Function<String, CompletableFuture<Void>> subscribe;
    private final Consumer<String> unsubscribe;
    private final Map<String, Endpoint> byEndpoint = new ConcurrentHashMap<>();
    private final Map<String, Endpoint> byHash = new ConcurrentHashMap<>();
    private final DaemonThreads threadFactory;
    private final ScheduledExecutorService thread;
    private final Map<String, AtomicBoolean> failing = new ConcurrentHashMap<>();

    /**
     * @param subscribe   listens on a channel (never blocks); {@link #changed} is then told of its messages
     * @param unsubscribe stops listening on a channel
     * @param threads     makes its thread (null: a plain daemon thread)
     */
    RedisToolClasses(
            Supplier<UnifiedJedis> redis,
            RedisKeys keys,
            Function<String, CompletableFuture<Void>> subscribe,
            Consumer<String> unsubscribe,
            ThreadFactory threads) {
        this.threadFactory = new DaemonThreads("turnstile-tool-classes", threads);
        this.thread = Executors.newSingleThreadScheduledExecutor(threadFactory);
        this.redis = redis;
        this.keys = keys;
        this.subscribe = subscribe;
        this.unsubscribe = unsubscribe;
        thread.scheduleWithFixedDelay(this::readAll, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public CallClass classOf(String endpoint, String tool) {
        Endpoint e = byEndpoint.get(endpoint);
        if (e == null) {
            e = serve(endpoint);
        }
        return e.classes.get(tool);
    }

    @Override
    public void learn(String endpoint, String cursor, Map<String, Boolean> readOnlyHints, String nextCursor) {
        List<String> args = new ArrayList<>(5 + 2 * readOnlyHints.size());
        args.addAll(List.of(
                "page",
                millis(TTL),
                millis(WALK_TTL),
                cursor == null ? "0" : "1",
                nextCursor == null ? "0" : "1",
                Integer.toString(MAX_TOOLS)));
        readOnlyHints.forEach((tool, readOnly) -> {
            args.add(tool);
            args.add(readOnly ? "r" : "w");
        });
        String hash = Hashing.endpointHash(endpoint);
        List<String> names = keys.learn(
                hash,
                cursor == null ? null : Hashing.cursorHash(cursor),
                nextCursor == null ? null : Hashing.cursorHash(nextCursor));
        background("learn", () -> {
            if ((Long) LEARN.run(redis.get(), names, args) == 2L) {
                read(serve(endpoint)); // at once here (on this thread); the others hear it on the channel
            }
        });
    }

    @Override
    public void forget(String endpoint) {
        String hash = Hashing.endpointHash(endpoint);
        Endpoint served = byEndpoint.get(endpoint);
        if (served != null) {
            served.classes = Map.of(); // at once here, before Redis answers
        }
        List<String> args = List.of("forget", millis(TTL), millis(WALK_TTL), "0", "0", Integer.toString(MAX_TOOLS));
        background("forget", () -> LEARN.run(redis.get(), keys.learn(hash, null, null), args));
    }

    /** A message on an endpoint's channel, or its subscription was lost or made again: read it again. */
    void changed(String endpointHash) {
        Endpoint e = byHash.get(endpointHash);
        if (e != null) {
            readSoon(e);
        }
    }

    /** Reads the endpoint in the background, unless a read is queued already (it will see this change too). */
    private void readSoon(Endpoint e) {
        if (e.readQueued.compareAndSet(false, true)) {
            background("read", () -> read(e));
        }
    }

    /** An endpoint this instance serves from now on: read it in the background and listen for changes. */
    private Endpoint serve(String endpoint) {
        Endpoint created = new Endpoint(Hashing.endpointHash(endpoint));
        Endpoint e = byEndpoint.computeIfAbsent(endpoint, k -> byEndpoint.size() >= MAX_ENDPOINTS ? null : created);
        if (e == null) {
            return created; // over the limit: not kept, nothing learned there
        }
        if (e == created) {
            byHash.put(e.hash, e);
            subscribe.apply(keys.toolsChannel(e.hash));
            readSoon(e);
        }
        return e;
    }

    /** The safety net for a lost message: an endpoint whose version changed is read again (one HGET each). */
    private void readAll() {
        for (Endpoint e : byEndpoint.values()) {
            try {
                if (!Objects.equals(redis.get().hget(keys.tools(e.hash), ""), e.version)) {
                    read(e);
                }
            } catch (JedisException ex) {
                failed("read", ex);
                return;
            }
        }
    }

    private void read(Endpoint e) {
        e.readQueued.set(false); // a change from now on needs another read
        Map<String, String> stored = redis.get().hgetAll(keys.tools(e.hash));
        Map<String, CallClass> classes = new HashMap<>();
        stored.forEach((tool, c) -> {
            if (!tool.isEmpty()) {
                classes.put(tool, "r".equals(c) ? CallClass.READ : CallClass.WRITE);
            }
        });
        e.classes = Map.copyOf(classes);
        e.version = stored.get("");
        succeeded("read");
    }

    private void background(String operation, Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                    succeeded(operation);
                } catch (JedisException | ClassCastException e) {
                    failed(operation, e);
                }
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void failed(String operation, RuntimeException e) {
        if (failing.computeIfAbsent(operation, k -> new AtomicBoolean()).compareAndSet(false, true)) {
            LOG.warn(
                    "learned tool classes: {} failed ({}); the rules and read prefixes apply meanwhile (logged once"
                            + " until it works again)",
                    operation,
                    e.getClass().getSimpleName());
        }
    }

    private void succeeded(String operation) {
        AtomicBoolean f = failing.get(operation);
        if (f != null && f.compareAndSet(true, false)) {
            LOG.info("learned tool classes: {} works again", operation);
        }
    }

    private static String millis(Duration d) {
        return Long.toString(Math.max(1, d.toMillis()));
    }

    /** Waits until what was handed to the background thread before this call is done (for tests). */
    void flush() throws InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            thread.execute(() -> done.complete(null));
            done.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        threadFactory.join(5000);
        byHash.keySet().forEach(hash -> unsubscribe.accept(keys.toolsChannel(hash)));
    }
}
