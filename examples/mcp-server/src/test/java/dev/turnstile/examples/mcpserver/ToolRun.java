package dev.turnstile.examples.mcpserver;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One tool call as the tool reported it, and the checker of Turnstile's rules over many of them:
 * within a session, two turns never overlap (a call without a turn is a turn of its own), and a
 * write overlaps nothing. Each interval was taken inside the tool, so inside the guarded section.
 */
record ToolRun(String tool, String sessionHash, String turn, String mode, long start, long end) {

    static final Set<String> READS = Set.of("get_balance", "list_refunds", "lookup_charge", "list_calls");

    @SuppressWarnings("unchecked")
    static ToolRun of(McpSchema.CallToolResult result) {
        if (Boolean.TRUE.equals(result.isError())) {
            throw new AssertionError("tool error: " + result.content());
        }
        Map<String, Object> s = (Map<String, Object>) result.structuredContent();
        return new ToolRun(
                (String) s.get("tool"),
                (String) s.get("sessionHash"),
                (String) s.get("turn"),
                (String) s.get("mode"),
                ((Number) s.get("startedAtMicros")).longValue(),
                ((Number) s.get("endedAtMicros")).longValue());
    }

    boolean read() {
        return READS.contains(tool);
    }

    boolean overlaps(ToolRun o) {
        return start < o.end && o.start < end;
    }

    /** Every forbidden overlap, described; empty when the history obeys the rules. */
    static List<String> violations(List<ToolRun> runs) {
        List<ToolRun> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingLong(ToolRun::start));
        List<String> found = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            ToolRun a = sorted.get(i);
            for (int j = i + 1; j < sorted.size() && sorted.get(j).start() < a.end(); j++) {
                ToolRun b = sorted.get(j);
                if (!a.sessionHash().equals(b.sessionHash()) || !a.overlaps(b)) {
                    continue;
                }
                if (a.turn() == null || !Objects.equals(a.turn(), b.turn())) {
                    found.add("two turns overlap: " + a + " / " + b);
                } else if (!a.read() || !b.read()) {
                    found.add("a write overlaps its turn: " + a + " / " + b);
                }
            }
        }
        return found;
    }
}
