package dev.turnstile.spi;

import dev.turnstile.Mode;
import java.util.Objects;

/**
 * One call's place in a session: which session and turn (both hashed), the mode, and the random
 * owner token that alone may renew or release it.
 *
 * @param sessionHash the hash of the session id ({@link dev.turnstile.Turnstile#sessionHash(String)})
 * @param turnHash    the hash of the turn id; a call without a turn id has a random turn of its own
 * @param mode        read or write
 * @param token       the random owner token of the call
 */
public record Place(String sessionHash, String turnHash, Mode mode, String token) {

    /**
     * Checks that no component is null.
     *
     * @param sessionHash the hash of the session id
     * @param turnHash    the hash of the turn id
     * @param mode        read or write
     * @param token       the random owner token of the call
     * @throws NullPointerException when a component is null
     */
    public Place {
        Objects.requireNonNull(sessionHash, "sessionHash");
        Objects.requireNonNull(turnHash, "turnHash");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(token, "token");
    }

    /**
     * The member name stored for this place.
     *
     * @return {@code r:<token>} for a read, {@code w:<token>} for a write
     */
    public String member() {
        return (mode == Mode.WRITE ? "w:" : "r:") + token;
    }
}
