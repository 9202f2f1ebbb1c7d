package dev.turnstile.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.SafeEncoder;

/** The measuring connection: INFO sections, key scans, MEMORY USAGE. Its own INFO calls are not counted. */
final class RedisAdmin implements AutoCloseable {

    private final Jedis jedis;

    RedisAdmin(String redisUrl) {
        this.jedis = new Jedis(
                hostAndPort(redisUrl),
                DefaultJedisClientConfig.builder().clientName("bench-admin").build());
    }

    static HostAndPort hostAndPort(String redisUrl) {
        URI uri = URI.create(redisUrl);
        return new HostAndPort(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort());
    }

    /** A pooled Jedis client like the one Turnstile builds (for the seed baseline and the JMH floor). */
    static RedisClient pooledClient(String redisUrl, int poolSize) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        pool.setJmxEnabled(false);
        return RedisClient.builder()
                .hostAndPort(hostAndPort(redisUrl))
                .clientConfig(
                        DefaultJedisClientConfig.builder().clientName("bench").build())
                .poolConfig(pool)
                .build();
    }

    /** Calls per command name from INFO commandstats ("cmdstat_client|setname" → "client|setname"). */
    Map<String, Long> commandCalls() {
        return parseCommandStats(jedis.info("commandstats"));
    }

    /**
     * ECHO {@code marker} and INFO commandstats in one MULTI/EXEC, so that no other client's command
     * runs between them (MONITOR shows the ECHO when the transaction runs).
     */
    Map<String, Long> commandCallsAtMarker(String marker) {
        Transaction t = jedis.multi();
        t.sendCommand(Protocol.Command.ECHO, marker);
        Response<Object> info = t.sendCommand(Protocol.Command.INFO, "commandstats");
        t.exec();
        return parseCommandStats(SafeEncoder.encode((byte[]) info.get()));
    }

    private static Map<String, Long> parseCommandStats(String info) {
        Map<String, Long> calls = new HashMap<>();
        for (String line : info.split("\r?\n")) {
            if (!line.startsWith("cmdstat_")) {
                continue;
            }
            int colon = line.indexOf(':');
            String name = line.substring("cmdstat_".length(), colon);
            int start = line.indexOf("calls=", colon) + "calls=".length();
            int end = line.indexOf(',', start);
            calls.put(name, Long.parseLong(line.substring(start, end)));
        }
        return calls;
    }

    void echo(String text) {
        jedis.echo(text);
    }

    long usedMemory() {
        return Long.parseLong(field(jedis.info("memory"), "used_memory"));
    }

    /** used_cpu_sys + used_cpu_user of the server, in seconds. */
    double redisCpuSeconds() {
        String cpu = jedis.info("cpu");
        return Double.parseDouble(field(cpu, "used_cpu_sys")) + Double.parseDouble(field(cpu, "used_cpu_user"));
    }

    String serverInfo(String name) {
        return field(jedis.info("server"), name);
    }

    long dbSize() {
        return jedis.dbSize();
    }

    void flushAll() {
        jedis.flushAll();
    }

    List<String> keys(String pattern) {
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().match(pattern).count(1000);
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }

    long memoryUsage(String key) {
        Long bytes = jedis.memoryUsage(key);
        return bytes == null ? 0 : bytes;
    }

    long pttl(String key) {
        return jedis.pttl(key);
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new IllegalStateException("INFO has no " + name);
    }

    @Override
    public void close() {
        jedis.close();
    }
}
