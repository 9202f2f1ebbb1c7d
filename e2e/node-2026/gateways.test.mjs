// Both SDK clients at the same time (2026-07-28 and 2025-11-25) through gateway replicas that share Redis,
// in front of examples/node-server. The server is stateless, so Turnstile keys each call by its
// conversation, from one key source per test: `meta:/sessionID` (params._meta.sessionID) or
// `baggage:gen_ai.conversation.id` (the W3C baggage header). Scheduling is judged from the intervals the
// upstream's tools report. GATEWAY_A_URL, GATEWAY_B_URL, GATEWAY_BUSY_URL (1 s acquire timeout) and
// NODE_SERVER_URL come from run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError } from '@modelcontextprotocol/client';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { connect, envelope, ERAS, MODERN, postModern } from './lib/mcp.mjs';
import { assertFencesGrow, assertTurnsAndWrites, classOf, overlaps } from './lib/schedule.mjs';

const GATEWAYS = { a: process.env.GATEWAY_A_URL, b: process.env.GATEWAY_B_URL, busy: process.env.GATEWAY_BUSY_URL };
const UPSTREAM = process.env.NODE_SERVER_URL;
const READS = ['get_balance', 'list_refunds', 'lookup_charge'];
const WRITES = ['create_refund', 'delete_customer', 'audit_note'];
const BUSY_CODE = { '2026': -31002, legacy: -32002 };

/** How a conversation's calls carry its id, per key source. */
const SOURCES = {
  'meta:/sessionID': { meta: (id) => ({ sessionID: id }), headers: () => ({}) },
  'baggage:gen_ai.conversation.id': { meta: () => ({}), headers: (id) => ({ baggage: `gen_ai.conversation.id=${id}` }) },
};

let conversations = 0;

/** A client of one era whose calls all belong to one new conversation, keyed through one source. */
async function conversation(era, source, { headers = {}, elicit } = {}) {
  const id = `conv-${process.pid}-${++conversations}-${era}`;
  const how = SOURCES[source];
  const client = await connect(era, GATEWAYS, { headers: { ...how.headers(id), ...headers }, elicit });
  const meta = how.meta(id);
  const withMeta = (options) => ({ ...options, meta: { ...meta, ...options.meta } });
  return {
    id, era, source, client,
    call: (name, args = {}, options = {}) => client.call(name, args, withMeta(options)),
    callRaw: (name, args = {}, options = {}) => client.callRaw(name, args, withMeta(options)),
    /** Starts a call and resolves `running` when its first progress notification arrives (the tool runs). */
    start(name, args, options = {}) {
      let running;
      const started = new Promise((resolve) => { running = resolve; });
      const done = client.call(name, args, withMeta({ ...options, onprogress: () => running() }));
      done.catch(() => running()); // a failed call must not leave its caller waiting for progress
      return { started, done };
    },
    /** The raw headers and _meta a request of this conversation carries (for requests sent without the SDK). */
    key: { headers: how.headers(id), meta },
    close: () => client.close(),
  };
}

async function closeAll(list) {
  await Promise.all(list.map((c) => c.close().catch(() => {})));
}

function assertModes(results, what) {
  for (const r of results) {
    const expected = classOf(r);
    assert.equal(r.mode, expected, `${what}: ${r.tool} mode`);
    if (expected === 'write') {
      assert.ok(Number.isSafeInteger(r.fence) && r.fence > 0, `${what}: ${r.tool} carries a fence: ${r.fence}`);
    } else {
      assert.equal(r.fence, null, `${what}: ${r.tool} (a read) carries no fence`);
    }
  }
}

