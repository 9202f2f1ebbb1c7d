package dev.turnstile.spi;

import dev.turnstile.Mode;
import java.util.Objects;

/**
 * One call's place in a session: which session and turn (both hashed), the mode, and the random
 * owner token that alone may renew or release it.
 */
public record Place(String sessionHash, String turnHash, Mode mode, String token) {

    public Place {
        Objects.requireNonNull(sessionHash, "sessionHash");
        Objects.requireNonNull(turnHash, "turnHash");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(token, "token");
    }

    /** The member name stored for this place: {@code r:<token>} or {@code w:<token>}. */
    public String member() {
        return (mode == Mode.WRITE ? "w:" : "r:") + token;
    }
}
