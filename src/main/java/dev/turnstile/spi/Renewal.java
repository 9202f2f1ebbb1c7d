package dev.turnstile.spi;

import java.util.Set;

/**
 * What one renewal round achieved, per place token: renewed, or lost (the store no longer has the
 * place). Tokens in neither set have no known outcome: their node could not be reached.
 */
public record Renewal(Set<String> renewed, Set<String> lost) {

    public Renewal {
        renewed = Set.copyOf(renewed);
        lost = Set.copyOf(lost);
    }
}
