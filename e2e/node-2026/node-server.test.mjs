// examples/node-server on its own (no gateway), with both SDK clients: the tools, their fields and
// hold_ms rule, the headers they report, stateless serving, elicitation per era, the call log, cancellation
// by a closed connection, DNS-rebinding protection. NODE_SERVER_URL and NODE_SERVER_INSTANCE come from run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, envelope, ERAS, MODERN, postModern } from './lib/mcp.mjs';

const url = process.env.NODE_SERVER_URL ?? 'http://127.0.0.1:8080/mcp';
const instance = process.env.NODE_SERVER_INSTANCE;
const READS = ['get_balance', 'list_refunds', 'lookup_charge', 'list_calls'];
const WRITES = ['create_refund', 'delete_customer', 'confirm_refund', 'audit_note'];
const SIMPLE = ['get_balance', 'list_refunds', 'lookup_charge', 'create_refund', 'delete_customer', 'audit_note'];
// dev.turnstile.Turnstile.sessionHash("session-1"), computed by the Java library
const SESSION_1_HASH = 'd2dutU9-1jtLPPfUOLx9MT';
let conversations = 0;
const conversation = () => `conv-node-${process.pid}-${++conversations}`;

async function withClient(era, options, body) {
  const client = await connect(era, url, options);
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}

