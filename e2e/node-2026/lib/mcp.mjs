// The two official MCP TypeScript SDK clients the tests drive side by side:
//  - '2026': @modelcontextprotocol/client 2.4.x pinned to MCP 2026-07-28 (no session, per-call _meta envelope,
//    Mcp-Method / Mcp-Name headers);
//  - 'legacy': @modelcontextprotocol/sdk 1.32.x (2025-11-25: initialize, then plain POSTs; the stateless
//    server issues no Mcp-Session-Id).
// A call's arguments may say which endpoint it goes to (`via`: a key of the client's `endpoints`) and which
// turn it belongs to (`turn`, sent as X-Mcp-Turn-Id); `headers` are added to every request of the client.
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

export const ERAS = ['2026', 'legacy'];
export const MODERN = '2026-07-28';

/**
 * Connects a client of the given era. endpoints: { name: url } (the first is the default); headers: added to
 * every request; elicit: an elicitation handler (the client then declares the capability); abort: an
 * AbortSignal that closes the client's HTTP requests in flight (the SDK's own call signal does not).
 */
export async function connect(era, endpoints, { headers = {}, elicit, abort } = {}) {
  const urls = typeof endpoints === 'string' ? { default: endpoints } : endpoints;
  const first = Object.values(urls)[0];
  const fetch = routingFetch(urls, headers, abort);
  const info = { name: `turnstile-e2e-${era}`, version: '1.0.0' };
  let client;
  if (era === '2026') {
    client = new ClientV2(info, {
      versionNegotiation: { mode: { pin: MODERN } },
      capabilities: elicit ? { elicitation: { form: {} } } : {},
    });
    if (elicit) {
      client.setRequestHandler('elicitation/create', elicit);
    }
    await client.connect(new TransportV2(new URL(first), { fetch }));
  } else {
    client = new ClientV1(info, { capabilities: elicit ? { elicitation: {} } : {} });
    if (elicit) {
      client.setRequestHandler(ElicitRequestSchema, elicit);
    }
    await client.connect(new TransportV1(new URL(first), { fetch }));
  }
  return wrap(era, client);
}

function wrap(era, client) {
  return {
    era,
    sdk: client,
    /** The raw CallToolResult; `_meta` goes to params._meta, `options` to the SDK (onprogress, timeout). */
    callRaw(name, args = {}, { meta, ...options } = {}) {
      const params = { name, arguments: args, ...(meta ? { _meta: meta } : {}) };
      const opts = { timeout: 120_000, ...options };
      return era === '2026' ? client.callTool(params, opts) : client.callTool(params, undefined, opts);
    },
    /** The tool's structuredContent; a tool error (isError) rejects. */
    async call(name, args = {}, options = {}) {
      const result = await this.callRaw(name, args, options);
      if (result.isError) {
        throw new Error(`${name} answered a tool error: ${JSON.stringify(result.content)}`);
      }
      return result.structuredContent;
    },
    listTools() {
      return client.listTools();
    },
    close() {
      return client.close();
    },
  };
}

/** A fetch that sends each tools/call to its `via` endpoint with its `turn` header, plus the fixed headers. */
function routingFetch(urls, fixed, abort) {
  return (input, init = {}) => {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(fixed)) {
      headers.set(name, value);
    }
    let url = input;
    const args = toolArguments(init.body);
    if (args?.via !== undefined) {
      if (!(args.via in urls)) {
        throw new Error(`no endpoint ${args.via}`);
      }
      url = urls[args.via];
    }
    if (args?.turn !== undefined) {
      headers.set('X-Mcp-Turn-Id', args.turn);
    }
    return fetch(url, { ...init, headers, ...(abort ? { signal: abort } : {}) });
  };
}

function toolArguments(body) {
  if (typeof body !== 'string') {
    return null;
  }
  try {
    return JSON.parse(body)?.params?.arguments ?? null;
  } catch {
    return null;
  }
}

/** The `_meta` envelope a 2026-07-28 request carries, for requests sent without an SDK. */
export function envelope(extra = {}) {
  return {
    'io.modelcontextprotocol/protocolVersion': MODERN,
    'io.modelcontextprotocol/clientInfo': { name: 'turnstile-e2e-raw', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': {},
    ...extra,
  };
}

/** POSTs one JSON-RPC message as a 2026-07-28 client would (headers given override the derived ones). */
export async function postModern(url, message, headers = {}) {
  const derived = { 'mcp-protocol-version': MODERN, 'mcp-method': message.method };
  const name = message.params?.name;
  if (name !== undefined) {
    derived['mcp-name'] = name;
  }
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...derived, ...headers },
    body: JSON.stringify(message),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: parseBody(text) };
}

function parseBody(text) {
  try {
    return JSON.parse(text);
  } catch {
    const data = text.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5)).pop();
    return data === undefined ? text : JSON.parse(data);
  }
}