for (const source of Object.keys(SOURCES)) {
  test(`${source}: both eras at once over replicas A and B: turns never overlap, writes run alone, fences grow`, async () => {
    const convs = await Promise.all(ERAS.map((era) => conversation(era, source)));
    try {
      const batches = convs.map((conv) => {
        const calls = [];
        for (let turn = 1; turn <= 4; turn++) {
          const via = (i) => ((turn + i) % 2 === 0 ? 'a' : 'b');
          calls.push(conv.call(READS[turn % 3], { turn: `T${turn}`, hold_ms: 200, via: via(0) }));
          calls.push(conv.call(READS[(turn + 1) % 3], { turn: `T${turn}`, hold_ms: 200, via: via(1) }));
          calls.push(conv.call(WRITES[turn % 3], { turn: `T${turn}`, hold_ms: 60, via: via(2) }));
        }
        return calls;
      });
      const results = await Promise.all(batches.map((calls) => Promise.all(calls)));
      results.forEach((calls, i) => {
        const what = `${convs[i].era} conversation keyed by ${source}`;
        assertTurnsAndWrites(calls, what);
        assertModes(calls, what);
        assertFencesGrow(calls, what);
      });
    } finally {
      await closeAll(convs);
    }
  });

  test(`${source}: calls of different conversations run side by side, in both eras`, async () => {
    const holders = await Promise.all(ERAS.map((era) => conversation(era, source)));
    const others = await Promise.all(ERAS.map((era) => conversation(era, source)));
    try {
      const held = holders.map((h) => h.start('create_refund', { turn: 'H', hold_ms: 3000, via: 'a' }));
      await Promise.all(held.map((h) => h.started)); // both holders' writes are running
      const quick = await Promise.all(others.map((o) => o.call('delete_customer', { turn: 'Q', via: 'b' })));
      const long = await Promise.all(held.map((h) => h.done));
      assert.ok(overlaps(long[0], long[1]), 'the two holders (one per era) did not overlap');
      for (const q of quick) {
        for (const h of long) {
          assert.ok(overlaps(q, h), `a write of another conversation waited: ${JSON.stringify([q, h])}`);
        }
      }
    } finally {
      await closeAll([...holders, ...others]);
    }
  });

  test(`${source}: reads of one turn overlap; the turn's write and the next turn wait for them`, async () => {
    const convs = await Promise.all(ERAS.map((era) => conversation(era, source)));
    try {
      await Promise.all(convs.map(async (conv) => {
        const what = `${conv.era} conversation keyed by ${source}`;
        const first = conv.start('get_balance', { turn: 'R', hold_ms: 2000, via: 'a' });
        await first.started;
        const second = await conv.call('list_refunds', { turn: 'R', via: 'b' });
        const [write, next] = await Promise.all([
          conv.call('create_refund', { turn: 'R', via: 'b' }),
          conv.call('get_balance', { turn: 'S', via: 'a' }),
        ]);
        const read = await first.done;
        assert.ok(overlaps(read, second), `${what}: the second read of the turn did not overlap the first`);
        assertTurnsAndWrites([read, second, write, next], what);
        assertModes([read, second, write, next], what);
      }));
    } finally {
      await closeAll(convs);
    }
  });

  test(`${source}: a call that finds its conversation held gets the busy error of its era; server/discover passes`, async () => {
    const convs = await Promise.all(ERAS.map((era) => conversation(era, source)));
    try {
      await Promise.all(convs.map(async (conv) => {
        const holder = conv.start('create_refund', { turn: 'H', hold_ms: 4000, via: 'a' });
        await holder.started;
        const error = await conv.call('get_balance', { turn: 'W', via: 'busy' }).then(
          (r) => assert.fail(`${conv.era}: expected the busy error, got ${JSON.stringify(r)}`), (e) => e);
        assert.ok(conv.era === '2026' ? error instanceof ProtocolError : error instanceof McpError, `${conv.era}: ${error}`);
        assert.equal(error.code, BUSY_CODE[conv.era], `${conv.era}: ${error.message}`);
        assert.ok(['session_busy', 'turn_busy'].includes(error.data?.reason), JSON.stringify(error.data));
        assert.equal(typeof error.data?.retryAfterMs, 'number', JSON.stringify(error.data));
        const discover = await postModern(GATEWAYS.busy,
          { jsonrpc: '2.0', id: 'discover-1', method: 'server/discover', params: { _meta: envelope(conv.key.meta) } },
          conv.key.headers);
        assert.equal(discover.status, 200, JSON.stringify(discover.body));
        assert.ok(discover.body.result?.supportedVersions?.includes(MODERN), JSON.stringify(discover.body));
        const held = await holder.done;
        assert.equal(held.outcome, 'completed');
      }));
    } finally {
      await closeAll(convs);
    }
  });
}

