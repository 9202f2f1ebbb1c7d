package dev.turnstile.bench;

import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import redis.clients.jedis.RedisClient;

/**
 * Phase 5, the floor: one thread, average time per operation. A Turnstile acquire+release on
 * Redis (two EVALSHA round trips) next to what it cannot beat on the same kind of connection (a
 * pooled Jedis client with one connection, like the engine's): a PING, and an EVALSHA of a script
 * that only returns 1. Also the seed's four EVALs and the in-process store, for scale.
 * The Redis URL comes from the system property {@code bench.redis}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FloorBenchmark {

    private RedisClient client;
    private String returnOne;
    private Turnstile onRedis;
    private Turnstile inProcess;
    private SeedBaseline seed;

    @Setup
    public void setUp() {
        String url = System.getProperty("bench.redis");
        client = RedisAdmin.pooledClient(url, 1);
        returnOne = client.scriptLoad("return 1");
        onRedis = Turnstile.builder().redisUrl(url).redisPoolSize(1).build();
        inProcess = Turnstile.builder().build();
        seed = new SeedBaseline(RedisAdmin.pooledClient(url, 1));
    }

    @TearDown
    public void tearDown() {
        onRedis.close();
        inProcess.close();
        seed.close();
        client.close();
    }

    @Benchmark
    public String ping() {
        return client.ping();
    }

    @Benchmark
    public Object evalshaReturnOne() {
        return client.evalsha(returnOne, List.of(), List.of());
    }

    @Benchmark
    public Permit turnstileRedisAcquireRelease() {
        Permit permit = onRedis.acquire("floor-session", "floor-turn", dev.turnstile.Mode.WRITE);
        permit.close();
        return permit;
    }

    @Benchmark
    public Guard.Held seedAcquireRelease() {
        Guard.Held held = seed.acquire("floor-session", "floor-turn", dev.turnstile.Mode.WRITE);
        held.close();
        return held;
    }

    @Benchmark
    public Permit turnstileInProcessAcquireRelease() {
        Permit permit = inProcess.acquire("floor-session", "floor-turn", dev.turnstile.Mode.WRITE);
        permit.close();
        return permit;
    }
}
