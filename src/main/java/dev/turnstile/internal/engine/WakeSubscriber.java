package dev.turnstile.internal.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;

/**
 * Listens for wake-ups with sharded pub/sub (SSUBSCRIBE): one dedicated connection per Redis node
 * that owns a watched channel, outside the command pool, run by a {@link WakeConnection}.
 *
 * <p>Channels are subscribed while a local waiter watches their session. When the last waiter of
 * a node leaves, its channel stays subscribed ("parked"), so that the connection stays open for the
 * next wait. A lost connection is opened again at once, then with back-off, while any channel of
 * its node is watched, and every watched channel is subscribed again; the waiters of a channel are
 * woken when it is lost and again when it is back, so a release in between is not missed. On a
 * Cluster, channels whose slot moved (failover, resharding) follow it to the new owner; behind
 * Sentinel, every channel follows a new master at the first subscription, script or renewal after
 * the topology reports it ({@link Routing#moved()}), also while the old master still answers or hangs.
 *
 * <p>All state is guarded by one lock that is never held across network I/O: connecting and reading
 * happen on the connection's reader thread, subscribing and unsubscribing on its sender thread.
 */
final class WakeSubscriber implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WakeSubscriber.class);

    /** The first reconnect is immediate; later ones wait 25 ms, 50 ms, ... up to this. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    /** Where a channel lives, and how to learn a new topology (a Cluster failover). */
    interface Routing {
        /** The node that owns the channel now, from what is known locally (no network I/O). */
        HostAndPort nodeOf(String channel);

        /** Learns the topology again (may do network I/O; never called with the lock held). */
        default void refresh() {}

        /**
         * True once after channels moved without any connection noticing (a new master behind
         * Sentinel, while the old one still answers or hangs); learned locally, no network I/O.
         */
        default boolean moved() {
            return false;
        }
    }

    private final Routing routing;
    private final JedisClientConfig clientConfig;
    private final ThreadFactory threads;
    private final Consumer<String> onWake;
    private final Consumer<String> onWakeAll;
    private final Consumer<RuntimeException> onFailure;
    private final Object lock = new Object();
    private final Map<String, Channel> channels = new HashMap<>(); // guarded by lock
    private final Map<HostAndPort, WakeConnection> nodes = new HashMap<>(); // guarded by lock
    private final List<WakeConnection> retired = new ArrayList<>(); // guarded by lock; joined at close
    private boolean closed; // guarded by lock

    /**
     * @param onWake    called with a channel on every message (a release in its session)
     * @param onWakeAll called with a channel whose subscription was lost or made again: every waiter
     *                  of its session should look again
     * @param onFailure called when a connection failed or could not be opened
     * @param threads   makes the connections' reader and sender threads (null: plain daemon threads)
     */
    WakeSubscriber(
            Routing routing,
            JedisClientConfig clientConfig,
            Consumer<String> onWake,
            Consumer<String> onWakeAll,
            Consumer<RuntimeException> onFailure,
            ThreadFactory threads) {
        this.threads = threads;
        this.routing = routing;
        this.clientConfig = clientConfig;
        this.onWake = onWake;
        this.onWakeAll = onWakeAll;
        this.onFailure = onFailure;
    }

    /** One watched (or parked) channel. */
    static final class Channel {
        final String name;
        HostAndPort node;
        int watchers;
        boolean subscribed; // confirmed on the node's current connection
        boolean confirmedBefore; // subscribed once already: a confirmation now is a return
        CompletableFuture<Void> confirmation = new CompletableFuture<>();

        Channel(String name, HostAndPort node) {
            this.name = name;
            this.node = node;
        }
    }

    /**
     * Adds a watcher of {@code channel}. Never blocks: the future completes when the subscription
     * is confirmed (at once when it already is).
     */
    CompletableFuture<Void> subscribe(String channel) {
        follow();
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("closed"));
            }
            Channel c = channels.get(channel);
            if (c == null) {
                c = new Channel(channel, routing.nodeOf(channel));
                channels.put(channel, c);
                c.watchers++;
                connection(c.node).add(c);
            } else if (c.watchers++ == 0) {
                connection(c.node).unpark(c);
            }
            return c.confirmation;
        }
    }

    /** Removes a watcher of {@code channel}; the last one's channel is parked or unsubscribed. */
    void unsubscribe(String channel) {
        synchronized (lock) {
            Channel c = channels.get(channel);
            if (c == null || c.watchers == 0 || --c.watchers > 0) {
                return;
            }
            WakeConnection node = nodes.get(c.node);
            if (node == null || !node.park(c)) {
                channels.remove(channel);
                if (node != null) {
                    node.drop(c);
                }
            }
        }
    }

    /**
     * When the topology reports a move ({@link Routing#moved()}), moves every channel to its new
     * node (its waiters look again once it is subscribed there) and closes the connections left
     * without a channel. Never waits for network I/O; cheap when nothing moved.
     */
    void follow() {
        if (!routing.moved()) {
            return;
        }
        List<WakeConnection> left = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            for (WakeConnection node : new ArrayList<>(nodes.values())) {
                if (reroute(node) > 0 && node.channels().isEmpty() && nodes.remove(node.address(), node)) {
                    left.add(node);
                }
            }
            retired.addAll(left); // one per failover: kept for close() to join
        }
        left.forEach(node ->
                LOG.info("wake-up connection to {} closed: its channels follow the new Redis master", node.address()));
        left.forEach(WakeConnection::shutdown);
    }

    /** Closes every connection and stops (and joins) every thread it started. */
    @Override
    public void close() {
        List<WakeConnection> all;
        synchronized (lock) {
            closed = true;
            all = new ArrayList<>(nodes.values());
            all.addAll(retired);
            retired.clear();
            nodes.clear();
            channels.clear();
        }
        all.forEach(WakeConnection::shutdown);
        all.forEach(WakeConnection::join);
    }

    /** Connections (and so reader threads) alive right now. */
    int connections() {
        synchronized (lock) {
            return nodes.size();
        }
    }

    // ---- used by WakeConnection, always with the lock held unless said otherwise ----

    Object lock() {
        return lock;
    }

    boolean closed() {
        return closed;
    }

    Channel channel(String name) {
        return channels.get(name);
    }

    void forget(Channel c) {
        channels.remove(c.name);
    }

    void connectionEnded(WakeConnection node) {
        nodes.remove(node.address(), node);
    }

    /** Moves every channel of {@code node} whose slot now lives elsewhere; returns how many moved. */
    int reroute(WakeConnection node) {
        int moved = 0;
        for (Channel c : node.channels()) {
            HostAndPort owner = routing.nodeOf(c.name);
            if (!owner.equals(c.node)) {
                node.detach(c);
                c.node = owner;
                if (c.watchers > 0) {
                    connection(owner).add(c);
                } else {
                    channels.remove(c.name);
                }
                moved++;
            }
        }
        return moved;
    }

    /** Outside the lock: a message on the channel. */
    void wake(String channel) {
        onWake.accept(channel);
    }

    /** Outside the lock: the channel's subscription was lost or made again. */
    void wakeAll(String channel) {
        onWakeAll.accept(channel);
    }

    /** Outside the lock. */
    void failed(RuntimeException e) {
        onFailure.accept(e);
    }

    /** Outside the lock: learns the topology again. */
    void refreshRouting() {
        try {
            routing.refresh();
        } catch (RuntimeException e) {
            LOG.debug("topology refresh failed: {}", e.toString());
        }
    }

    /** The application's thread factory for the connections' threads, or null. */
    ThreadFactory threads() {
        return threads;
    }

    JedisClientConfig clientConfig() {
        return clientConfig;
    }

    static long backoffMillis(int failures) {
        if (failures <= 0) {
            return 0;
        }
        long base = Math.min(MAX_BACKOFF.toMillis(), 25L << Math.min(failures - 1, 10));
        return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }

    private WakeConnection connection(HostAndPort node) {
        return nodes.computeIfAbsent(node, n -> new WakeConnection(this, n));
    }

    static Connection open(HostAndPort node, JedisClientConfig config) {
        return new Connection(node, config);
    }
}
