package dev.turnstile.internal.engine;

import dev.turnstile.internal.engine.WakeSubscriber.Channel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisShardedPubSub;

/**
 * The pub/sub connection to one Redis node and the channels subscribed on it. A reader thread
 * connects (again, with back-off, after a failure) and reads; a sender thread writes SSUBSCRIBE and
 * SUNSUBSCRIBE, so no caller ever does network I/O or waits for it. Every field is guarded by the
 * owning {@link WakeSubscriber}'s lock; methods without "outside the lock" expect it held.
 */
final class WakeConnection {

    private static final Logger LOG = LoggerFactory.getLogger(WakeConnection.class);

    private final WakeSubscriber owner;
    private final Object lock;
    private final HostAndPort address;
    private final Map<String, Channel> assigned = new LinkedHashMap<>();
    private final ExecutorService sender;
    private final DaemonThreads senderThreads;
    private final DaemonThreads readerThreads;
    private Channel parked;
    private Thread reader;
    private PubSub pubSub;
    private boolean ready;
    private boolean stopped;
    private boolean lostOnce;
    private int failures;

    WakeConnection(WakeSubscriber owner, HostAndPort address) {
        this.owner = owner;
        this.lock = owner.lock();
        this.address = address;
        this.senderThreads = new DaemonThreads("turnstile-wake-send-" + address, owner.threads());
        this.readerThreads = new DaemonThreads("turnstile-wake-" + address, owner.threads());
        this.sender = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), senderThreads);
    }

    HostAndPort address() {
        return address;
    }

    List<Channel> channels() {
        return new ArrayList<>(assigned.values());
    }

    /** A channel with a new first watcher; subscribes it now, or once the connection is ready. */
    void add(Channel c) {
        assigned.put(c.name, c);
        c.subscribed = false;
        if (c.confirmation.isDone()) {
            c.confirmation = new CompletableFuture<>();
        }
        if (pubSub != null && ready) {
            send(pubSub, true, c.name);
            if (parked != null) { // sent after the new subscription: the connection never idles out
                Channel old = parked;
                parked = null;
                assigned.remove(old.name);
                owner.forget(old);
                send(pubSub, false, old.name);
            }
        } else if (reader == null && !stopped) {
            reader = readerThreads.start(this::run);
        }
    }

    /** A known channel that had no watcher has one again. */
    void unpark(Channel c) {
        if (c == parked) {
            parked = null; // still subscribed
        } else if (!assigned.containsKey(c.name)) {
            add(c);
        }
    }

    /** The last watcher left: keeps the channel subscribed when it can be the parked one. */
    boolean park(Channel c) {
        if (parked == null && pubSub != null && ready && c.subscribed && assigned.get(c.name) == c) {
            parked = c;
            return true;
        }
        return false;
    }

    /** Nobody watches the channel any more. */
    void drop(Channel c) {
        if (assigned.remove(c.name) == c && pubSub != null && ready && c.subscribed) {
            send(pubSub, false, c.name);
        }
    }

    /** The channel moves to another node. */
    void detach(Channel c) {
        assigned.remove(c.name);
        if (c == parked) {
            parked = null;
        }
        if (pubSub != null && ready && c.subscribed) {
            send(pubSub, false, c.name);
        }
        c.subscribed = false;
        if (c.confirmation.isDone()) {
            c.confirmation = new CompletableFuture<>();
        }
    }

    /** Outside the lock: stops the threads and closes the connection (see {@link #join}). */
    void shutdown() {
        PubSub current;
        Thread running;
        synchronized (lock) {
            stopped = true;
            current = pubSub;
            running = reader;
        }
        if (current != null) {
            current.disconnect();
        }
        if (running != null) {
            running.interrupt();
        }
        sender.shutdownNow();
    }

    /** Outside the lock: waits (bounded) for both threads to end. */
    void join() {
        Thread running;
        synchronized (lock) {
            running = reader;
        }
        long bound = owner.clientConfig().getConnectionTimeoutMillis() + 1000L;
        try {
            if (running != null && running != Thread.currentThread()) {
                running.join(bound);
            }
            sender.awaitTermination(bound, TimeUnit.MILLISECONDS);
            senderThreads.join(bound);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the reader thread ----

    private void run() {
        while (true) {
            long sleep;
            synchronized (lock) {
                if (owner.closed() || stopped || !wanted()) {
                    end();
                    return;
                }
                sleep = WakeSubscriber.backoffMillis(failures);
            }
            if (sleep > 0 && !sleep(sleep)) {
                continue; // interrupted: closing, seen at the top
            }
            Connection opened;
            try {
                opened = WakeSubscriber.open(address, owner.clientConfig());
            } catch (RuntimeException e) {
                connectFailed(e);
                continue;
            }
            PubSub ps = new PubSub(opened);
            String first = start(ps);
            if (first == null) {
                ps.disconnect();
                continue;
            }
            RuntimeException failure = null;
            try {
                ps.proceed(opened, first);
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                ps.disconnect();
            }
            ended(ps, failure);
        }
    }

    private String start(PubSub ps) {
        synchronized (lock) {
            if (owner.closed() || stopped) {
                return null;
            }
            String first = firstWanted();
            if (first != null) {
                pubSub = ps;
                ready = false;
            }
            return first;
        }
    }

    private void connectFailed(RuntimeException e) {
        boolean firstOfOutage;
        synchronized (lock) {
            firstOfOutage = failures++ == 0 && !lostOnce;
            lostOnce = true;
        }
        if (firstOfOutage) {
            LOG.warn(
                    "wake-up connection to {} failed ({}); retrying with back-off, waiters look again meanwhile",
                    address,
                    e.getClass().getSimpleName());
        }
        LOG.debug("wake-up connection failure", e);
        owner.failed(e);
        reroute();
    }

    /** The read loop ended: the connection failed, or every channel was unsubscribed. */
    private void ended(PubSub ps, RuntimeException failure) {
        List<String> watched = new ArrayList<>();
        boolean closing;
        boolean wasReady;
        boolean warn;
        synchronized (lock) {
            wasReady = ready;
            pubSub = null;
            ready = false;
            closing = owner.closed() || stopped;
            if (parked != null) {
                assigned.remove(parked.name);
                owner.forget(parked);
                parked = null;
            }
            for (Channel c : assigned.values()) {
                c.subscribed = false;
                if (c.confirmation.isDone()) {
                    c.confirmation = new CompletableFuture<>();
                }
                watched.add(c.name);
            }
            boolean firstOfOutage = !lostOnce;
            if (failure != null && !closing) {
                lostOnce = true;
                // a connection that worked is opened again at once; one that failed before its first
                // subscription was confirmed (refused, MOVED, no permission) backs off like a connect
                failures = wasReady ? 0 : failures + 1;
            }
            warn = failure != null && !closing && (wasReady || firstOfOutage);
        }
        if (closing) {
            return;
        }
        if (failure != null) {
            if (warn) {
                LOG.warn(
                        "wake-up connection to {} lost ({}); reconnecting with back-off, waiters look again"
                                + " meanwhile",
                        address,
                        failure.getClass().getSimpleName());
            }
            LOG.debug("wake-up connection failure", failure);
            owner.failed(failure);
        }
        watched.forEach(owner::wakeAll); // a release may have been missed
        reroute();
    }

    /** Outside the lock: learns the topology and moves the channels whose slot moved. */
    private void reroute() {
        owner.refreshRouting();
        synchronized (lock) {
            if (!owner.closed() && !stopped) {
                owner.reroute(this);
            }
        }
    }

    private boolean wanted() {
        return assigned.values().stream().anyMatch(c -> c.watchers > 0);
    }

    private String firstWanted() {
        return assigned.values().stream()
                .filter(c -> c.watchers > 0)
                .map(c -> c.name)
                .findFirst()
                .orElse(null);
    }

    private void end() {
        reader = null;
        stopped = true;
        if (parked != null) {
            owner.forget(parked);
            parked = null;
        }
        assigned.clear();
        owner.connectionEnded(this);
        sender.shutdown();
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    // ---- callbacks on the reader thread ----

    private void confirmed(PubSub ps, String name) {
        boolean wake = false;
        boolean restored;
        synchronized (lock) {
            if (ps != pubSub) {
                return;
            }
            restored = !ready && lostOnce;
            if (!ready) {
                ready = true;
                failures = 0;
                lostOnce = false;
                // one command per channel: on a Cluster, channels of one SSUBSCRIBE must share a slot
                assigned.keySet().stream().filter(n -> !n.equals(name)).forEach(n -> send(ps, true, n));
            }
            Channel c = assigned.get(name);
            if (c == null) {
                send(ps, false, name); // its last watcher left before the confirmation came
            } else {
                c.subscribed = true;
                c.confirmation.complete(null);
                wake = c.confirmedBefore; // a first subscription wakes nobody: its waiters look after it
                c.confirmedBefore = true;
            }
        }
        if (restored) {
            LOG.info("wake-up connection to {} restored", address);
        }
        if (wake) {
            owner.wakeAll(name); // subscribed again: its waiters look again, a release meanwhile is not missed
        }
    }

    /** The server dropped a channel we still want: its slot moved to another node. */
    private void droppedByServer(PubSub ps, String name) {
        synchronized (lock) {
            Channel c = assigned.get(name);
            if (ps != pubSub || c == null || !c.subscribed) {
                return; // we asked for it
            }
            c.subscribed = false;
            if (c.confirmation.isDone()) {
                c.confirmation = new CompletableFuture<>();
            }
        }
        owner.wakeAll(name);
        sender.execute(() -> {
            reroute();
            synchronized (lock) {
                Channel c = assigned.get(name);
                if (c != null && ps == pubSub && ready && !c.subscribed) {
                    send(ps, true, name); // still this node's: subscribe again
                }
            }
        });
    }

    private void send(PubSub ps, boolean subscribe, String channel) {
        try {
            sender.execute(() -> {
                try {
                    if (subscribe) {
                        ps.ssubscribe(channel);
                    } else {
                        ps.sunsubscribe(channel);
                    }
                } catch (RuntimeException e) {
                    LOG.debug(
                            "wake-up {} failed on {}: {}",
                            subscribe ? "subscribe" : "unsubscribe",
                            address,
                            e.toString());
                    ps.disconnect(); // the reader sees the broken connection and reconnects
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private final class PubSub extends JedisShardedPubSub {
        private final Connection connection;

        PubSub(Connection connection) {
            this.connection = connection;
        }

        void disconnect() {
            try {
                connection.close();
            } catch (RuntimeException e) {
                LOG.debug("wake-up close failed on {}: {}", address, e.toString());
            }
        }

        @Override
        public void onSMessage(String channel, String message) {
            owner.wake(channel);
        }

        @Override
        public void onSSubscribe(String channel, int subscribedChannels) {
            confirmed(this, channel);
        }

        @Override
        public void onSUnsubscribe(String channel, int subscribedChannels) {
            droppedByServer(this, channel);
        }
    }
}
