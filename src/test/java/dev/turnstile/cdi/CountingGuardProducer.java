package dev.turnstile.cdi;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.CallClass;
import dev.turnstile.Classifier;
import dev.turnstile.Mode;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileListener;
import dev.turnstile.config.GuardOptions;
import dev.turnstile.internal.config.TurnstileGuard;
import dev.turnstile.internal.engine.ForwardingLockStore;
import dev.turnstile.internal.engine.InProcessLockStore;
import dev.turnstile.spi.Grant;
import dev.turnstile.spi.LockStore;
import dev.turnstile.spi.Place;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** A user's own guard, replacing the default: an in-process store that counts acquire attempts. */
public class CountingGuardProducer {

    static final AtomicInteger ACQUIRES = new AtomicInteger();
    /** Calls reported to the listener as gone on unguarded (fail-open). */
    static final AtomicInteger FAILED_OPEN = new AtomicInteger();
    /** While true the store is unreachable: every acquire fails. */
    static volatile boolean down;

    @Produces
    @Alternative
    @Priority(Interceptor.Priority.APPLICATION)
    @Singleton
    TurnstileGuard guard() {
        LockStore store = new CountingStore(new InProcessLockStore());
        Turnstile turnstile = Turnstile.builder()
                .store(store)
                .acquireTimeout(Duration.ofMillis(300))
                .listener(new TurnstileListener() {
                    @Override
                    public void failedOpen(Mode mode) {
                        FAILED_OPEN.incrementAndGet();
                    }
                })
                .build();
        Classifier classifier =
                Classifier.builder().tool("lookup_*", CallClass.READ).build();
        GuardOptions d = GuardOptions.defaults();
        GuardOptions options = new GuardOptions(
                d.enabled(),
                d.maxBodySize(),
                d.maxJsonDepth(),
                d.busyCode(),
                true,
                false,
                d.turnHeader(),
                d.bindPrincipal()); // fail-open for reads only
        return new TurnstileGuard(turnstile, classifier, options);
    }

    private static final class CountingStore extends ForwardingLockStore {
        CountingStore(LockStore delegate) {
            super(delegate);
        }

        @Override
        public Grant tryAcquire(Place place, Duration lease, Duration waitingMark, Duration turnGrace, String arrival) {
            ACQUIRES.incrementAndGet();
            if (down) {
                throw new BackendUnavailableException("acquire", new java.net.ConnectException("refused"), false);
            }
            return super.tryAcquire(place, lease, waitingMark, turnGrace, arrival);
        }
    }
}
