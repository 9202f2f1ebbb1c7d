package dev.turnstile.faults;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.BusyException;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One phase inside a worker process: its own engine (own key prefix), the calling threads and
 * the history records of every guarded call. A call records its section's enter right after
 * {@code acquire} returned and its exit right before {@code close()}, so the recorded section
 * lies inside the time the place was really held.
 */
final class WorkerPhase implements AutoCloseable {

    private static final long BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long DRAIN_JOIN_MILLIS = 60_000;

    private record Pending(String id, Permit permit) {}

    private final String tag;
    private final int worker;
    private final int phase;
    private final Turnstile turnstile;
    private final RecordingListener listener;
    private final Recorder recorder;
    private final LoadSettings settings;
    private final long turnBase;
    private final PhasePlan.Load load;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong sections = new AtomicLong();
    private final Queue<Pending> notLost = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Thread> holds = new ArrayList<>();
    private volatile boolean stopping;

    WorkerPhase(
            String tag,
            int worker,
            int phase,
            Turnstile turnstile,
            RecordingListener listener,
            Recorder recorder,
            LoadSettings settings,
            long turnBase,
            PhasePlan.Load load) {
        this.tag = tag;
        this.worker = worker;
        this.phase = phase;
        this.turnstile = turnstile;
        this.listener = listener;
        this.recorder = recorder;
        this.settings = settings;
        this.turnBase = turnBase;
        this.load = load;
    }

    void start() {
        recorder.write(HistoryFile.PHASE, phase, System.nanoTime());
        for (int i = 0; i < settings.threads() + settings.hotThreads(); i++) {
            int session = i < settings.threads() && load == PhasePlan.Load.SPREAD
                    ? (worker * settings.threads() + i) % settings.sessions()
                    : 0;
            Thread t = new Thread(() -> loop(session), "fault-load-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Guarded sections entered so far in this phase by this process. */
    long sections() {
        return sections.get();
    }

    /**
     * A calling thread: one session, so that a session held across a fault holds up only its
     * own callers (threads picking sessions at random would all end up waiting on that one).
     * Thread i of worker w calls session (w * threads + i) mod sessions, so every session has
     * callers in several processes (see {@link PhasePlan.Load}).
     */
    private void loop(int session) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long toolMin = settings.toolMin().toNanos();
        long toolSpan = Math.max(1, settings.toolMax().toNanos() - toolMin);
        while (!stopping) {
            Mode mode = random.nextDouble() < settings.writeShare() ? Mode.WRITE : Mode.READ;
            long now = System.nanoTime();
            long slice = settings.turnSlice().toNanos();
            long offset = session * slice / settings.sessions();
            long index = Math.floorDiv(now - turnBase + offset, slice);
            long sliceStart = turnBase - offset + index * slice;
            long until = toolMin + random.nextLong(toolSpan);
            call(session, "turn-" + index, sliceStart, mode, false, () -> System.nanoTime() + until);
        }
    }

    /**
     * Takes a place for a hold: a call that keeps its place until {@code exitAt} (a time on the
     * shared clock) or until the phase drains. Returns the reply for the orchestrator.
     */
    String hold(int session, Mode mode, long exitAt) {
        String turn = "hold-" + tag + "-" + ids.incrementAndGet();
        Permit permit;
        long start = System.nanoTime();
        try {
            permit = turnstile.acquire(sessionId(session), turn, mode);
        } catch (RuntimeException e) {
            failed(session, turn, mode, start, e);
            return "HOLDFAIL " + e.getClass().getSimpleName();
        }
        Thread t = new Thread(() -> held(permit, session, turn, mode, start, -1, true, exitAt), "fault-hold");
        t.setDaemon(true);
        synchronized (holds) {
            holds.add(t);
        }
        t.start();
        return "HELD " + permit.sessionHash() + " " + permit.fence().orElse(0);
    }

    interface ToolEnd {
        long at();
    }

    private void call(int session, String turn, long sliceStart, Mode mode, boolean hold, ToolEnd end) {
        long start = System.nanoTime();
        Permit permit;
        try {
            permit = turnstile.acquire(sessionId(session), turn, mode);
        } catch (RuntimeException e) {
            failed(session, turn, mode, start, e);
            return;
        }
        held(permit, session, turn, mode, start, sliceStart, hold, end.at());
    }

    private void held(
            Permit permit,
            int session,
            String turn,
            Mode mode,
            long start,
            long sliceStart,
            boolean hold,
            long exitAt) {
        long enter = System.nanoTime();
        String id = tag + "-" + ids.incrementAndGet();
        sections.incrementAndGet();
        recorder.write(
                HistoryFile.ENTER,
                phase,
                id,
                Thread.currentThread().getName(),
                session,
                turn,
                mode.name(),
                hold ? 1 : 0,
                sliceStart,
                start,
                enter,
                permit.fence().orElse(-1),
                permit.sessionHash());
        runTool(exitAt);
        long exit = System.nanoTime();
        recorder.write(HistoryFile.EXIT, phase, id, exit, permit.leaseLost() ? 1 : 0);
        RecordingListener.Release heard = listener.beginRelease();
        try {
            permit.close();
        } finally {
            listener.endRelease();
        }
        boolean lost = permit.leaseLost();
        recorder.write(
                HistoryFile.CLOSED,
                phase,
                id,
                System.nanoTime(),
                lost ? 1 : 0,
                heard.wasHeld == null ? "-" : heard.wasHeld ? "1" : "0",
                heard.error ? 1 : 0,
                heard.lostEvent ? 1 : 0);
        if (!lost) {
            notLost.add(new Pending(id, permit));
        }
    }

    /** The tool: holds the place until {@code exitAt}; a drain interrupts a hold early. */
    private static void runTool(long exitAt) {
        long left;
        while ((left = exitAt - System.nanoTime()) > 0
                && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(left);
        }
    }

    private void failed(int session, String turn, Mode mode, long start, RuntimeException e) {
        long now = System.nanoTime();
        if (e instanceof BusyException busy) {
            recorder.write(
                    HistoryFile.BUSY,
                    phase,
                    session,
                    turn,
                    mode.name(),
                    start,
                    now,
                    busy.reason().name());
            return;
        }
        String kind = e instanceof BackendUnavailableException ? "backend" : "other";
        recorder.write(
                HistoryFile.FAILED,
                phase,
                session,
                turn,
                mode.name(),
                start,
                now,
                kind + ":" + rootCause(e).getClass().getSimpleName());
        LockSupport.parkNanos(BACKOFF_NANOS); // a refused connection fails at once: do not spin
    }

    private static Throwable rootCause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    /**
     * Stops the calling threads after their current call, ends the holds, and then asks every
     * permit that did not report a lost lease at its release once more (a release retried in
     * the background may report later). Returns the sections of this phase.
     */
    long drain() throws InterruptedException {
        stopping = true;
        synchronized (holds) {
            holds.forEach(Thread::interrupt);
        }
        for (Thread t : threads) {
            t.join(DRAIN_JOIN_MILLIS);
        }
        synchronized (holds) {
            for (Thread t : holds) {
                t.join(DRAIN_JOIN_MILLIS);
            }
        }
        for (Pending p : notLost) {
            if (p.permit().leaseLost()) {
                recorder.write(HistoryFile.LATE, phase, p.id(), System.nanoTime());
            }
        }
        notLost.clear();
        recorder.write(HistoryFile.DRAINED, phase, System.nanoTime());
        return sections.get();
    }

    static String sessionId(int session) {
        return "session-" + session;
    }

    @Override
    public void close() {
        stopping = true;
        turnstile.close();
    }
}
