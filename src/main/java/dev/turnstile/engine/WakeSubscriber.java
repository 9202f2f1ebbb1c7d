package dev.turnstile.engine;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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

    /** One node's subscription connection and the channels counted on it. */
    private final class NodeSubscriber {
        private final HostAndPort node;
        private final Map<String, Integer> counts = new HashMap<>();                       // guarded by this
        private final Map<String, CompletableFuture<Void>> confirmations = new HashMap<>(); // guarded by this
        private final java.util.Set<String> pending = new java.util.HashSet<>();          // guarded by this
        private PubSub current;                                                             // guarded by this
        private boolean ready;                                                              // guarded by this

        NodeSubscriber(HostAndPort node) {
            this.node = node;
        }

        synchronized CompletableFuture<Void> add(String channel) {
            int count = counts.merge(channel, 1, Integer::sum);
            CompletableFuture<Void> confirmed = confirmations.computeIfAbsent(channel, c -> new CompletableFuture<>());
            try {
                if (current == null) {
                    start(counts.keySet().toArray(String[]::new));
                } else if (count == 1 && ready) {
                    current.ssubscribe(channel);
                } else if (count == 1) {
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
            Integer count = counts.computeIfPresent(channel, (c, n) -> n > 1 ? n - 1 : null);
            if (count == null) {
                confirmations.remove(channel);
                if (!pending.remove(channel) && current != null && ready) {
                    try {
                        current.sunsubscribe(channel);
                    } catch (RuntimeException e) {
                        LOG.debug("wake-up unsubscribe failed on {}: {}", node, e.toString());
                    }
                }
            }
        }

        synchronized void confirmed(PubSub pubSub, String channel) {
            if (pubSub == current && !ready) {
                ready = true;
                // one command per channel: on a Cluster, channels of one SSUBSCRIBE must share a slot
                pending.forEach(pubSub::ssubscribe);
                pending.clear();
            }
            if (pubSub == current && !counts.containsKey(channel)) {
                pubSub.sunsubscribe(channel); // its last watcher left before the confirmation came
                return;
            }
            CompletableFuture<Void> f = confirmations.get(channel);
            if (f != null) {
                f.complete(null);
            }
        }

        private void start(String[] channels) {
            Connection connection = new Connection(node, clientConfig);
            PubSub pubSub = new PubSub(this);
            current = pubSub;
            ready = false;
            pending.clear();
            for (int i = 1; i < channels.length; i++) {
                pending.add(channels[i]);
            }
            String first = channels[0];
            Thread thread = new Thread(() -> run(pubSub, connection, first), "turnstile-wake-" + node);
            thread.setDaemon(true);
            thread.start();
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

        /** The read loop ended: all channels were unsubscribed, or the connection failed. */
        private synchronized void ended(PubSub pubSub, RuntimeException failure) {
            if (current != pubSub) {
                return;
            }
            current = null;
            if (closed) {
                return;
            }
            if (failure != null) {
                LOG.warn("wake-up connection to {} lost ({}); waiters fall back on their re-check", node,
                        failure.getClass().getSimpleName());
                LOG.debug("wake-up connection failure", failure);
                confirmations.values().forEach(f -> f.completeExceptionally(failure));
                confirmations.clear();
                counts.keySet().forEach(c -> confirmations.put(c, new CompletableFuture<>()));
                onLost.run();
                return; // the channels still counted are subscribed again by the next add()
            }
            if (!counts.isEmpty()) {
                // a channel was added while the last one was being unsubscribed: start over with all
                start(counts.keySet().toArray(String[]::new));
            }
        }

        synchronized void close() {
            if (current != null && ready && current.isSubscribed()) {
                try {
                    current.sunsubscribe();
                } catch (RuntimeException e) {
                    LOG.debug("wake-up close failed on {}: {}", node, e.toString());
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
