// What a tool reports about the HTTP request that carried its call. The server guards nothing itself:
// mode and fence are what a gateway in front decided (the example gateway forwards them as the request
// headers Turnstile-Mode and Turnstile-Fence, and drops those headers when a client sends them).
import { keyHash, sessionHash } from './hashing.mjs';

export const SESSION_HEADER = 'mcp-session-id';
export const TURN_HEADER = 'x-mcp-turn-id';
export const MODE_HEADER = 'turnstile-mode';
export const FENCE_HEADER = 'turnstile-fence';
export const BAGGAGE_HEADER = 'baggage';
/** The conversation id a `_meta` may carry (opencode sends it), and the W3C baggage member for one. */
export const META_CONVERSATION = 'sessionID';
export const BAGGAGE_CONVERSATION = 'gen_ai.conversation.id';

const MODES = new Set(['read', 'write']);

/**
 * The fields of a tool's answer that come from its request: sessionHash (of the Mcp-Session-Id header),
 * turn (X-Mcp-Turn-Id), mode (Turnstile-Mode: read or write) and fence (Turnstile-Fence: a decimal integer);
 * each null when absent or not well-formed.
 */
export function requestInfo(request) {
  const headers = request?.headers;
  const session = headers?.get(SESSION_HEADER) || null;
  const mode = headers?.get(MODE_HEADER)?.trim() ?? null;
  return {
    sessionHash: session === null ? null : sessionHash(session),
    turn: headers?.get(TURN_HEADER) || null,
    mode: MODES.has(mode) ? mode : null,
    fence: fence(headers?.get(FENCE_HEADER)),
  };
}

function fence(value) {
  const text = value?.trim();
  if (!text || !/^[0-9]{1,16}$/.test(text)) {
    return null;
  }
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : null;
}

/**
 * The key of the call log for a request: its Mcp-Session-Id when it has one, else the conversation id in
 * `params._meta.sessionID`, else the `gen_ai.conversation.id` member of its `baggage` header (Turnstile's
 * default key sources, in their order); hashed, never kept in clear. Null when the request has none.
 */
export function conversationKey(request, meta) {
  const session = request?.headers.get(SESSION_HEADER);
  if (session) {
    return keyHash('session-id', session);
  }
  const fromMeta = meta?.[META_CONVERSATION];
  if (typeof fromMeta === 'string' && fromMeta !== '') {
    return keyHash('meta:/sessionID', fromMeta);
  }
  const fromBaggage = baggageMember(request?.headers.get(BAGGAGE_HEADER), BAGGAGE_CONVERSATION);
  return fromBaggage ? keyHash(`baggage:${BAGGAGE_CONVERSATION}`, fromBaggage) : null;
}

/** A member's value in a W3C baggage header (`key=value;properties, ...`), percent-decoded; null when absent. */
export function baggageMember(header, name) {
  for (const member of (header ?? '').split(',')) {
    const [pair] = member.split(';');
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(pair.slice(eq + 1).trim()) || null;
      } catch {
        return null;
      }
    }
  }
  return null;
}