test('2026: a request whose Mcp-Method / Mcp-Name / MCP-Protocol-Version disagrees with its body gets 400 -32020 and never runs', async () => {
  const id = `conv-${process.pid}-mismatch`;
  const call = (rpcId) => ({ jsonrpc: '2.0', id: rpcId, method: 'tools/call',
    params: { name: 'create_refund', arguments: {}, _meta: envelope({ sessionID: id }) } });
  const cases = [
    ['Mcp-Name names another tool', 41, { 'mcp-name': 'get_balance' }],
    ['Mcp-Method names another method', 'm-42', { 'mcp-method': 'tools/list' }],
    ['MCP-Protocol-Version differs from the body', 43, { 'mcp-protocol-version': '2025-11-25' }],
  ];
  for (const [what, rpcId, headers] of cases) {
    const { status, body } = await postModern(GATEWAYS.a, call(rpcId), headers);
    assert.equal(status, 400, `${what}: ${JSON.stringify(body)}`);
    assert.equal(body.id, rpcId, what);
    assert.equal(body.error?.code, -32020, `${what}: ${JSON.stringify(body)}`);
    assert.equal(body.error?.data?.reason, 'header_mismatch', `${what}: answered by the gateway: ${JSON.stringify(body)}`);
  }
  const missing = await fetch(GATEWAYS.a, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': MODERN,
      'mcp-method': 'tools/call' },
    body: JSON.stringify(call(44)),
  });
  const body = await missing.json();
  assert.equal(missing.status, 400, `without Mcp-Name: ${JSON.stringify(body)}`);
  assert.deepEqual([body.id, body.error?.code, body.error?.data?.reason], [44, -32020, 'header_mismatch']);
  const upstream = await connect('2026', UPSTREAM);
  try {
    const listed = await upstream.call('list_calls', {}, { meta: { sessionID: id } });
    assert.deepEqual(listed.calls, [], 'no rejected call ran upstream');
  } finally {
    await upstream.close();
  }
});

for (const era of ERAS) {
  test(`${era}: Turnstile-Mode / Turnstile-Fence sent by a client never reach the server; an unkeyed call passes unguarded`, async () => {
    const forged = { 'Turnstile-Mode': 'write', 'Turnstile-Fence': '1' };
    const keyed = await conversation(era, 'meta:/sessionID', { headers: forged });
    const unkeyed = await connect(era, GATEWAYS, { headers: forged });
    try {
      const read = await keyed.call('get_balance', { via: 'a' });
      assert.deepEqual([read.mode, read.fence], ['read', null]);
      const write = await keyed.call('create_refund', { via: 'b' });
      assert.equal(write.mode, 'write');
      assert.ok(Number.isSafeInteger(write.fence) && write.fence !== 1, `the gateway's fence: ${write.fence}`);
      const loose = await unkeyed.call('create_refund', { via: 'a' });
      assert.deepEqual([loose.mode, loose.fence], [null, null], 'no key source yields a key: unkeyed=pass');
    } finally {
      await closeAll([keyed, unkeyed]);
    }
  });
}

test('2026: confirm_refund through the gateways: each round of the input_required exchange is a guarded write of its own', async () => {
  let between;
  const conv = await conversation('2026', 'meta:/sessionID', {
    elicit: async () => {
      // between the rounds the conversation is free: another turn's write runs to its end before the retry
      between = await conv.call('create_refund', { turn: 'X', via: 'b' });
      return { action: 'accept', content: { confirm: true } };
    },
  });
  try {
    const result = await conv.call('confirm_refund', { turn: 'E', via: 'a' });
    assert.deepEqual(result.elicitation, { action: 'accept', content: { confirm: true } });
    assert.deepEqual([between.mode, result.mode], ['write', 'write']);
    assert.ok(result.startedAtMicros >= between.endedAtMicros, 'the retry ran after the write made between the rounds');
    assert.ok(result.fence > between.fence, `the retry's fence ${result.fence} is above ${between.fence}`);
  } finally {
    await conv.close();
  }
});
