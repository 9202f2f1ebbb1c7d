package dev.turnstile.faults;

import dev.turnstile.Mode;
import dev.turnstile.TurnstileListener;
import java.time.Duration;

/**
 * Writes the engine's events into the worker's history ({@code L} records) and tells a releasing
 * thread what it heard while its own {@code close()} ran: an event that arrives on the thread
 * that is releasing a permit belongs to that permit. Events the engine may add later need one
 * more one-line override calling {@link #event}.
 */
final class RecordingListener implements TurnstileListener {

    /** What was heard on one thread while it released one permit. */
    static final class Release {
        Boolean wasHeld;
        boolean error;
        boolean lostEvent;
    }

    private final ThreadLocal<Release> current = new ThreadLocal<>();
    private final Recorder recorder;
    private final int phase;

    RecordingListener(Recorder recorder, int phase) {
        this.recorder = recorder;
        this.phase = phase;
    }

    /** Starts attributing events on this thread to the permit it is about to close. */
    Release beginRelease() {
        Release r = new Release();
        current.set(r);
        return r;
    }

    void endRelease() {
        current.remove();
    }

    @Override
    public void released(String sessionHash, Mode mode, Duration held, boolean wasHeld) {
        Release r = current.get();
        if (r != null) {
            r.wasHeld = wasHeld;
        }
        if (!wasHeld || r == null) { // a normal release on the closing thread is in the C record already
            event("released", sessionHash, mode, "wasHeld=" + wasHeld + (r == null ? " background" : ""));
        }
    }

    @Override
    public void leaseLost(String sessionHash, Mode mode) {
        Release r = current.get();
        if (r != null) {
            r.lostEvent = true;
        }
        event("leaseLost", sessionHash, mode, r == null ? "" : "at release");
    }

    @Override
    public void backendError(String operation, Throwable error) {
        Release r = current.get();
        if (r != null && "release".equals(operation)) {
            r.error = true;
        }
        event("backendError", "-", null, operation + " " + error.getClass().getSimpleName());
    }

    /** One {@code L} record: phase, time, event name, session hash, mode, detail. */
    void event(String name, String sessionHash, Mode mode, String detail) {
        recorder.write(
                HistoryFile.EVENT,
                phase,
                System.nanoTime(),
                name,
                sessionHash,
                mode == null ? "-" : mode.name(),
                detail.isEmpty() ? "-" : detail);
    }
}
