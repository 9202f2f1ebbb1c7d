package dev.turnstile.internal.engine;

import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A holder in a JVM of its own, for {@code RedisOperationsIT}: takes a write place with a 1 s
 * lease, prints {@code HELD <fence>} and then blocks forever while its watchdog keeps the lease
 * alive, until the test kills the process (kill -9).
 *
 * <p>Arguments: redis URL, key prefix, session id, turn id.
 */
public final class HolderProcessMain {

    private HolderProcessMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 4) {
            System.err.println("usage: HolderProcessMain <redis-url> <key-prefix> <session-id> <turn-id>");
            System.exit(2);
        }
        Turnstile turnstile = Turnstile.builder()
                .redisUrl(args[0])
                .keyPrefix(args[1])
                .lease(Duration.ofSeconds(1))
                .build();
        Permit permit = turnstile.acquire(args[2], args[3], Mode.WRITE);
        System.out.println("HELD " + permit.fence().getAsLong());
        System.out.flush();
        new CountDownLatch(1).await(); // hold until killed; the watchdog renews meanwhile
    }
}
