package dev.turnstile.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/** A private 3-master Redis Cluster (no replicas) of {@link RedisProcess}es, for tests that pause a node. */
public final class RedisClusterProcesses implements AutoCloseable {

    private final List<RedisProcess> nodes;

    private RedisClusterProcesses(List<RedisProcess> nodes) {
        this.nodes = nodes;
    }

    public static RedisClusterProcesses start() throws IOException, InterruptedException {
        assumeTrue(RedisProcess.findOnPath("redis-cli") != null, "redis-cli is not on the PATH");
        List<RedisProcess> nodes = new ArrayList<>();
        RedisClusterProcesses cluster = new RedisClusterProcesses(nodes);
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(RedisProcess.start(
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes.conf",
                        "--cluster-node-timeout",
                        "5000"));
            }
            List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(n -> command.add("127.0.0.1:" + n.port()));
            command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process create = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed");
            }
            cluster.awaitOk();
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public Set<HostAndPort> seeds() {
        Set<HostAndPort> seeds = new LinkedHashSet<>();
        nodes.forEach(n -> seeds.add(n.node()));
        return seeds;
    }

    public String seedList() {
        return String.join(",", nodes.stream().map(n -> "127.0.0.1:" + n.port()).toList());
    }

    public List<RedisProcess> nodes() {
        return nodes;
    }

    /** The node that serves {@code key}'s slot. */
    public RedisProcess nodeOf(String key) {
        try (Jedis jedis = nodes.get(0).admin()) {
            long slot = jedis.clusterKeySlot(key);
            for (Object range : jedis.clusterSlots()) {
                List<?> r = (List<?>) range;
                if (slot >= (Long) r.get(0) && slot <= (Long) r.get(1)) {
                    long port = (Long) ((List<?>) r.get(2)).get(1);
                    return nodes.stream()
                            .filter(n -> n.port() == port)
                            .findFirst()
                            .orElseThrow();
                }
            }
        }
        throw new IllegalStateException("no node serves the slot of " + key);
    }

    private void awaitOk() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            boolean ok = true;
            for (RedisProcess node : nodes) {
                try (Jedis jedis = node.admin()) {
                    String info = jedis.clusterInfo();
                    ok &= info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3");
                }
            }
            if (ok) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the cluster did not come up");
    }

    @Override
    public void close() throws IOException {
        for (RedisProcess node : nodes) {
            node.close();
        }
    }
}
