package dev.turnstile.cdi;

import dev.turnstile.CallClass;
import dev.turnstile.Classifier;
import dev.turnstile.Turnstile;
import dev.turnstile.config.GuardOptions;
import dev.turnstile.config.TurnstileGuard;
import dev.turnstile.engine.Grant;
import dev.turnstile.engine.InProcessLockStore;
import dev.turnstile.engine.LockStore;
import dev.turnstile.engine.Place;
import dev.turnstile.engine.Watch;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** A user's own guard, replacing the default: an in-process store that counts acquire attempts. */
public class CountingGuardProducer {

    static final AtomicInteger ACQUIRES = new AtomicInteger();

    @Produces
    @Alternative
    @Priority(Interceptor.Priority.APPLICATION)
    @Singleton
    TurnstileGuard guard() {
        LockStore store = new CountingStore(new InProcessLockStore());
        Turnstile turnstile = Turnstile.builder().store(store).acquireTimeout(Duration.ofMillis(300)).build();
        Classifier classifier = Classifier.builder().tool("lookup_*", CallClass.READ).build();
        return new TurnstileGuard(turnstile, classifier, GuardOptions.defaults());
    }

    private record CountingStore(LockStore delegate) implements LockStore {
        @Override
        public Grant tryAcquire(Place place, Duration lease, Duration waitingMark) {
            ACQUIRES.incrementAndGet();
            return delegate.tryAcquire(place, lease, waitingMark);
        }

        @Override
        public boolean release(Place place) {
            return delegate.release(place);
        }

        @Override
        public Set<String> renew(Collection<Place> places, Duration lease) {
            return delegate.renew(places, lease);
        }

        @Override
        public void withdraw(Place place) {
            delegate.withdraw(place);
        }

        @Override
        public Watch watch(String sessionHash) {
            return delegate.watch(sessionHash);
        }

        @Override
        public String describe() {
            return "counting " + delegate.describe();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
