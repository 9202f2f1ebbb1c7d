package dev.turnstile.faults;

import dev.turnstile.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The faults. Each one first makes workers hold places across the fault (a call that is inside
 * its section while the fault happens), then injects the fault and records its start and end.
 */
final class Faults {

    /** How often the replica's role is polled during a failover. */
    private static final long ROLE_POLL_MILLIS = 10;

    private Faults() {}

    /** No fault: a marker at the same point of the phase, for comparison. */
    static void none(FaultContext ctx, PhaseFacts facts) {
        long now = System.nanoTime();
        facts.faultStarts(now);
        facts.faultEnds(now);
    }

    /**
     * kill -9 of worker {@code w} while it holds a write place in {@code session}, then a new worker
     * in its stead. Another worker holds the next session meanwhile and lets go normally.
     */
    static void killHolder(FaultContext ctx, PhaseFacts facts, int w, int session) throws Exception {
        int other = (w + 1) % FaultContext.WORKERS;
        ctx.hold(w, session, Mode.WRITE, FaultContext.after(Duration.ofHours(1)), facts);
        ctx.hold(
                other,
                (session + 1) % ctx.load.sessions(),
                Mode.WRITE,
                FaultContext.after(ctx.sizes.lead().plus(ctx.sizes.holdAfter())),
                facts);
        Thread.sleep(ctx.sizes.lead().toMillis());
        ctx.killAndRestartWorker(w, facts);
    }

    /** The standalone server stopped with SIGSTOP for {@code length}, then SIGCONT. */
    static void pause(FaultContext ctx, PhaseFacts facts, Duration length, boolean holders) throws Exception {
        if (holders) {
            holdAcross(ctx, facts, length, 0);
        }
        RedisServer redis = ctx.standalone();
        redis.pause();
        long from = System.nanoTime();
        facts.faultStarts(from);
        FaultContext.sleepUntil(from + length.toNanos());
        redis.resume();
        long to = System.nanoTime();
        facts.faultEnds(to);
        facts.note("redis-server stopped " + FaultContext.millis(to - from) + " ms");
    }

    /** kill -9 of the standalone server, started again on the same port with the same directory. */
    static void restart(FaultContext ctx, PhaseFacts facts, boolean keepsData) throws Exception {
        holdAcross(ctx, facts, Duration.ofMillis(500), 0);
        RedisServer redis = ctx.standalone();
        long from = System.nanoTime();
        redis.kill9();
        facts.faultStarts(from);
        long spawned = redis.spawn();
        long ready = redis.awaitReady();
        facts.faultEnds(ready);
        if (!keepsData) {
            facts.losses.add(new PhaseFacts.Loss(from, spawned, null, "restart without persistence"));
        }
        facts.note("redis-server down " + FaultContext.millis(ready - from) + " ms (kill -9 to PING answered)");
    }

    /** {@code CLIENT KILL TYPE pubsub} on every node of the phase's backend, while sessions have waiters. */
    static void killPubSub(FaultContext ctx, PhaseFacts facts, boolean cluster) throws Exception {
        holdAcross(ctx, facts, ctx.sizes.holdAfter(), 0);
        List<RedisServer> nodes = cluster ? ctx.cluster.live() : List.of(ctx.standalone());
        long at = System.nanoTime();
        long killed = 0;
        for (RedisServer node : nodes) {
            killed += RedisAdmin.killPubSubClients(node.address());
        }
        facts.faultStarts(at);
        facts.faultEnds(System.nanoTime());
        facts.note("CLIENT KILL TYPE pubsub closed " + killed + " connections on " + nodes.size() + " node(s)");
    }

    /** Network of the proxied worker cut for {@code length}; its holder stays in its section. */
    static void cutNetwork(FaultContext ctx, PhaseFacts facts, Duration length) throws Exception {
        cutNetwork(ctx, facts, length, null);
    }

