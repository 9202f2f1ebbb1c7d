package dev.turnstile.bench;

import dev.turnstile.Mode;

/** The comparison filter (bench only): the same rules as TurnstileFilter on {@link RedissonGuard}. */
final class RedissonFilter extends SniffingFilter {

    private final RedissonGuard guard;

    RedissonFilter(RedissonGuard guard) {
        this.guard = guard;
    }

    @Override
    Guard.Held guard(String session, String turn, Mode mode) {
        return guard.acquire(session, turn, mode);
    }
}
