package dev.turnstile.internal.engine;

import dev.turnstile.BusyReason;
import dev.turnstile.Mode;
import dev.turnstile.ToolClasses;
import dev.turnstile.spi.Grant;
import dev.turnstile.spi.LockStore;
import dev.turnstile.spi.Place;
import dev.turnstile.spi.Renewal;
import dev.turnstile.spi.Watch;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The lock store of a single process, with the same rules as the Redis scripts (see
 * {@code acquire.lua}): one turn per session, reads of a turn together, a write alone, writer
 * preference, waiting turns first come first served with the turn grace (rule 4), per-place
 * leases, fencing tokens that only grow. Sessions leave the map as soon as nothing is held or
 * waiting in them.
 */
public final class InProcessLockStore implements LockStore {

    private final Map<String, Session> sessions = new HashMap<>(); // guarded by this
    private final Map<String, Long> tombstones = new HashMap<>(); // token -> expiry (nanos), guarded by this
    private final WakeBoard board = new WakeBoard(WakeBoard.Hooks.NONE);
    private final ToolClasses toolClasses;
    private final LongSupplier nanoTime;
    private long lastFence; // guarded by this
    private long arrivals; // guarded by this: numbers the waiting calls in the order they came

    public InProcessLockStore() {
        this(System::nanoTime);
    }

    InProcessLockStore(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.toolClasses = new InProcessToolClasses(nanoTime);
    }

    @Override
    public ToolClasses toolClasses() {
        return toolClasses;
    }

    /** Its waiting calls keep the order they came in by themselves: {@code arrival} is not needed. */
    @Override
    public Grant tryAcquire(Place place, Duration lease, Duration waitingMark, Duration turnGrace, String arrival) {
        boolean[] pruned = {false};
        Grant grant = tryAcquire(place, lease, waitingMark, turnGrace, pruned);
        if (pruned[0]) {
            board.signal(place.sessionHash()); // a lease or a mark ran out: waiters look again
        }
        return grant;
    }

    private Grant tryAcquire(Place place, Duration lease, Duration waitingMark, Duration turnGrace, boolean[] pruned) {
        synchronized (this) {
            long now = nanoTime.getAsLong();
            tombstones.values().removeIf(expiry -> expiry - now <= 0);
            if (tombstones.containsKey(place.token())) {
                return new Grant.Abandoned();
            }
            Session s = sessions.computeIfAbsent(place.sessionHash(), k -> new Session());
            pruned[0] = s.prune(now);
            if (s.places.containsKey(place.member())) { // the same acquire again: granted again
                s.places.put(place.member(), now + lease.toNanos());
                return new Grant.Granted(place.mode() == Mode.WRITE ? s.fence : 0);
            }
            BusyReason reason = s.conflict(place, now, turnGrace);
            if (reason != null) {
                return deny(s, place, reason, waitingMark, now);
            }
            s.turn = place.turnHash();
            s.places.put(place.member(), now + lease.toNanos());
            s.unwait(Session.waiting(place.turnHash(), place.mode(), place.token()));
            s.turns.remove(place.turnHash()); // the holding turn leaves the queue
            long fence = 0;
            if (place.mode() == Mode.WRITE) {
                long micros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
                fence = lastFence = Math.max(lastFence + 1, micros);
                s.fence = fence;
            }
            return new Grant.Granted(fence);
        }
    }

    private Grant deny(Session s, Place place, BusyReason reason, Duration waitingMark, long now) {
        String ahead = s.heldBackInTurn(place, reason); // before its own mark is made
        String arrival = "";
        if (!waitingMark.isZero()) {
            arrival = String.format("%017d", s.waitFor(place, now + waitingMark.toNanos(), now, arrivals + 1));
            arrivals = Math.max(arrivals, Long.parseLong(arrival));
        }
        int position = -1;
        if (reason == BusyReason.SESSION_BUSY) {
            position = s.positionOf(place.turnHash());
        }
        String next = s.turns.isEmpty() ? "" : s.turns.keySet().iterator().next();
        String holder = s.places.isEmpty() ? "" : s.turn;
        boolean owed = reason == BusyReason.SESSION_BUSY && place.turnHash().equals(holder); // rule 4
        Duration hint = hint(s, place, next, ahead, owed, now);
        dropIfIdle(place.sessionHash(), s);
        return new Grant.Denied(reason, hint, position, next, holder, arrival);
    }

