package dev.turnstile.bench;

/** A baseline guard gave up waiting (its acquire timeout passed). */
final class GuardBusyException extends RuntimeException {

    GuardBusyException(String message) {
        super(message);
    }
}
