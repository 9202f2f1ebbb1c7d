package dev.turnstile.internal.servlet;

import dev.turnstile.AcquireInterruptedException;
import dev.turnstile.Permit;
import dev.turnstile.TurnstileException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/** An acquisition as a stage, whether it waited on a thread or not, and its outcome as a permit or a Turnstile exception. */
final class Stages {

    private Stages() {}

    /** A blocking acquire as an already completed stage. */
    static CompletableFuture<Permit> of(Supplier<Permit> acquire) {
        try {
            return CompletableFuture.completedFuture(acquire.get());
        } catch (TurnstileException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The permit, waiting on this thread when the stage is not complete yet; an interrupt withdraws
     * the call ({@link AcquireInterruptedException}, the interrupt flag set again).
     */
    static Permit await(CompletableFuture<Permit> stage) {
        try {
            return stage.get();
        } catch (InterruptedException e) {
            stage.cancel(false);
            Thread.currentThread().interrupt();
            throw new AcquireInterruptedException(e);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        }
    }

    /** Why a stage failed, as a Turnstile exception (anything else becomes the guard's own failure). */
    static TurnstileException failure(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof TurnstileException e ? e : new TurnstileException("the acquire failed", cause);
    }
}
