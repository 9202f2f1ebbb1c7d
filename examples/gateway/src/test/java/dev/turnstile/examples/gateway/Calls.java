package dev.turnstile.examples.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the upstream reported about tool calls, and the overlaps Turnstile forbids or allows. */
final class Calls {

    /** One tool call as the upstream ran it: [start, end] in microseconds of the upstream's wall clock. */
    record Call(
            String turn, String tool, boolean write, String via, long start, long end, Map<String, Object> reported) {

        boolean overlaps(Call other) {
            return start < other.end && other.start < end;
        }

        @Override
        public String toString() {
            return (write ? "write " : "read ") + tool + " turn=" + turn + " via=" + via + " [" + start % 100_000_000
                    + ", " + end % 100_000_000 + "]";
        }
    }

    private Calls() {}

    static Call of(String turn, String tool, boolean write, String via, Map<String, Object> reported) {
        return new Call(
                turn,
                tool,
                write,
                via,
                ((Number) reported.get("startedAtMicros")).longValue(),
                ((Number) reported.get("endedAtMicros")).longValue(),
                reported);
    }

    /** Pairs that break a rule: calls of different turns overlapping, or a write overlapping its own turn. */
    static List<String> violations(List<Call> calls) {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            for (int j = i + 1; j < calls.size(); j++) {
                Call a = calls.get(i);
                Call b = calls.get(j);
                if (!a.overlaps(b)) {
                    continue;
                }
                if (!a.turn().equals(b.turn())) {
                    found.add("turns overlap: " + a + " / " + b);
                } else if (a.write() || b.write()) {
                    found.add("a write overlaps its turn: " + a + " / " + b);
                }
            }
        }
        return found;
    }

    /** The most calls that ran at one instant. */
    static int maxConcurrency(List<Call> calls) {
        int max = 0;
        for (Call c : calls) {
            int at = 0;
            for (Call d : calls) {
                if (d.start() <= c.start() && c.start() < d.end()) {
                    at++;
                }
            }
            max = Math.max(max, at);
        }
        return max;
    }
}
