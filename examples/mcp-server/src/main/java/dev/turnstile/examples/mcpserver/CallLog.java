package dev.turnstile.examples.mcpserver;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last tool calls this server ran, per session (keyed by the session hash, never the id), as the
 * tools reported them: also the calls whose answer never reached a client (it left, or a gateway
 * closed the stream). {@code list_calls} reads it. Bounded: the newest {@value #PER_SESSION} calls of
 * the {@value #SESSIONS} most recently active sessions.
 */
final class CallLog {

    static final int PER_SESSION = 100;
    static final int SESSIONS = 1_000;

    private final Map<String, Deque<Map<String, Object>>> bySession = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Map<String, Object>>> eldest) {
            return size() > SESSIONS;
        }
    };

    synchronized void add(String sessionHash, Map<String, Object> call) {
        if (sessionHash == null) {
            return;
        }
        Deque<Map<String, Object>> calls = bySession.computeIfAbsent(sessionHash, k -> new ArrayDeque<>());
        calls.addLast(Collections.unmodifiableMap(withoutNulls(call)));
        if (calls.size() > PER_SESSION) {
            calls.removeFirst();
        }
    }

    /** The session's calls, oldest first. */
    synchronized List<Map<String, Object>> of(String sessionHash) {
        Deque<Map<String, Object>> calls = sessionHash == null ? null : bySession.get(sessionHash);
        return calls == null ? List.of() : new ArrayList<>(calls);
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> call) {
        Map<String, Object> copy = new LinkedHashMap<>();
        call.forEach((k, v) -> {
            if (v != null) {
                copy.put(k, v);
            }
        });
        return copy;
    }
}
