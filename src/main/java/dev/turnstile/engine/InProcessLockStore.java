package dev.turnstile.engine;

import dev.turnstile.BusyReason;
import dev.turnstile.Mode;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The lock store of a single process, with the same rules as the Redis scripts (see
 * {@code acquire.lua}): one turn per session, reads of a turn together, a write alone, writer
 * preference, per-place leases, fencing tokens that only grow. Sessions leave the map as soon as
 * nothing is held or waiting in them.
 */
public final class InProcessLockStore implements LockStore {

    private final Map<String, Session> sessions = new HashMap<>(); // guarded by this
    private final Map<String, Long> tombstones = new HashMap<>();  // token -> expiry (nanos), guarded by this
    private final WakeBoard board = new WakeBoard(WakeBoard.Hooks.NONE);
    private final LongSupplier nanoTime;
    private long lastFence; // guarded by this

    public InProcessLockStore() {
        this(System::nanoTime);
    }

    InProcessLockStore(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    @Override
    public Grant tryAcquire(Place place, Duration lease, Duration waitingMark) {
        synchronized (this) {
            long now = nanoTime.getAsLong();
            tombstones.values().removeIf(expiry -> expiry - now <= 0);
            if (tombstones.containsKey(place.token())) {
                return new Grant.Abandoned();
            }
            Session s = sessions.computeIfAbsent(place.sessionHash(), k -> new Session());
            s.prune(now);
            if (s.places.containsKey(place.member())) { // the same acquire again: granted again
                s.places.put(place.member(), now + lease.toNanos());
                return new Grant.Granted(place.mode() == Mode.WRITE ? s.fence : 0);
            }
            BusyReason reason = s.conflict(place);
            if (reason != null) {
                if (place.mode() == Mode.WRITE && !waitingMark.isZero()) {
                    s.writers(place.turnHash()).put(place.token(), now + waitingMark.toNanos());
                }
                Duration hint = s.places.isEmpty() ? Duration.ZERO : Duration.ofNanos(s.earliestDeadline() - now);
                return new Grant.Denied(reason, hint);
            }
            s.turn = place.turnHash();
            s.places.put(place.member(), now + lease.toNanos());
            long fence = 0;
            if (place.mode() == Mode.WRITE) {
                s.removeWriter(place.turnHash(), place.token());
                long micros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
                fence = lastFence = Math.max(lastFence + 1, micros);
                s.fence = fence;
            }
            return new Grant.Granted(fence);
        }
    }

    @Override
    public boolean release(Place place) {
        boolean freed;
        boolean held;
        synchronized (this) {
            Session s = sessions.get(place.sessionHash());
            if (s == null) {
                return false;
            }
            held = s.places.remove(place.member()) != null;
            freed = s.prune(nanoTime.getAsLong()) || held;
            dropIfIdle(place.sessionHash(), s);
        }
        if (freed) {
            board.signal(place.sessionHash());
        }
        return held;
    }

    @Override
    public Renewal renew(Collection<Place> places, Duration lease) {
        Set<String> renewed = new HashSet<>();
        Set<String> lost = new HashSet<>();
        Set<String> freedSessions = new HashSet<>();
        synchronized (this) {
            long now = nanoTime.getAsLong();
            for (Iterator<Map.Entry<String, Session>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Session> e = it.next();
                if (e.getValue().prune(now)) {
                    freedSessions.add(e.getKey());
                }
                if (e.getValue().idle()) {
                    it.remove();
                }
            }
            for (Place place : places) {
                Session s = sessions.get(place.sessionHash());
                if (s != null && s.places.containsKey(place.member())) {
                    s.places.put(place.member(), now + lease.toNanos());
                    renewed.add(place.token());
                } else {
                    lost.add(place.token());
                }
            }
        }
        freedSessions.forEach(board::signal);
        return new Renewal(renewed, lost);
    }

    @Override
    public void withdraw(Place place) {
        boolean removed;
        synchronized (this) {
            Session s = sessions.get(place.sessionHash());
            removed = s != null && s.removeWriter(place.turnHash(), place.token());
            if (s != null) {
                dropIfIdle(place.sessionHash(), s);
            }
        }
        if (removed) {
            board.signal(place.sessionHash());
        }
    }

    @Override
    public boolean abandon(Place place, Duration tombstone) {
        boolean removed;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            tombstones.put(place.token(), now + tombstone.toNanos());
            Session s = sessions.get(place.sessionHash());
            removed = s != null && (s.places.remove("r:" + place.token()) != null
                    | s.places.remove("w:" + place.token()) != null
                    | s.removeWriter(place.turnHash(), place.token()));
            if (s != null) {
                dropIfIdle(place.sessionHash(), s);
            }
        }
        if (removed) {
            board.signal(place.sessionHash());
        }
        return removed;
    }

    @Override
    public Watch watch(String sessionHash, Duration maxWait) {
        return board.watch(sessionHash, maxWait);
    }

    /** Sessions with anything held or waiting (for tests and metrics). */
    public synchronized int activeSessions() {
        return sessions.size();
    }

    @Override
    public String describe() {
        return "in-process store (single instance)";
    }

    @Override
    public void close() {
        // nothing to free
    }

    private void dropIfIdle(String sessionHash, Session s) {
        if (s.idle()) {
            sessions.remove(sessionHash);
        }
    }

    /** One session's state; every access holds the store's monitor. */
    private static final class Session {
        String turn;
        long fence; // of the latest write place
        final Map<String, Long> places = new HashMap<>(); // member -> lease deadline (nanos)
        final Map<String, Map<String, Long>> writers = new HashMap<>(); // turn -> token -> mark deadline

        /** Drops expired places and marks; true when a place was dropped. */
        boolean prune(long now) {
            boolean dropped = places.values().removeIf(deadline -> deadline - now <= 0);
            writers.values().forEach(marks -> marks.values().removeIf(deadline -> deadline - now <= 0));
            writers.values().removeIf(Map::isEmpty);
            return dropped;
        }

        BusyReason conflict(Place place) {
            if (!places.isEmpty()) {
                if (!place.turnHash().equals(turn)) {
                    return BusyReason.SESSION_BUSY;
                }
                if (place.mode() == Mode.WRITE || places.keySet().stream().anyMatch(m -> m.startsWith("w:"))) {
                    return BusyReason.TURN_BUSY;
                }
            }
            Map<String, Long> waiting = writers.get(place.turnHash());
            if (place.mode() == Mode.READ && waiting != null && !waiting.isEmpty()) {
                return BusyReason.TURN_BUSY;
            }
            return null;
        }

        Map<String, Long> writers(String turnHash) {
            return writers.computeIfAbsent(turnHash, k -> new HashMap<>());
        }

        boolean removeWriter(String turnHash, String token) {
            Map<String, Long> marks = writers.get(turnHash);
            boolean removed = marks != null && marks.remove(token) != null;
            if (marks != null && marks.isEmpty()) {
                writers.remove(turnHash);
            }
            return removed;
        }

        long earliestDeadline() {
            return places.values().stream().mapToLong(Long::longValue).min().orElse(0);
        }

        boolean idle() {
            return places.isEmpty() && writers.isEmpty();
        }
    }
}