    /** The same, running {@code during} (when not null) on a thread of its own once the cut began. */
    private static void cutNetwork(FaultContext ctx, PhaseFacts facts, Duration length, PhasePlan.Fault during)
            throws Exception {
        int w = FaultContext.PROXIED_WORKER;
        long planned = FaultContext.after(ctx.sizes.lead());
        boolean longer = length.compareTo(ctx.load.lease()) > 0;
        // across a longer cut the holder leaves its section just after its lease must have ended
        long exitAt = planned
                + (longer ? ctx.load.lease().plus(ctx.sizes.lead()) : length.plus(ctx.sizes.holdAfter())).toNanos();
        ctx.hold(w, 0, Mode.WRITE, exitAt, facts);
        ctx.hold(0, 1, Mode.READ, planned + length.plus(ctx.sizes.holdAfter()).toNanos(), facts);
        FaultContext.sleepUntil(planned);
        ctx.proxy.cut();
        long from = System.nanoTime();
        facts.faultStarts(from);
        Thread inside = during == null ? null : inside(ctx, facts, during);
        FaultContext.sleepUntil(from + length.toNanos());
        ctx.proxy.heal();
        long to = System.nanoTime();
        facts.faultEnds(to);
        facts.cuts.add(new PhaseFacts.Cut(ctx.worker(w).tag(), from, to));
        facts.note("network of " + ctx.worker(w).tag() + " cut " + FaultContext.millis(to - from) + " ms");
        if (inside != null) {
            inside.join();
        }
    }

    private static Thread inside(FaultContext ctx, PhaseFacts facts, PhasePlan.Fault fault) {
        Thread t = new Thread(
                () -> {
                    try {
                        fault.inject(ctx, facts);
                    } catch (Exception e) {
                        facts.note("the fault inside the cut failed: " + e);
                    }
                },
                "fault-inside-cut");
        t.start();
        return t;
    }

    /**
     * kill -9 of the Cluster master that owns session-0 (held by a writer across the fault); its
     * replica is promoted (asynchronous replication: what the master acknowledged last may be
     * lost). Readers hold up to two sessions that live on other masters, whose places must be
     * renewed throughout. The fault ends when the replica is a master and every live node says
     * cluster_state:ok.
     */
    static void failover(FaultContext ctx, PhaseFacts facts) throws Exception {
        long exitAt = FaultContext.after(
                ctx.sizes.lead().plus(ctx.load.lease()).plusMillis(2L * ctx.sizes.nodeTimeoutMillis()));
        List<LocalCluster.Node> nodes = ctx.cluster.topology();
        String hash = ctx.hold(0, 0, Mode.WRITE, exitAt, facts);
        LocalCluster.Node master = LocalCluster.masterOf(nodes, hash == null ? 0 : slot(hash));
        holdElsewhere(ctx, facts, master, exitAt);
        LocalCluster.Node replica = LocalCluster.replicaOf(nodes, master);
        Thread.sleep(ctx.sizes.lead().toMillis());
        long from = System.nanoTime();
        ctx.cluster.server(master.port()).kill9();
        facts.faultStarts(from);
        long lastReplica = awaitPromotion(new HostAndPort("127.0.0.1", replica.port()));
        long promoted = System.nanoTime();
        while (!ctx.cluster.stateOk()) {
            Thread.sleep(ROLE_POLL_MILLIS);
        }
        long ok = System.nanoTime();
        facts.faultEnds(ok);
        facts.losses.add(new PhaseFacts.Loss(from, lastReplica, slots(master), "failover of " + master.port()));
        facts.note("master " + master.port() + " killed; replica " + replica.port() + " master after "
                + FaultContext.millis(promoted - from) + " ms, cluster_state ok after " + FaultContext.millis(ok - from)
                + " ms");
    }

