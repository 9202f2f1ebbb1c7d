package dev.turnstile.engine;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisShardedPubSub;

/**
 * Listens for wake-ups with sharded pub/sub (SSUBSCRIBE), one dedicated connection per Redis node
 * that owns a watched session, outside the command pool. Channels are subscribed while a local
 * waiter watches their session and unsubscribed when the last one leaves. A lost connection fails
 * nothing: waiters fall back on their bounded re-check, and the next subscription reconnects.
 */
final class WakeSubscriber implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WakeSubscriber.class);

    private final Function<String, HostAndPort> nodeOfChannel;
    private final JedisClientConfig clientConfig;
    private final Consumer<String> onMessage;
    private final Runnable onLost;
    private final Duration confirmWait;
    private final Map<HostAndPort, NodeSubscriber> nodes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    WakeSubscriber(Function<String, HostAndPort> nodeOfChannel, JedisClientConfig clientConfig,
                   Consumer<String> onMessage, Runnable onLost, Duration confirmWait) {
        this.nodeOfChannel = nodeOfChannel;
        this.clientConfig = clientConfig;
        this.onMessage = onMessage;
        this.onLost = onLost;
        this.confirmWait = confirmWait;
    }

    /** Subscribes and waits (bounded) for the server's confirmation; false when it did not come. */
    boolean subscribe(String channel) {
        if (closed) {
            return false;
        }
        HostAndPort node = nodeOfChannel.apply(channel);
        CompletableFuture<Void> confirmed = nodes.computeIfAbsent(node, NodeSubscriber::new).add(channel);
        try {
            confirmed.get(confirmWait.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    void unsubscribe(String channel) {
        NodeSubscriber subscriber = nodes.get(nodeOfChannel.apply(channel));
        if (subscriber != null) {
            subscriber.remove(channel);
        }
    }

    @Override
    public void close() {
        closed = true;
        nodes.values().forEach(NodeSubscriber::close);
        nodes.clear();
    }

    /**
     * One node's subscription connection and the channels watched on it. When the last watched
     * channel goes, it stays subscribed ("parked") so that the connection stays open for the next
     * wait; it is unsubscribed once another channel is subscribed.
     */
    private final class NodeSubscriber {
        private final HostAndPort node;
        private final Map<String, Integer> watchers = new HashMap<>();                      // guarded by this
        private final Map<String, CompletableFuture<Void>> confirmations = new HashMap<>(); // guarded by this
        private final Set<String> pending = new LinkedHashSet<>();                          // guarded by this
        private String parked;                                                              // guarded by this
        private PubSub current;                                                             // guarded by this
        private Connection connection;                                                      // guarded by this
        private Thread reader;                                                              // guarded by this
        private boolean ready;                                                              // guarded by this

        NodeSubscriber(HostAndPort node) {
            this.node = node;
        }

        synchronized CompletableFuture<Void> add(String channel) {
            int count = watchers.merge(channel, 1, Integer::sum);
            if (count > 1 || channel.equals(parked)) {
                if (channel.equals(parked)) {
                    parked = null; // still subscribed: in use again
                }
                return confirmations.computeIfAbsent(channel, c -> new CompletableFuture<>());
            }
            CompletableFuture<Void> confirmed = new CompletableFuture<>();
            confirmations.put(channel, confirmed);
            try {
                if (current == null) {
                    start(channel);
                } else if (ready) {
                    current.ssubscribe(channel);
                    if (parked != null) { // sent after the new subscription: the connection never idles out
                        current.sunsubscribe(parked);
                        confirmations.remove(parked);
                        parked = null;
                    }
                } else {
                    pending.add(channel); // sent once the connection's first confirmation arrived
                }
            } catch (RuntimeException e) {
                LOG.debug("wake-up subscription failed on {}: {}", node, e.toString());
                confirmed.completeExceptionally(e);
                confirmations.remove(channel);
            }
            return confirmed;
        }

        synchronized void remove(String channel) {
            if (watchers.computeIfPresent(channel, (c, n) -> n > 1 ? n - 1 : null) != null) {
                return;
            }
            if (pending.remove(channel)) {
                confirmations.remove(channel);
                return;
            }
            if (current == null || !ready) {
                confirmations.remove(channel); // an unconfirmed first channel is handled in confirmed()
                return;
            }
            if (watchers.isEmpty() && parked == null) {
                parked = channel; // keep the connection for the next wait
                return;
            }
            confirmations.remove(channel);
            try {
                current.sunsubscribe(channel);
            } catch (RuntimeException e) {
                LOG.debug("wake-up unsubscribe failed on {}: {}", node, e.toString());
            }
        }

        synchronized void confirmed(PubSub pubSub, String channel) {
            if (pubSub != current) {
                return;
            }
            if (!ready) {
                ready = true;
                // one command per channel: on a Cluster, channels of one SSUBSCRIBE must share a slot
                pending.forEach(pubSub::ssubscribe);
                pending.clear();
            }
            if (!watchers.containsKey(channel) && !channel.equals(parked)) {
                if (watchers.isEmpty() && parked == null) {
                    parked = channel; // its last watcher left before the confirmation came
                } else {
                    pubSub.sunsubscribe(channel);
                }
                return;
            }
            CompletableFuture<Void> f = confirmations.computeIfAbsent(channel, c -> new CompletableFuture<>());
            f.complete(null);
        }

        /** Opens the connection with {@code first}; the other watched channels follow once it is ready. */
        private void start(String first) {
            Connection opened = new Connection(node, clientConfig);
            PubSub pubSub = new PubSub(this);
            current = pubSub;
            connection = opened;
            ready = false;
            parked = null;
            pending.clear();
            watchers.keySet().stream().filter(c -> !c.equals(first)).forEach(pending::add);
            reader = new Thread(() -> run(pubSub, opened, first), "turnstile-wake-" + node);
            reader.setDaemon(true);
            reader.start();
        }

        private void run(PubSub pubSub, Connection connection, String channel) {
            RuntimeException failure = null;
            try {
                pubSub.proceed(connection, channel);
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                connection.close();
                ended(pubSub, failure);
            }
        }

        /** The read loop ended: every channel was unsubscribed, or the connection failed. */
        private synchronized void ended(PubSub pubSub, RuntimeException failure) {
            if (current != pubSub) {
                return;
            }
            current = null;
            ready = false;
            parked = null;
            pending.clear();
            if (closed) {
                return;
            }
            if (failure != null) {
                LOG.warn("wake-up connection to {} lost ({}); waiters fall back on their re-check", node,
                        failure.getClass().getSimpleName());
                LOG.debug("wake-up connection failure", failure);
                confirmations.values().forEach(f -> f.completeExceptionally(failure));
                confirmations.clear();
                onLost.run();
                return; // the channels still watched are subscribed again by the next add()
            }
            if (!watchers.isEmpty()) {
                String first = watchers.keySet().iterator().next();
                confirmations.put(first, confirmations.getOrDefault(first, new CompletableFuture<>()));
                start(first);
            }
        }

        /** Ends the subscription and its thread (bounded), so that nothing outlives the store. */
        void close() {
            Thread ending;
            synchronized (this) {
                ending = reader;
                if (connection != null) {
                    try {
                        connection.close(); // the read loop ends with the socket
                    } catch (RuntimeException e) {
                        LOG.debug("wake-up close failed on {}: {}", node, e.toString());
                    }
                }
            }
            if (ending != null && ending != Thread.currentThread()) {
                try {
                    ending.join(TimeUnit.SECONDS.toMillis(2));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private final class PubSub extends JedisShardedPubSub {
        private final NodeSubscriber owner;

        PubSub(NodeSubscriber owner) {
            this.owner = owner;
        }

        @Override
        public void onSMessage(String channel, String message) {
            onMessage.accept(channel);
        }

        @Override
        public void onSSubscribe(String channel, int subscribedChannels) {
            owner.confirmed(this, channel);
        }
    }
}