    /**
     * Until the earliest lease ends; but when a waiting call holds the caller back (the turn first in
     * line, owed the session; a call of its own turn that goes first) and its mark ends sooner, until
     * then: its waiter may have died.
     */
    private static Duration hint(Session s, Place place, String next, String ahead, boolean owed, long now) {
        long hint = s.places.isEmpty() ? 0 : s.earliestDeadline() - now;
        long markEnd = 0;
        if ((hint == 0 || owed) && !next.isEmpty() && !next.equals(place.turnHash())) {
            markEnd = Math.max(0, s.marksEnd(next) - now);
        } else if (ahead != null) {
            markEnd = Math.max(TimeUnit.MILLISECONDS.toNanos(1), s.waiting.get(ahead) - now);
        }
        return Duration.ofNanos(markEnd > 0 && (hint == 0 || markEnd < hint) ? markEnd : hint);
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
    public void withdraw(Place place, String arrival) {
        boolean removed;
        synchronized (this) {
            Session s = sessions.get(place.sessionHash());
            removed = s != null && s.unwait(Session.waiting(place.turnHash(), place.mode(), place.token()));
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
            removed = s != null
                    && (s.places.remove("r:" + place.token()) != null
                            | s.places.remove("w:" + place.token()) != null
                            | s.unwait(Session.waiting(place.turnHash(), Mode.READ, place.token()))
                            | s.unwait(Session.waiting(place.turnHash(), Mode.WRITE, place.token())));
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
    public Watch watch(Place place, Runnable onWake) {
        return board.watch(place, onWake);
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

    /** One session's state; every access holds the store's monitor. Times are nanos of the store's clock. */
    private static final class Session {
        String turn;
        long fence; // of the latest write place
        final Map<String, Long> places = new HashMap<>(); // "<r|w>:<token>" -> lease deadline
        final Map<String, Long> waiting =
                new LinkedHashMap<>(); // "<turn>|<r|w>|<token>" -> mark deadline, in the order they came
        final Map<String, Long> arrivalOf = new HashMap<>(); // the same members -> their arrival number
        final LinkedHashMap<String, Long> turns = new LinkedHashMap<>(); // waiting turns, first come first

        static String waiting(String turn, Mode mode, String token) {
            return turn + "|" + (mode == Mode.WRITE ? "w" : "r") + "|" + token;
        }

        /** Drops expired places and marks; true when something was dropped. */
        boolean prune(long now) {
            boolean dropped = places.values().removeIf(deadline -> deadline - now <= 0);
            Set<String> expired = new HashSet<>();
            waiting.forEach((m, deadline) -> {
                if (deadline - now <= 0) {
                    expired.add(m);
                }
            });
            expired.forEach(this::unwait);
            return dropped || !expired.isEmpty();
        }

        BusyReason conflict(Place place, long now, Duration turnGrace) {
            String head = turns.isEmpty() ? null : turns.keySet().iterator().next();
            boolean otherHead = head != null && !head.equals(place.turnHash());
            if (!places.isEmpty()) {
                if (!place.turnHash().equals(turn)) {
                    return BusyReason.SESSION_BUSY;
                }
                if (!turnGrace.isNegative() && otherHead && now - turns.get(head) >= turnGrace.toNanos()) {
                    return BusyReason.SESSION_BUSY; // another turn waited past the grace: queue behind it
                }
                if (place.mode() == Mode.WRITE || places.keySet().stream().anyMatch(m -> m.startsWith("w:"))) {
                    return BusyReason.TURN_BUSY;
                }
                return aheadInTurn(place) != null ? BusyReason.TURN_BUSY : null; // an earlier writer goes first
            }
            if (otherHead) {
                return BusyReason.SESSION_BUSY; // free, and another turn is first in line
            }
            return aheadInTurn(place) != null ? BusyReason.TURN_BUSY : null;
        }

        /**
         * The waiting call of the place's turn that goes before it, or null: for a write, any call of
         * its turn that waits since before it; for a read, such a write. A call that has not waited
         * comes after every waiting one. {@code waiting} keeps the order the calls came in.
         */
        String aheadInTurn(Place place) {
            String own = waiting(place.turnHash(), place.mode(), place.token());
            String prefix = place.turnHash() + "|";
            for (String member : waiting.keySet()) {
                if (member.equals(own)) {
                    return null;
                }
                if (member.startsWith(prefix) && (place.mode() == Mode.WRITE || member.startsWith(prefix + "w|"))) {
                    return member;
                }
            }
            return null;
        }

        /**
         * The waiting call of its turn that the denied place waits behind, as acquire.lua tells it:
         * while the session is free, or while its turn holds it with reads and the place is a read.
         */
        String heldBackInTurn(Place place, BusyReason reason) {
            boolean readsOfItsTurn = place.mode() == Mode.READ
                    && reason == BusyReason.TURN_BUSY
                    && places.keySet().stream().noneMatch(m -> m.startsWith("w:"));
            return places.isEmpty() || readsOfItsTurn ? aheadInTurn(place) : null;
        }

        /** Records (or refreshes) a waiting call; returns its arrival: its own, or {@code next} when it is new. */
        long waitFor(Place place, long until, long now, long next) {
            String member = waiting(place.turnHash(), place.mode(), place.token());
            waiting.put(member, until);
            turns.putIfAbsent(place.turnHash(), now);
            return arrivalOf.computeIfAbsent(member, m -> next);
        }

        /** Removes one waiting call; its turn leaves the queue with its last one. True when it waited. */
        boolean unwait(String member) {
            boolean removed = waiting.remove(member) != null;
            arrivalOf.remove(member);
            String turnOf = member.substring(0, member.indexOf('|'));
            if (!hasWaiting(turnOf)) {
                turns.remove(turnOf);
            }
            return removed;
        }

        boolean hasWaiting(String turnHash) {
            String prefix = turnHash + "|";
            return waiting.keySet().stream().anyMatch(m -> m.startsWith(prefix));
        }

        /** When the newest waiting mark of the turn ends (nanos), or 0. */
        long marksEnd(String turnHash) {
            String prefix = turnHash + "|";
            return waiting.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(prefix))
                    .mapToLong(Map.Entry::getValue)
                    .max()
                    .orElse(0);
        }

        int positionOf(String turnHash) {
            int i = 0;
            for (String t : turns.keySet()) {
                if (t.equals(turnHash)) {
                    return i;
                }
                i++;
            }
            return i;
        }

        long earliestDeadline() {
            return places.values().stream().mapToLong(Long::longValue).min().orElse(0);
        }

        boolean idle() {
            return places.isEmpty() && waiting.isEmpty();
        }
    }
}
