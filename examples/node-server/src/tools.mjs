// The example's tools, the same as examples/mcp-server's (names, hold_ms rule, readOnlyHint, result fields)
// but for its fetch_invoice and set_invoice_hint. Each holds hold_ms and answers with who ran it, for which
// session and turn, in which mode, and when. A gateway in front classifies them by name (get_balance,
// list_refunds, lookup_charge and list_calls are reads, the others writes) and by the readOnlyHint it learns
// from tools/list, which says the same here. This server guards nothing itself.
import { inputRequired, McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { CallLog } from './call-log.mjs';
import { CLIENT_GONE, COMPLETED, hold, plainHold } from './holding.mjs';
import { conversationKey, requestInfo } from './request-info.mjs';

export const MAX_HOLD_MS = 60_000;
export const SERVER_INFO = { name: 'turnstile-example', version: '0.1.0' };
const CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
const HOLD_RULE = `hold_ms must be an integer from 0 to ${MAX_HOLD_MS}`;

const holdMs = z.number({ error: HOLD_RULE }).int({ error: HOLD_RULE })
  .min(0, { error: HOLD_RULE }).max(MAX_HOLD_MS, { error: HOLD_RULE })
  .default(0).describe('milliseconds the tool sleeps while it runs');
const input = z.object({ hold_ms: holdMs });
const auditInput = z.object({ hold_ms: holdMs, text: z.string().optional().describe('the note') });

const nullable = (type) => type.nullable();
const resultFields = {
  tool: z.string(),
  instance: z.string(),
  sessionHash: nullable(z.string()).describe('hash of the Mcp-Session-Id header (never the id); null without one'),
  turn: nullable(z.string()).describe('the X-Mcp-Turn-Id header'),
  mode: nullable(z.enum(['read', 'write'])).describe('the Turnstile-Mode header a gateway added; null when unguarded'),
  fence: nullable(z.int()).describe('the Turnstile-Fence header a gateway added to a write'),
  startedAtMicros: z.int(),
  endedAtMicros: z.int(),
  outcome: z.enum([COMPLETED, CLIENT_GONE])
    .describe('client_gone: the call was cancelled or its connection closed, the tool stopped early'),
};
const elicitationAnswer = z.object({
  action: z.enum(['accept', 'decline', 'cancel']),
  content: z.record(z.string(), z.unknown()).nullish(),
});
const elicitationSchema = {
  type: 'object',
  properties: {
    confirm: { type: 'boolean', description: 'refund it' },
    reason: { type: 'string', description: 'why' },
  },
  required: ['confirm'],
};

/** The tools, registered on a fresh McpServer for every request (the SDK's stateless serving). */
export class Tools {
  #instance;
  #log = new CallLog();

  constructor(instance) {
    this.#instance = instance;
  }

  /** The McpServerFactory for createMcpHandler: one server instance per HTTP request. */
  factory = (context) => {
    const server = new McpServer(SERVER_INFO);
    const call = { era: context.era, request: context.requestInfo };
    const simple = (name) => async (args, ctx) => {
      const held = await hold(ctx, args.hold_ms);
      return this.#result(name, call, ctx, held, {});
    };
    this.#register(server, 'get_balance', 'Reads an account balance (a read: name starts with get_).', true, input, simple('get_balance'));
    this.#register(server, 'list_refunds', 'Lists refunds (a read: name starts with list_).', true, input, simple('list_refunds'));
    this.#register(server, 'lookup_charge', 'Looks up a charge (a read through the gateway\'s turnstile.json).', true, input, simple('lookup_charge'));
    this.#register(server, 'create_refund', 'Creates a refund (a write).', false, input, simple('create_refund'));
    this.#register(server, 'delete_customer', 'Deletes a customer (a write).', false, input, simple('delete_customer'));
    this.#register(server, 'confirm_refund', 'Asks the user to confirm a refund (MCP elicitation) and returns the answer (a write).',
      false, input, (args, ctx) => this.#confirmRefund(call, args, ctx), { elicitation: elicitationAnswer });
    this.#register(server, 'audit_note', 'Writes an audit note (a write).', false, auditInput,
      async (args, ctx) => this.#result('audit_note', call, ctx, await plainHold(ctx, args.hold_ms), {}));
    this.#register(server, 'list_calls', 'Lists this conversation\'s recent tool calls as this server ran them (a read).',
      true, input, (args, ctx) => this.#listCalls(call, args, ctx),
      { calls: z.array(z.record(z.string(), z.unknown())).describe('this conversation\'s recent calls, oldest first, with the fields above (nulls left out)') });
    return server;
  };

  #register(server, name, description, readOnly, inputSchema, handler, extraOutput = {}) {
    server.registerTool(name, {
      description,
      inputSchema,
      outputSchema: z.object({ ...resultFields, ...extraOutput }),
      annotations: { readOnlyHint: readOnly },
    }, handler);
  }

  /**
   * Asks for a confirmation. 2026-07-28: the first round answers input_required with the elicitation, the
   * client's retry carries the answer (ctx.mcpReq.inputResponses.confirm) and holds. 2025 era: the SDK's
   * legacy shim would send the elicitation as a server-to-client request, which stateless serving cannot
   * receive an answer to: the SDK answers the call with a tool error.
   */
  async #confirmRefund(call, args, ctx) {
    const answer = elicitationAnswer.safeParse(ctx.mcpReq.inputResponses?.confirm);
    if (answer.success) {
      const held = await plainHold(ctx, args.hold_ms);
      const { action, content } = answer.data;
      return this.#result('confirm_refund', call, ctx, held, { elicitation: { action, content: content ?? null } });
    }
    if (call.era === 'modern' && !ctx.mcpReq.envelope?.[CLIENT_CAPABILITIES]?.elicitation) {
      return error('confirm_refund needs a client that supports elicitation');
    }
    return inputRequired({
      inputRequests: { confirm: inputRequired.elicit({ message: 'Refund this charge?', requestedSchema: elicitationSchema }) },
    });
  }

  async #listCalls(call, args, ctx) {
    const held = await plainHold(ctx, args.hold_ms);
    const key = conversationKey(request(call, ctx), ctx.mcpReq._meta);
    return this.#result('list_calls', call, ctx, held, { calls: this.#log.of(key) });
  }

  /** The answer of every tool: the same JSON as structuredContent and as text; recorded in the call log. */
  #result(tool, call, ctx, held, extra) {
    const http = request(call, ctx);
    const out = {
      tool,
      instance: this.#instance,
      ...requestInfo(http),
      startedAtMicros: held.interval.startedAtMicros,
      endedAtMicros: held.interval.endedAtMicros,
      outcome: held.outcome,
    };
    if (tool !== 'list_calls') {
      this.#log.add(conversationKey(http, ctx.mcpReq._meta), out);
    }
    Object.assign(out, extra);
    return { structuredContent: out, content: [{ type: 'text', text: JSON.stringify(out) }] };
  }
}

function request(call, ctx) {
  return call.request ?? ctx.http?.req;
}

function error(message) {
  return { isError: true, content: [{ type: 'text', text: message }] };
}
