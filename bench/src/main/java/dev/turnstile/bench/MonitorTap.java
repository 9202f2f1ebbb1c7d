package dev.turnstile.bench;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;

/**
 * Tells which commands ran inside Lua scripts. Redis counts a command a script runs in INFO
 * commandstats like one a client sent; MONITOR marks the former with {@code [0 lua]}. This tap
 * counts those per command name; {@link #luaCountsAt} returns the counts as of a marker that the
 * measuring connection sent with ECHO, so that they line up with an INFO commandstats snapshot
 * taken right after it. Used only in phase 1 (MONITOR slows Redis down; nothing is timed there).
 */
final class MonitorTap implements AutoCloseable {

    static final String MARKER = "bench-mark-";

    private final Jedis connection;
    private final Map<String, Long> lua = new HashMap<>(); // guarded by this
    private final Map<Long, Map<String, Long>> atMarker = new HashMap<>(); // guarded by this

    MonitorTap(String redisUrl) {
        connection = new Jedis(
                RedisAdmin.hostAndPort(redisUrl),
                DefaultJedisClientConfig.builder()
                        .clientName("bench-monitor")
                        .socketTimeoutMillis(0)
                        .build());
        Thread reader = new Thread(
                () -> {
                    try {
                        connection.monitor(new JedisMonitor() {
                            @Override
                            public void onCommand(String line) {
                                handle(line);
                            }
                        });
                    } catch (RuntimeException e) {
                        // closed
                    }
                },
                "bench-monitor");
        reader.setDaemon(true);
        reader.start();
    }

    private synchronized void handle(String line) {
        int open = line.indexOf('[');
        int close = line.indexOf(']', open);
        int q1 = line.indexOf('"', close);
        int q2 = line.indexOf('"', q1 + 1);
        if (open < 0 || close < 0 || q1 < 0 || q2 < 0) {
            return;
        }
        String name = line.substring(q1 + 1, q2).toLowerCase(Locale.ROOT);
        if (line.substring(open + 1, close).endsWith(" lua")) {
            lua.merge(name, 1L, Long::sum);
        } else if (name.equals("echo")) {
            int a1 = line.indexOf('"', q2 + 1);
            int a2 = line.indexOf('"', a1 + 1);
            String arg = a1 < 0 || a2 < 0 ? "" : line.substring(a1 + 1, a2);
            if (arg.startsWith(MARKER)) {
                atMarker.put(Long.parseLong(arg.substring(MARKER.length())), new HashMap<>(lua));
                notifyAll();
            }
        }
    }

    /** Waits until MONITOR is on: sends marker 0 until the tap sees it. */
    void awaitStarted(RedisAdmin admin) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            admin.echo(MARKER + 0);
            synchronized (this) {
                wait(100);
                if (atMarker.remove(0L) != null) {
                    atMarker.clear();
                    return;
                }
            }
        }
        throw new IllegalStateException("MONITOR did not start");
    }

    /** The per-name counts of script-run commands seen before marker {@code mark} (waits for it). */
    synchronized Map<String, Long> luaCountsAt(long mark) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!atMarker.containsKey(mark)) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new IllegalStateException("MONITOR did not show marker " + mark);
            }
            wait(left);
        }
        return atMarker.remove(mark);
    }

    @Override
    public void close() {
        connection.close();
    }
}
