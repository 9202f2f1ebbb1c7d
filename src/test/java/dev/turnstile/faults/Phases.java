package dev.turnstile.faults;

import dev.turnstile.faults.PhasePlan.Backend;
import dev.turnstile.faults.PhasePlan.Load;
import java.time.Duration;
import java.util.List;

/** The phases of the run, in order: each fault alone, then all of them mixed. */
final class Phases {

    private Phases() {}

    static List<PhasePlan> all(Sizes sizes, LoadSettings load) {
        Duration lease = load.lease();
        return List.of(
                new PhasePlan(
                        "baseline",
                        Backend.STANDALONE_AOF,
                        Load.SPREAD,
                        "none",
                        "a marker at the point where other phases inject their fault",
                        Faults::none),
                new PhasePlan(
                        "holder-kill",
                        Backend.STANDALONE_AOF,
                        Load.SPREAD,
                        "`kill -9` of worker w0 while it holds a write place (a new w0 joins)",
                        "the kill (its places can only expire: one lease)",
                        (c, f) -> Faults.killHolder(c, f, 0, 0)),
                new PhasePlan(
                        "pause-short",
                        Backend.STANDALONE_AOF,
                        Load.SPREAD,
                        "redis-server stopped (`kill -STOP`) " + ms(sizes.pauseShort()) + " ms, under redis-timeout",
                        "`kill -CONT`",
                        (c, f) -> Faults.pause(c, f, sizes.pauseShort(), true)),
                new PhasePlan(
                        "pause-long",
                        Backend.STANDALONE_AOF,
                        Load.SPREAD,
                        "redis-server stopped " + ms(sizes.pauseLong()) + " ms, over redis-timeout",
                        "`kill -CONT`",
                        (c, f) -> Faults.pause(c, f, sizes.pauseLong(), true)),
                new PhasePlan(
                        "restart-aof",
                        Backend.STANDALONE_AOF,
                        Load.SPREAD,
                        "`kill -9` of redis-server, restarted on its port (AOF, `appendfsync always`: keeps its data)",
                        "the new server answers PING",
                        (c, f) -> Faults.restart(c, f, true)),
                new PhasePlan(
                        "restart-volatile",
                        Backend.STANDALONE_VOLATILE,
                        Load.SPREAD,
                        "`kill -9` of redis-server, restarted without persistence (loses everything)",
                        "the new server answers PING",
                        (c, f) -> Faults.restart(c, f, false)),
                new PhasePlan(
                        "pubsub-standalone",
                        Backend.STANDALONE_AOF,
                        Load.ONE_SESSION,
                        "`CLIENT KILL TYPE pubsub` while session-0 has waiters (all threads call session-0)",
                        "the kill",
                        (c, f) -> Faults.killPubSub(c, f, false)),
                new PhasePlan(
                        "pubsub-cluster",
                        Backend.CLUSTER,
                        Load.ONE_SESSION,
                        "`CLIENT KILL TYPE pubsub` on every Cluster node, all threads on session-0",
                        "the kill",
                        (c, f) -> Faults.killPubSub(c, f, true)),
                new PhasePlan(
                        "failover",
                        Backend.CLUSTER,
                        Load.SPREAD,
                        "`kill -9` of the master of session-0's slot; its replica is promoted (async replication)",
                        "replica promoted and cluster_state:ok on every live node",
                        Faults::failover),
                new PhasePlan(
                        "net-cut-short",
                        Backend.STANDALONE_AOF,
                        Load.SPREAD,
                        "network of w2 cut " + ms(sizes.cutShort()) + " ms (under the " + ms(lease)
                                + " ms lease) while w2 holds a write place",
                        "network healed",
                        (c, f) -> Faults.cutNetwork(c, f, sizes.cutShort())),
                new PhasePlan(
                        "net-cut-long",
                        Backend.STANDALONE_AOF,
                        Load.SPREAD,
                        "network of w2 cut " + ms(sizes.cutLong()) + " ms (over the lease); w2's holder leaves its"
                                + " section just after its lease ended",
                        "network healed",
                        (c, f) -> Faults.cutNetwork(c, f, sizes.cutLong())),
                new PhasePlan(
                        "mixed",
                        Backend.STANDALONE_AOF,
                        Load.SPREAD,
                        "in random order: a holder killed, Redis stopped short and long, Redis restarted (AOF),"
                                + " pub/sub killed, w2's network cut with a long Redis stop inside",
                        "the end of the last fault",
                        Faults::mixed));
    }

    private static long ms(Duration d) {
        return d.toMillis();
    }
}
