package dev.turnstile.internal.engine;

import dev.turnstile.BusyReason;
import dev.turnstile.Mode;
import dev.turnstile.TurnstileListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Records listener events; tests block on them with {@link #awaitEvent}. */
final class RecordingListener implements TurnstileListener {

    final List<String> events = new CopyOnWriteArrayList<>();
    private final Semaphore waited = new Semaphore(0);
    private final Semaphore leaseLost = new Semaphore(0);
    private final Semaphore released = new Semaphore(0);

    @Override
    public void acquired(String sessionHash, Mode mode, Duration waitedFor) {
        events.add("acquired " + mode.wireName());
    }

    @Override
    public void waited(String sessionHash, Mode mode, BusyReason reason) {
        events.add("waited " + mode.wireName() + " " + reason.wireName());
        waited.release();
    }

    @Override
    public void busy(String sessionHash, Mode mode, BusyReason reason, Duration waitedFor) {
        events.add("busy " + mode.wireName() + " " + reason.wireName());
    }

    @Override
    public void released(String sessionHash, Mode mode, Duration held, boolean wasHeld) {
        events.add("released " + mode.wireName() + " " + (wasHeld ? "held" : "not-held"));
        released.release();
    }

    @Override
    public void leaseLost(String sessionHash, Mode mode) {
        events.add("leaseLost " + mode.wireName());
        leaseLost.release();
    }

    @Override
    public void backendError(String operation, Throwable error) {
        events.add("backendError " + operation);
    }

    void awaitWaited() throws InterruptedException {
        awaitEvent(waited, "waited");
    }

    void awaitLeaseLost() throws InterruptedException {
        awaitEvent(leaseLost, "leaseLost");
    }

    void awaitReleased() throws InterruptedException {
        awaitEvent(released, "released");
    }

    private void awaitEvent(Semaphore semaphore, String name) throws InterruptedException {
        if (!semaphore.tryAcquire(30, TimeUnit.SECONDS)) {
            throw new AssertionError("no '" + name + "' event; events so far: " + events);
        }
    }
}
