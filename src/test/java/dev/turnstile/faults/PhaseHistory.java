package dev.turnstile.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Everything the processes recorded in one phase, merged. */
final class PhaseHistory {

    final int index;
    final List<Section> sections = new ArrayList<>();
    /** Acquire failures by kind ("backend", "other"). */
    final Map<String, Integer> failures = new TreeMap<>();
    /** Listener events by name; backend errors by operation ("backendError acquire"). */
    final Map<String, Integer> events = new TreeMap<>();

    int busy;

    PhaseHistory(int index) {
        this.index = index;
    }

    void event(String name, String detail) {
        String key = name;
        if ("backendError".equals(name)) {
            key = name + " " + detail.split(" ")[0];
        } else if ("released".equals(name)) {
            key = name + " " + detail;
        }
        events.merge(key, 1, Integer::sum);
    }

    int failures(String kind) {
        return failures.getOrDefault(kind, 0);
    }

    int events(String key) {
        return events.getOrDefault(key, 0);
    }
}
