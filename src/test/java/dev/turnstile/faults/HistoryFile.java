package dev.turnstile.faults;

import dev.turnstile.Mode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The record kinds of a worker's history file and the reader that turns one file into sections
 * and counts per phase. Every record starts with its kind and the phase index; times are
 * {@link System#nanoTime()} values.
 *
 * <pre>
 * P     phase time                                   the process started the phase
 * E     phase id thread session turn mode hold slice-start start enter fence session-hash
 * X     phase id exit lost-at-exit                   (before close)
 * C     phase id closed-at lost-after-close was-held(1|0|-) release-error lost-event
 * LATE  phase id time                                leaseLost() became true after close
 * B     phase session turn mode start time reason    busy answer
 * F     phase session turn mode start time kind:cause  acquire failed (backend or other)
 * L     phase time event session-hash mode detail    listener event
 * D     phase time                                   the process drained the phase
 * </pre>
 */
final class HistoryFile {

    static final String PHASE = "P";
    static final String ENTER = "E";
    static final String EXIT = "X";
    static final String CLOSED = "C";
    static final String LATE = "LATE";
    static final String BUSY = "B";
    static final String FAILED = "F";
    static final String EVENT = "L";
    static final String DRAINED = "D";

    private final String process;
    private final Map<String, Section> byId = new HashMap<>();
    private final Map<Integer, PhaseHistory> phases;

    private HistoryFile(String process, Map<Integer, PhaseHistory> phases) {
        this.process = process;
        this.phases = phases;
    }

    /** Adds the records of one process's file to {@code phases}. A line cut short is ignored. */
    static void read(Path file, String process, Map<Integer, PhaseHistory> phases) throws IOException {
        HistoryFile reader = new HistoryFile(process, phases);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split("\t", -1);
                try {
                    reader.record(f);
                } catch (RuntimeException malformed) {
                    // a line cut short (it can only be the last one of a killed process): skipped
                }
            }
        }
    }

    private void record(String[] f) {
        if (f.length < 2) {
            return;
        }
        PhaseHistory ph = phases.computeIfAbsent(Integer.parseInt(f[1]), PhaseHistory::new);
        switch (f[0]) {
            case ENTER -> enter(f, ph);
            case EXIT ->
                withSection(f, s -> {
                    s.exit = Long.parseLong(f[3]);
                    s.lostAtExit = "1".equals(f[4]);
                });
            case CLOSED ->
                withSection(f, s -> {
                    s.lostAfterClose = "1".equals(f[4]);
                    s.wasHeld = "-".equals(f[5]) ? null : "1".equals(f[5]);
                    s.releaseError = "1".equals(f[6]);
                    s.lostEvent = "1".equals(f[7]);
                });
            case LATE -> withSection(f, s -> s.lostLate = true);
            case BUSY -> ph.busy++;
            case FAILED -> ph.failures.merge(f[7].substring(0, f[7].indexOf(':')), 1, Integer::sum);
            case EVENT -> ph.event(f[3], f[6]);
            case DRAINED, PHASE -> {}
            default -> throw new IllegalStateException("unknown record in the history of " + process + ": " + f[0]);
        }
    }

    private void enter(String[] f, PhaseHistory ph) {
        Section s = new Section(
                process,
                f[2],
                Integer.parseInt(f[4]),
                f[5],
                Mode.valueOf(f[6]),
                "1".equals(f[7]),
                Long.parseLong(f[8]),
                Long.parseLong(f[9]),
                Long.parseLong(f[10]),
                Long.parseLong(f[11]),
                f[12]);
        byId.put(s.id, s);
        ph.sections.add(s);
    }

    private void withSection(String[] f, java.util.function.Consumer<Section> update) {
        Section s = byId.get(f[2]);
        if (s != null) {
            update.accept(s);
        }
    }
}
