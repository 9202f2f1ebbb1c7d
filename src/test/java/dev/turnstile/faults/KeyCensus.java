package dev.turnstile.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import redis.clients.jedis.HostAndPort;

/**
 * The keys under one phase's prefix on every node, by kind: a key
 * {@code prefix:{session-hash}:KIND[:...]} is a record that outlives the calls when its kind is
 * {@code fence} (the fence counter, long retention) or {@code gone} (the tombstone of a token whose
 * acquire was abandoned after a fault, short-lived), and a lock key otherwise (whatever other kinds
 * the engine may add). Counts come
 * from the primaries; keys without a TTL are looked for on every node, replicas included.
 * {@code at} is when the scan began.
 */
record KeyCensus(
        long at, Map<String, Integer> byKind, Set<String> withoutTtl, long fenceTtlMinMillis, long fenceTtlMaxMillis) {

    static final Set<String> LONG_RETENTION_KINDS = Set.of("fence", "gone");

    /** A node to look at, and whether it is a replica. */
    record NodeRef(HostAndPort address, boolean replica) {}

    static KeyCensus take(List<NodeRef> nodes, String prefix) {
        long at = System.nanoTime();
        Map<String, Integer> byKind = new TreeMap<>();
        Set<String> noTtl = new TreeSet<>();
        long min = Long.MAX_VALUE;
        long max = -1;
        for (NodeRef node : nodes) {
            for (RedisAdmin.KeyTtl k : RedisAdmin.keys(node.address(), prefix, node.replica())) {
                if (k.pttl() == -1) {
                    noTtl.add(k.key() + " on " + node.address().getPort());
                }
                if (node.replica()) {
                    continue;
                }
                String kind = kind(k.key(), prefix);
                byKind.merge(kind, 1, Integer::sum);
                if ("fence".equals(kind) && k.pttl() >= 0) {
                    min = Math.min(min, k.pttl());
                    max = Math.max(max, k.pttl());
                }
            }
        }
        return new KeyCensus(at, byKind, noTtl, min == Long.MAX_VALUE ? -1 : min, max);
    }

    static String kind(String key, String prefix) {
        int close = key.indexOf("}:", prefix.length());
        if (close < 0) {
            return "other";
        }
        String rest = key.substring(close + 2);
        int colon = rest.indexOf(':');
        return colon < 0 ? rest : rest.substring(0, colon);
    }

    int lockKeys() {
        return byKind.entrySet().stream()
                .filter(e -> !LONG_RETENTION_KINDS.contains(e.getKey()))
                .mapToInt(Map.Entry::getValue)
                .sum();
    }

    int longRetentionKeys() {
        return byKind.entrySet().stream()
                .filter(e -> LONG_RETENTION_KINDS.contains(e.getKey()))
                .mapToInt(Map.Entry::getValue)
                .sum();
    }

    /** The lock keys by kind, e.g. "turn 2, places 2". */
    String lockKinds() {
        List<String> parts = new ArrayList<>();
        byKind.forEach((k, n) -> {
            if (!LONG_RETENTION_KINDS.contains(k)) {
                parts.add(k + " " + n);
            }
        });
        return String.join(", ", parts);
    }
}
