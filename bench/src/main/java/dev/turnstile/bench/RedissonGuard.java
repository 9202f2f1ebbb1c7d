package dev.turnstile.bench;

import dev.turnstile.Mode;
import dev.turnstile.Turnstile;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.Redisson;
import org.redisson.api.RFuture;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The same rules built the way one would with Redisson 4.7.0 (for comparison only): a reentrant
 * {@link RLock} per session, owned by the turn, around an {@link org.redisson.api.RReadWriteLock}
 * per turn.
 *
 * <p>Redisson locks belong to a thread. Calls of one turn share the session, so the session lock
 * is taken and released with an explicit owner id derived from the turn ({@code tryLockAsync(...,
 * threadId)} / {@code unlockAsync(threadId)}): each call of the turn re-enters it and the last one
 * frees it, like the seed's refcount. The inner read or write lock is taken and released by the
 * calling thread, which is why {@link Held#close()} must run on the acquiring thread. Never
 * {@code forceUnlock}. Differences that remain: no writer preference (Redisson's read lock lets new
 * readers in while a writer waits), and the turn ownership is per Redisson instance (one JVM).
 */
final class RedissonGuard implements Guard {

    static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(5);

    /** Owner ids of calls without a turn id (each is a turn of its own); below the turn-derived range. */
    private static final AtomicLong ANONYMOUS = new AtomicLong(1L << 61);

    private final RedissonClient redisson;

    RedissonGuard(RedissonClient redisson) {
        this.redisson = redisson;
    }

    static RedissonGuard connect(String redisUrl) {
        Config config = new Config();
        config.useSingleServer().setAddress(redisUrl);
        return new RedissonGuard(Redisson.create(config));
    }

    @Override
    public String name() {
        return "Redisson 4.7.0";
    }

    @Override
    public Held acquire(String sessionId, String turnId, Mode mode) {
        long deadline = System.nanoTime() + ACQUIRE_TIMEOUT.toNanos();
        String session = Turnstile.sessionHash(sessionId);
        long owner = turnId == null ? ANONYMOUS.incrementAndGet() : ownerOf(session, turnId);
        String turn = turnId == null ? "~" + owner : Turnstile.sessionHash("turn\0" + turnId); // any stable hash
        RLock sessionLock = redisson.getLock("rguard:{" + session + "}:turn");
        if (!await(sessionLock.tryLockAsync(millisLeft(deadline), -1, TimeUnit.MILLISECONDS, owner))) {
            throw new GuardBusyException("session busy");
        }
        try {
            var rw = redisson.getReadWriteLock("rguard:{" + session + "}:rw:" + turn);
            RLock inner = mode == Mode.READ ? rw.readLock() : rw.writeLock();
            if (!inner.tryLock(millisLeft(deadline), -1, TimeUnit.MILLISECONDS)) {
                throw new GuardBusyException("turn busy");
            }
            return () -> {
                try {
                    inner.unlock();
                } finally {
                    await(sessionLock.unlockAsync(owner));
                }
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            await(sessionLock.unlockAsync(owner));
            throw new GuardBusyException("interrupted");
        } catch (RuntimeException e) {
            await(sessionLock.unlockAsync(owner));
            throw e;
        }
    }

    private static long millisLeft(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** A stable owner id per (session, turn), above every real thread id and the anonymous range. */
    private static long ownerOf(String session, String turnId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((session + '\u0000' + turnId).getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (d[i] & 0xff);
            }
            return (h >>> 2) | (1L << 62);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T await(RFuture<T> future) {
        try {
            return future.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuardBusyException("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
    }

    RedissonClient client() {
        return redisson;
    }

    @Override
    public void close() {
        redisson.shutdown();
    }
}