    /**
     * Read holds on up to two sessions whose slots are on other masters (hashes from the
     * histories): the first by worker w0, which also holds session-0 on the failing master (one
     * renewal batch with places on a failing and on a healthy node), the second by w1 (nothing on
     * the failing master).
     */
    private static void holdElsewhere(FaultContext ctx, PhaseFacts facts, LocalCluster.Node victim, long exitAt)
            throws Exception {
        Map<Integer, String> hashes = ctx.sessionHashes();
        List<String> held = new ArrayList<>();
        for (int s = 1; s < ctx.load.sessions() && held.size() < 2; s++) {
            String h = hashes.get(s);
            int w = held.size();
            if (h != null && !victim.owns(slot(h)) && ctx.hold(w, s, Mode.READ, exitAt, facts) != null) {
                held.add("session-" + s + " by " + ctx.worker(w).tag());
            }
        }
        facts.note("read places held on the other masters: " + (held.isEmpty() ? "none" : String.join(", ", held)));
    }

    private static int slot(String sessionHash) {
        return JedisClusterCRC16.getSlot("{" + sessionHash + "}");
    }

    /** Polls the replica's role until it is a master; returns the last time it was still a replica. */
    private static long awaitPromotion(HostAndPort replica) throws InterruptedException {
        long lastReplica = System.nanoTime();
        long deadline = FaultContext.after(Duration.ofSeconds(60));
        while (System.nanoTime() < deadline) {
            long before = System.nanoTime();
            if ("master".equals(RedisAdmin.role(replica))) {
                return lastReplica;
            }
            lastReplica = before;
            Thread.sleep(ROLE_POLL_MILLIS);
        }
        throw new IllegalStateException("replica " + replica + " was not promoted within 60 s");
    }

    private static Set<Integer> slots(LocalCluster.Node master) {
        Set<Integer> slots = new HashSet<>();
        for (int[] r : master.slots()) {
            for (int s = r[0]; s <= r[1]; s++) {
                slots.add(s);
            }
        }
        return slots;
    }

    /**
     * Several faults on the standalone AOF server, one after the other in a random order with
     * random gaps, one of them a Redis stop inside a network cut.
     */
    static void mixed(FaultContext ctx, PhaseFacts facts) throws Exception {
        List<PhasePlan.Fault> steps = new ArrayList<>(List.of(
                (c, f) -> killHolder(c, f, 1, 3),
                (c, f) -> pause(c, f, c.sizes.pauseShort(), true),
                (c, f) -> pause(c, f, c.sizes.pauseLong(), true),
                (c, f) -> restart(c, f, true),
                (c, f) -> killPubSub(c, f, false),
                Faults::pauseInsideCut));
        Collections.shuffle(steps, ctx.random);
        for (PhasePlan.Fault step : steps) {
            step.inject(ctx, facts);
            Thread.sleep(ctx.sizes.smoke() ? 100 + ctx.random.nextInt(100) : 200 + ctx.random.nextInt(800));
        }
    }

    /** A network cut of the proxied worker with a long Redis stop starting a third into it. */
    private static void pauseInsideCut(FaultContext ctx, PhaseFacts facts) throws Exception {
        Duration cut = ctx.sizes.cutShort();
        cutNetwork(ctx, facts, cut, (c, f) -> {
            Thread.sleep(cut.toMillis() / 3);
            pause(c, f, c.sizes.pauseLong(), false);
        });
    }

    /** Holders across a fault expected to last {@code length}: a writer and a reader of another session. */
    private static void holdAcross(FaultContext ctx, PhaseFacts facts, Duration length, int firstSession)
            throws Exception {
        long exitAt = FaultContext.after(ctx.sizes.lead().plus(length).plus(ctx.sizes.holdAfter()));
        ctx.hold(0, firstSession, Mode.WRITE, exitAt, facts);
        ctx.hold(1, (firstSession + 1) % ctx.load.sessions(), Mode.READ, exitAt, facts);
        Thread.sleep(ctx.sizes.lead().toMillis());
    }
}