for (const era of ERAS) {
  test(`${era}: the tools, their readOnlyHint and the hold_ms schema are those of examples/mcp-server`, () =>
    withClient(era, {}, async (client) => {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), [...READS, ...WRITES].sort());
      for (const tool of tools) {
        assert.equal(tool.annotations?.readOnlyHint, READS.includes(tool.name), `${tool.name} readOnlyHint`);
        const hold = tool.inputSchema.properties.hold_ms;
        assert.equal(hold.type, 'integer', tool.name);
        assert.equal(hold.minimum, 0, tool.name);
        assert.equal(hold.maximum, 60000, tool.name);
        assert.equal(hold.default, 0, tool.name);
      }
    }));

  test(`${era}: every tool answers the result fields, the same JSON as structuredContent and as text`, () =>
    withClient(era, {}, async (client) => {
      for (const name of SIMPLE) {
        const result = await client.callRaw(name, { hold_ms: 5, turn: `T-${name}` });
        assert.ok(!result.isError, `${name}: ${JSON.stringify(result.content)}`);
        const out = result.structuredContent;
        assert.deepEqual(JSON.parse(result.content[0].text), out);
        assert.deepEqual(Object.keys(out), ['tool', 'instance', 'sessionHash', 'turn', 'mode', 'fence',
          'startedAtMicros', 'endedAtMicros', 'outcome']);
        assert.equal(out.tool, name);
        assert.equal(out.instance, instance);
        assert.equal(out.sessionHash, null, 'no Mcp-Session-Id: no session hash');
        assert.equal(out.turn, `T-${name}`);
        assert.equal(out.mode, null, 'no gateway: no mode');
        assert.equal(out.fence, null);
        assert.ok(Number.isSafeInteger(out.startedAtMicros) && out.endedAtMicros - out.startedAtMicros >= 4000,
          `${name} held: ${out.startedAtMicros}..${out.endedAtMicros}`);
        assert.equal(out.outcome, 'completed');
      }
    }));

  test(`${era}: a hold_ms that is not an integer from 0 to 60000 is a tool error`, () =>
    withClient(era, {}, async (client) => {
      for (const bad of [-1, 60001, 1.5, '10', true, null]) {
        const result = await client.callRaw('get_balance', { hold_ms: bad });
        assert.equal(result.isError, true, `hold_ms ${JSON.stringify(bad)}`);
        assert.match(result.content[0].text, /hold_ms must be an integer from 0 to 60000/);
      }
      const absent = await client.call('create_refund', {});
      assert.ok(absent.endedAtMicros >= absent.startedAtMicros);
    }));

  test(`${era}: the session hash, turn, mode and fence come from the request headers`, async () => {
    const headers = { 'Mcp-Session-Id': 'session-1', 'Turnstile-Mode': 'write', 'Turnstile-Fence': '1795839357239000' };
    await withClient(era, { headers }, async (client) => {
      const out = await client.call('create_refund', { turn: 'T1' });
      assert.equal(out.sessionHash, SESSION_1_HASH, 'the Java library\'s Turnstile.sessionHash');
      assert.equal(out.turn, 'T1');
      assert.equal(out.mode, 'write');
      assert.equal(out.fence, 1795839357239000);
    });
    const bad = { 'Turnstile-Mode': 'admin', 'Turnstile-Fence': '12ab' };
    await withClient(era, { headers: bad }, async (client) => {
      const out = await client.call('create_refund', {});
      assert.equal(out.mode, null);
      assert.equal(out.fence, null);
    });
  });

  test(`${era}: list_calls lists the calls of its conversation (_meta.sessionID, else baggage), not others'`, () =>
    withClient(era, {}, async (client) => {
      const [mine, other] = [conversation(), conversation()];
      await client.call('create_refund', { turn: 'A' }, { meta: { sessionID: mine } });
      await client.call('get_balance', { turn: 'B' }, { meta: { sessionID: mine } });
      await client.call('delete_customer', {}, { meta: { sessionID: other } });
      const listed = await client.call('list_calls', {}, { meta: { sessionID: mine } });
      assert.deepEqual(listed.calls.map((c) => [c.tool, c.turn]), [['create_refund', 'A'], ['get_balance', 'B']]);
      assert.ok(listed.calls.every((c) => !('mode' in c)), 'nulls are left out');
      const none = await client.call('list_calls', {});
      assert.deepEqual(none.calls, [], 'no conversation: nothing to list');
      const baggage = conversation();
      await withClient(era, { headers: { baggage: `other=1, gen_ai.conversation.id=${baggage};p=1` } }, async (b) => {
        await b.call('audit_note', { text: 'x' });
        const seen = await b.call('list_calls', {});
        assert.deepEqual(seen.calls.map((c) => c.tool), ['audit_note']);
      });
    }));

  test(`${era}: a closed connection cancels the call: the tool stops (client_gone), list_calls shows it`, async () => {
    const id = conversation();
    const closer = new AbortController();
    const client = await connect(era, url, { abort: closer.signal });
    let progressed;
    const started = new Promise((resolve) => { progressed = resolve; });
    const call = client.call('create_refund', { hold_ms: 20000 }, { meta: { sessionID: id }, onprogress: progressed });
    await started; // the tool runs: its first progress notification reached this client
    closer.abort(); // closes the HTTP request in flight
    await client.close().catch(() => {});
    await assert.rejects(call);
    await withClient(era, {}, async (client) => {
      let listed;
      for (let attempt = 0; attempt < 100; attempt++) {
        listed = await client.call('list_calls', {}, { meta: { sessionID: id } });
        if (listed.calls.length > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(listed.calls.length, 1, 'the cancelled call is logged once it stopped');
      const [gone] = listed.calls;
      assert.equal(gone.outcome, 'client_gone');
      assert.ok(gone.endedAtMicros - gone.startedAtMicros < 20_000_000, 'it stopped before its hold ended');
    });
  });
}

test('2026: confirm_refund asks through an input_required result and completes on the retry', async () => {
  let asked = 0;
  const elicit = async (request) => {
    asked++;
    assert.equal(request.params.message, 'Refund this charge?');
    return asked === 1 ? { action: 'accept', content: { confirm: true, reason: 'dup' } } : { action: 'decline' };
  };
  await withClient('2026', { elicit }, async (client) => {
    const accepted = await client.call('confirm_refund', { hold_ms: 5, turn: 'E' });
    assert.deepEqual(accepted.elicitation, { action: 'accept', content: { confirm: true, reason: 'dup' } });
    assert.equal(accepted.turn, 'E');
    const declined = await client.call('confirm_refund', {});
    assert.deepEqual(declined.elicitation, { action: 'decline', content: null });
    assert.equal(asked, 2);
  });
  await withClient('2026', {}, async (client) => {
    const result = await client.callRaw('confirm_refund', {});
    assert.equal(result.isError, true);
    assert.match(result.content[0].text, /needs a client that supports elicitation/);
  });
});

test('legacy: confirm_refund is a tool error: stateless serving cannot send the client a request', () =>
  withClient('legacy', { elicit: async () => ({ action: 'accept', content: { confirm: true } }) }, async (client) => {
    const result = await client.callRaw('confirm_refund', {});
    assert.equal(result.isError, true);
    assert.match(result.content[0].text, /per-request legacy serving cannot receive server-to-client requests/);
  }));

test('stateless: no Mcp-Session-Id is issued, GET and DELETE answer 405', async () => {
  const init = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
  });
  assert.equal(init.status, 200);
  assert.equal(init.headers.get('mcp-session-id'), null);
  await init.text();
  for (const method of ['GET', 'DELETE']) {
    const response = await fetch(url, { method, headers: { accept: 'text/event-stream' } });
    assert.equal(response.status, 405, method);
    await response.text();
  }
});

test('2026: server/discover is answered', async () => {
  const { status, body } = await postModern(url, { jsonrpc: '2.0', id: 7, method: 'server/discover', params: { _meta: envelope() } });
  assert.equal(status, 200);
  assert.equal(body.id, 7);
  assert.ok(body.result.supportedVersions.includes(MODERN), JSON.stringify(body));
});

test('a Host or Origin that is not allowed gets 403', async () => {
  const { request } = await import('node:http');
  const post = (headers) => new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end('{"jsonrpc":"2.0","id":1,"method":"ping"}');
  });
  assert.equal(await post({ host: 'evil.example:80' }), 403);
  assert.equal(await post({ origin: 'http://evil.example' }), 403);
  assert.notEqual(await post({ host: 'localhost:1', origin: 'http://127.0.0.1:9' }), 403);
});
