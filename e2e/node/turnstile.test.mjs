// End-to-end tests of examples/mcp-server (guarded by Turnstile) with the official MCP TypeScript
// SDK client. The server URL comes from MCP_URL; e2e/node/run starts the server and sets it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';

const url = new URL(process.env.MCP_URL ?? 'http://127.0.0.1:8080/mcp');

/** A fetch that sends the call's `turn` argument as the X-Mcp-Turn-Id header. */
function turnFetch(input, init = {}) {
  if (typeof init.body === 'string') {
    try {
      const turn = JSON.parse(init.body)?.params?.arguments?.turn;
      if (turn) {
        const headers = new Headers(init.headers);
        headers.set('X-Mcp-Turn-Id', turn);
        init = { ...init, headers };
      }
    } catch {
      // not JSON: leave it alone
    }
  }
  return fetch(input, init);
}

async function connect({ elicit } = {}) {
  const client = new Client({ name: 'turnstile-e2e', version: '1.0.0' },
    { capabilities: elicit ? { elicitation: {} } : {} });
  if (elicit) {
    client.setRequestHandler(ElicitRequestSchema, elicit);
  }
  await client.connect(new StreamableHTTPClientTransport(url, { fetch: turnFetch }));
  return client;
}

const call = (client, name, args = {}, options = {}) =>
  client.callTool({ name, arguments: args }, undefined, options).then((r) => r.structuredContent);

const overlaps = (a, b) => a.startedAtMicros < b.endedAtMicros && b.startedAtMicros < a.endedAtMicros;

test('parallel calls on one session: writes and turns never overlap', async () => {
  const client = await connect();
  try {
    const results = await Promise.all([
      call(client, 'get_balance', { turn: 'A', hold_ms: 300 }),
      call(client, 'list_refunds', { turn: 'A', hold_ms: 300 }),
      call(client, 'create_refund', { turn: 'A', hold_ms: 100 }),
      call(client, 'delete_customer', { turn: 'B', hold_ms: 100 }),
      call(client, 'get_balance', { turn: 'B', hold_ms: 100 }),
    ]);
    for (const r of results) {
      assert.match(r.sessionHash, /^[A-Za-z0-9_-]{22}$/);
    }
    assert.equal(results[0].mode, 'read');
    assert.equal(results[2].mode, 'write');
    for (let i = 0; i < results.length; i++) {
      for (let j = i + 1; j < results.length; j++) {
        const a = results[i];
        const b = results[j];
        if (!overlaps(a, b)) continue;
        assert.equal(a.turn, b.turn, `turns ${a.turn} and ${b.turn} overlapped: ${a.tool} / ${b.tool}`);
        assert.ok(a.mode === 'read' && b.mode === 'read', `a write overlapped its turn: ${a.tool} / ${b.tool}`);
      }
    }
  } finally {
    await client.close();
  }
});

test('two reads of one turn run side by side', async () => {
  const client = await connect();
  try {
    const [a, b] = await Promise.all([
      call(client, 'get_balance', { turn: 'R', hold_ms: 600 }),
      call(client, 'list_refunds', { turn: 'R', hold_ms: 600 }),
    ]);
    assert.ok(overlaps(a, b), 'the two reads did not overlap');
  } finally {
    await client.close();
  }
});

test('an elicitation answered by the client completes confirm_refund', async () => {
  let asked = 0;
  const client = await connect({
    elicit: async () => {
      asked++;
      return { action: 'accept', content: { confirm: true } };
    },
  });
  try {
    const result = await call(client, 'confirm_refund', { turn: 'E' });
    assert.equal(asked, 1);
    assert.equal(result.tool, 'confirm_refund');
    assert.equal(result.mode, 'write');
    assert.match(JSON.stringify(result), /accept/);
  } finally {
    await client.close();
  }
});

test('a cancelled call sends notifications/cancelled and the session recovers', async () => {
  const client = await connect();
  try {
    const controller = new AbortController();
    const cancelled = call(client, 'create_refund', { turn: 'C1', hold_ms: 1500 }, { signal: controller.signal });
    setTimeout(() => controller.abort('user'), 200);
    await assert.rejects(cancelled);
    // the tool may still run to its end on the server; the next turn gets in once it released
    let result;
    for (let attempt = 0; attempt < 20 && !result; attempt++) {
      try {
        result = await call(client, 'create_refund', { turn: 'C2' });
      } catch (e) {
        assert.ok(e instanceof McpError && e.code === -32002, `unexpected error ${e}`);
        await new Promise((r) => setTimeout(r, e.data?.retryAfterMs ?? 200));
      }
    }
    assert.equal(result?.turn, 'C2');
  } finally {
    await client.close();
  }
});

test('a busy session answers McpError -32002 with data.retryAfterMs', async () => {
  const client = await connect();
  try {
    const holder = call(client, 'create_refund', { turn: 'H', hold_ms: 8000 });
    let busy;
    for (let attempt = 0; attempt < 20 && !busy; attempt++) {
      try {
        await call(client, 'get_balance', { turn: 'W' });
        await new Promise((r) => setTimeout(r, 100)); // the holder was not in yet
      } catch (e) {
        busy = e;
      }
    }
    assert.ok(busy instanceof McpError, `expected an McpError, got ${busy}`);
    assert.equal(busy.code, -32002);
    assert.equal(busy.data?.reason, 'session_busy');
    assert.equal(typeof busy.data?.retryAfterMs, 'number');
    await holder;
  } finally {
    await client.close();
  }
});
