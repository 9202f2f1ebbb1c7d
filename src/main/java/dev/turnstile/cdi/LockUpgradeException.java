package dev.turnstile.cdi;

import dev.turnstile.TurnstileException;

/**
 * A method that needs a write place was called inside a call that holds a read place. Turnstile
 * never upgrades a place (two readers upgrading wait for each other forever): classify the outer
 * call as a write.
 */
public final class LockUpgradeException extends TurnstileException {
    private static final long serialVersionUID = 1L;

    /**
     * Reports a refused upgrade.
     *
     * @param method the guarded method that needs the write place, named in the message
     */
    public LockUpgradeException(String method) {
        super(method + " needs a write place, but its request holds a read place; Turnstile does not"
                + " upgrade places (it would deadlock): classify the outer call as a write");
    }
}
