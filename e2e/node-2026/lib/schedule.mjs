// Judges how calls were scheduled from the intervals the tools reported (startedAtMicros, endedAtMicros,
// taken inside the one upstream server process), never from the client's clock.
import assert from 'node:assert/strict';

/** The tools the example gateway classifies as reads (prefixes get_, list_; lookup_* in its turnstile.json). */
export const READ_TOOLS = new Set(['get_balance', 'list_refunds', 'lookup_charge', 'list_calls']);

/** 'read' or 'write': the class of a call by its tool's name, as the gateway decides it. */
export const classOf = (result) => (READ_TOOLS.has(result.tool) ? 'read' : 'write');

export const overlaps = (a, b) => a.startedAtMicros < b.endedAtMicros && b.startedAtMicros < a.endedAtMicros;

const label = (r) => `${r.tool}(turn ${r.turn}, ${r.startedAtMicros}..${r.endedAtMicros})`;

/**
 * The rules inside one conversation: calls of different turns never overlap, and a write overlaps nothing
 * of its own turn (the class by tool name, not the mode the server reports). results: the calls of ONE
 * conversation, each carrying its turn.
 */
export function assertTurnsAndWrites(results, what) {
  for (let i = 0; i < results.length; i++) {
    for (let j = i + 1; j < results.length; j++) {
      const [a, b] = [results[i], results[j]];
      if (!overlaps(a, b)) {
        continue;
      }
      assert.equal(a.turn, b.turn, `${what}: two turns overlapped: ${label(a)} / ${label(b)}`);
      assert.ok(classOf(a) === 'read' && classOf(b) === 'read', `${what}: a write overlapped its turn: ${label(a)} / ${label(b)}`);
    }
  }
}

/** Writes of one conversation carry fences that grow in the order the writes ran. */
export function assertFencesGrow(results, what) {
  const writes = results.filter((r) => classOf(r) === 'write').sort((a, b) => a.startedAtMicros - b.startedAtMicros);
  for (let i = 1; i < writes.length; i++) {
    assert.ok(writes[i].fence > writes[i - 1].fence,
      `${what}: fence ${writes[i].fence} of ${label(writes[i])} is not above ${writes[i - 1].fence} of ${label(writes[i - 1])}`);
  }
}
