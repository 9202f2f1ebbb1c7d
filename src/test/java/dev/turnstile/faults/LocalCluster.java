package dev.turnstile.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import redis.clients.jedis.HostAndPort;

/**
 * A local Redis Cluster of three masters with one replica each, created with
 * {@code redis-cli --cluster create ... --cluster-replicas 1}, with a short node timeout so that
 * a killed master's replica is promoted within a few seconds. Nodes keep no data on disk.
 */
final class LocalCluster {

    private static final long READY_NANOS = 60_000_000_000L;

    /** One node as CLUSTER NODES shows it. */
    record Node(String id, int port, boolean master, String masterId, boolean failed, List<int[]> slots) {
        boolean owns(int slot) {
            return slots.stream().anyMatch(r -> r[0] <= slot && slot <= r[1]);
        }
    }

    private final List<RedisServer> servers = new ArrayList<>();
    private final Path dir;

    private LocalCluster(Path dir) {
        this.dir = dir;
    }

    static LocalCluster start(ChildProcesses children, Path dir, int nodeTimeoutMillis)
            throws IOException, InterruptedException {
        LocalCluster c = new LocalCluster(dir);
        for (int i = 0; i < 6; i++) {
            int port = Ports.free();
            List<String> args = new ArrayList<>(RedisServer.volatileArgs());
            args.addAll(List.of(
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    Integer.toString(nodeTimeoutMillis),
                    "--repl-diskless-sync-delay",
                    "0", // a replica syncs at once, not after 5 s
                    // as the README advises: the masters that did not fail keep serving their slots
                    // while a failed one's slots are uncovered (with yes the whole Cluster refuses
                    // commands until the failover ends, and every held place can lose its lease)
                    "--cluster-require-full-coverage",
                    "no"));
            RedisServer s = new RedisServer(children, port, dir.resolve("cluster-" + port), args);
            s.spawn();
            c.servers.add(s);
        }
        for (RedisServer s : c.servers) {
            s.awaitReady();
        }
        c.create();
        c.awaitHealthy();
        return c;
    }

    private void create() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        servers.forEach(s -> cmd.add("127.0.0.1:" + s.port()));
        cmd.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        Path log = dir.resolve("cluster-create.log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (p.waitFor() != 0) {
            throw new IOException(
                    "redis-cli --cluster create failed: " + Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    /** Every live node says cluster_state:ok and every master has a replica whose link is up. */
    void awaitHealthy() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_NANOS;
        while (System.nanoTime() < deadline) {
            if (healthy()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IOException("the local cluster did not become healthy");
    }

    private boolean healthy() {
        for (RedisServer s : live()) {
            if (!RedisAdmin.clusterStateOk(s.address())) {
                return false;
            }
        }
        try {
            List<Node> nodes = topology();
            for (Node m : nodes) {
                if (m.master() && !m.failed()) {
                    Node r = replicaOf(nodes, m);
                    if (r == null
                            || !RedisAdmin.info(new HostAndPort("127.0.0.1", r.port()), "replication")
                                    .contains("master_link_status:up")) {
                        return false;
                    }
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Every live node says cluster_state:ok. */
    boolean stateOk() {
        return live().stream().allMatch(s -> RedisAdmin.clusterStateOk(s.address()));
    }

    List<RedisServer> live() {
        return servers.stream().filter(RedisServer::alive).collect(Collectors.toList());
    }

    RedisServer server(int port) {
        return servers.stream().filter(s -> s.port() == port).findFirst().orElseThrow();
    }

    /** Seed nodes for {@code redisCluster(...)}: every node. */
    String seeds() {
        return servers.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","));
    }

    /** CLUSTER NODES as seen from a live node. */
    List<Node> topology() {
        String text = RedisAdmin.clusterNodes(live().get(0).address());
        List<Node> nodes = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
            List<int[]> slots = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                if (!f[i].startsWith("[")) {
                    String[] r = f[i].split("-");
                    slots.add(new int[] {Integer.parseInt(r[0]), Integer.parseInt(r[r.length - 1])});
                }
            }
            nodes.add(new Node(f[0], port, f[2].contains("master"), f[3], f[2].contains("fail"), slots));
        }
        return nodes;
    }

    static Node masterOf(List<Node> nodes, int slot) {
        return nodes.stream()
                .filter(n -> n.master() && !n.failed() && n.owns(slot))
                .findFirst()
                .orElseThrow();
    }

    static Node replicaOf(List<Node> nodes, Node master) {
        return nodes.stream()
                .filter(n -> !n.master() && n.masterId().equals(master.id()) && !n.failed())
                .findFirst()
                .orElse(null);
    }
}
