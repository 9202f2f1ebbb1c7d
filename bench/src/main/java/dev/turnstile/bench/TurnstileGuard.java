package dev.turnstile.bench;

import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;

/** Turnstile's engine behind the bench's {@link Guard} interface. */
final class TurnstileGuard implements Guard {

    private final String name;
    private final Turnstile turnstile;

    TurnstileGuard(String name, Turnstile turnstile) {
        this.name = name;
        this.turnstile = turnstile;
    }

    static TurnstileGuard redis(String redisUrl) {
        return new TurnstileGuard(
                "Turnstile", Turnstile.builder().redisUrl(redisUrl).build());
    }

    Turnstile turnstile() {
        return turnstile;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Held acquire(String sessionId, String turnId, Mode mode) {
        Permit permit = turnstile.acquire(sessionId, turnId, mode);
        return permit::close;
    }

    @Override
    public void close() {
        turnstile.close();
    }
}
