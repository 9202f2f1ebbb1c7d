package dev.turnstile.bench;

import dev.turnstile.Mode;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.UnifiedJedis;

/**
 * The seed's algorithm (reference/seed-spec.md sections 2-3), for comparison only: a session
 * mutex with a per-turn refcount, then a per-turn reader-writer lock, each a separate EVAL with
 * the script text sent every time, waiting by polling every 50 ms. An uncontended call costs four
 * EVALs: session acquire, turn lock, turn unlock, session release. Reader preference, turn keys
 * not scoped by session, readers counter left at "0" until its TTL: all as in the seed.
 */
final class SeedBaseline implements Guard {

    static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    static final Duration LOCK_TTL = Duration.ofSeconds(60);
    static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(5);

    /** KEYS: lock, refcount. ARGV: turn id, ttl ms. 1 = held (new or re-entered), 0 = another turn holds it. */
    static final String SESSION_ACQUIRE = """
            local holder = redis.call('GET', KEYS[1])
            if not holder then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              redis.call('SET', KEYS[2], 1, 'PX', ARGV[2])
              return 1
            end
            if holder == ARGV[1] then
              redis.call('INCR', KEYS[2])
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              redis.call('PEXPIRE', KEYS[2], ARGV[2])
              return 1
            end
            return 0
            """;

    /** KEYS: lock, refcount. ARGV: turn id. -1 = not the holder, else the calls left. */
    static final String SESSION_RELEASE = """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return -1
            end
            local left = redis.call('DECR', KEYS[2])
            if left <= 0 then
              redis.call('DEL', KEYS[1], KEYS[2])
              return 0
            end
            return left
            """;

    /** KEYS: wlock, readers. ARGV: ttl ms. 0 = a writer holds the turn, else the reader count. */
    static final String READ_LOCK = """
            if redis.call('EXISTS', KEYS[1]) == 1 then
              return 0
            end
            local readers = redis.call('INCR', KEYS[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[1])
            return readers
            """;

    /** KEYS: readers. No owner check, no floor, the key stays at "0" until its TTL (as in the seed). */
    static final String READ_UNLOCK = "return redis.call('DECR', KEYS[1])";

    /** KEYS: readers, wlock. ARGV: token, ttl ms. 1 = taken. */
    static final String WRITE_LOCK = """
            local readers = tonumber(redis.call('GET', KEYS[1]) or '0')
            if readers ~= 0 then
              return 0
            end
            if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
              return 1
            end
            return 0
            """;

    /** KEYS: wlock. ARGV: token. Compare-and-delete. */
    static final String WRITE_UNLOCK = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    static final List<String> SCRIPTS =
            List.of(SESSION_ACQUIRE, SESSION_RELEASE, READ_LOCK, READ_UNLOCK, WRITE_LOCK, WRITE_UNLOCK);

    private final UnifiedJedis redis;
    private final String ttl = Long.toString(LOCK_TTL.toMillis());

    SeedBaseline(UnifiedJedis redis) {
        this.redis = redis;
    }

    @Override
    public String name() {
        return "Seed (50 ms polling)";
    }

    @Override
    public Held acquire(String sessionId, String turnId, Mode mode) {
        String turn = turnId != null ? turnId : UUID.randomUUID().toString();
        List<String> sessionKeys = List.of("session:" + sessionId + ":lock", "session:" + sessionId + ":refcount");
        poll(() -> eval(SESSION_ACQUIRE, sessionKeys, List.of(turn, ttl)) == 1L, "session");
        Runnable releaseSession = () -> eval(SESSION_RELEASE, sessionKeys, List.of(turn));
        String readers = "turn:" + turn + ":readers";
        String wlock = "turn:" + turn + ":wlock";
        try {
            if (mode == Mode.READ) {
                poll(() -> eval(READ_LOCK, List.of(wlock, readers), List.of(ttl)) != 0L, "read");
                return () -> {
                    try {
                        eval(READ_UNLOCK, List.of(readers), List.of());
                    } finally {
                        releaseSession.run();
                    }
                };
            }
            String token = UUID.randomUUID().toString();
            poll(() -> eval(WRITE_LOCK, List.of(readers, wlock), List.of(token, ttl)) == 1L, "write");
            return () -> {
                try {
                    eval(WRITE_UNLOCK, List.of(wlock), List.of(token));
                } finally {
                    releaseSession.run();
                }
            };
        } catch (RuntimeException e) {
            releaseSession.run();
            throw e;
        }
    }

    /** First try at once; then every 50 ms (no jitter, no backoff) until the deadline. */
    private static void poll(BooleanSupplier attempt, String what) {
        long deadline = System.nanoTime() + ACQUIRE_TIMEOUT.toNanos();
        while (!attempt.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new GuardBusyException(what + " lock acquisition timed out");
            }
            LockSupport.parkNanos(Math.min(POLL_INTERVAL.toNanos(), left));
        }
    }

    private long eval(String script, List<String> keys, List<String> args) {
        return (Long) redis.eval(script, keys, args); // EVAL: the script text on every call, as in the seed
    }

    @Override
    public void close() {
        redis.close();
    }
}
