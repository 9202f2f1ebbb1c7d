package dev.turnstile.testing;

import dev.turnstile.Mode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A history of guarded sections (enter after acquire, exit before release, on one global
 * sequence) and the checker of the three rules: within a session, two turns never overlap, and
 * a write overlaps nothing. Recorded intervals lie inside the true holding intervals, so the
 * checker has no false positives.
 */
public final class OverlapHistory {

    public record Section(String session, String turn, Mode mode, long enter, long exit) {
        boolean overlaps(Section o) {
            return enter < o.exit && o.enter < exit;
        }
    }

    private final AtomicLong clock = new AtomicLong();
    private final ConcurrentLinkedQueue<Section> sections = new ConcurrentLinkedQueue<>();

    public long enter() {
        return clock.incrementAndGet();
    }

    public void exit(String session, String turn, Mode mode, long enter) {
        sections.add(new Section(session, turn, mode, enter, clock.incrementAndGet()));
    }

    public int size() {
        return sections.size();
    }

    /** Every recorded section, in no particular order. */
    public List<Section> sections() {
        return List.copyOf(sections);
    }

    /** Every forbidden overlap, described; empty when the history obeys the rules. */
    public List<String> violations() {
        List<String> found = new ArrayList<>();
        forEachOverlap((a, b) -> {
            if (!Objects.equals(a.turn(), b.turn()) || a.turn() == null) {
                found.add("two turns overlap: " + a + " / " + b);
            } else if (a.mode() == Mode.WRITE || b.mode() == Mode.WRITE) {
                found.add("a write overlaps its turn: " + a + " / " + b);
            }
        });
        return found;
    }

    /** Pairs of reads of one turn that overlapped (evidence that reads do run together). */
    public long overlappingReads() {
        long[] count = {0};
        forEachOverlap((a, b) -> {
            if (a.mode() == Mode.READ
                    && b.mode() == Mode.READ
                    && a.turn() != null
                    && a.turn().equals(b.turn())) {
                count[0]++;
            }
        });
        return count[0];
    }

    private void forEachOverlap(java.util.function.BiConsumer<Section, Section> pair) {
        Map<String, List<Section>> bySession = sections.stream().collect(Collectors.groupingBy(Section::session));
        for (List<Section> list : bySession.values()) {
            list.sort(Comparator.comparingLong(Section::enter));
            for (int i = 0; i < list.size(); i++) {
                Section a = list.get(i);
                for (int j = i + 1; j < list.size() && list.get(j).enter() < a.exit(); j++) {
                    if (a.overlaps(list.get(j))) {
                        pair.accept(a, list.get(j));
                    }
                }
            }
        }
    }
}
