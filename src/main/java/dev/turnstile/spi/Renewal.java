package dev.turnstile.spi;

import java.util.Set;

/**
 * What one renewal round achieved, per place token: renewed, or lost (the store no longer has the
 * place). Tokens in neither set have no known outcome: their node could not be reached.
 *
 * @param renewed the tokens whose leases were extended
 * @param lost    the tokens whose places the store no longer holds
 */
public record Renewal(Set<String> renewed, Set<String> lost) {

    /**
     * Copies both sets.
     *
     * @param renewed the tokens whose leases were extended
     * @param lost    the tokens whose places the store no longer holds
     * @throws NullPointerException when a set or a token is null
     */
    public Renewal {
        renewed = Set.copyOf(renewed);
        lost = Set.copyOf(lost);
    }
}
