// The last tool calls this server ran, per conversation, as the tools reported them: also the calls whose
// answer never reached anyone (the client left, or a gateway closed the stream). list_calls reads it.
// Keyed by a hash (request-info.mjs conversationKey), never an id in clear. Bounded: the newest
// PER_KEY calls of the KEYS most recently active conversations.

export const PER_KEY = 100;
export const KEYS = 1000;

export class CallLog {
  #byKey = new Map(); // insertion order = least recently active first

  add(key, call) {
    if (key === null) {
      return;
    }
    const calls = this.#byKey.get(key) ?? [];
    this.#byKey.delete(key);
    this.#byKey.set(key, calls);
    calls.push(Object.freeze(withoutNulls(call)));
    if (calls.length > PER_KEY) {
      calls.shift();
    }
    if (this.#byKey.size > KEYS) {
      this.#byKey.delete(this.#byKey.keys().next().value);
    }
  }

  /** The conversation's calls, oldest first (empty for a null key). */
  of(key) {
    return key === null ? [] : [...(this.#byKey.get(key) ?? [])];
  }
}

function withoutNulls(call) {
  return Object.fromEntries(Object.entries(call).filter(([, value]) => value !== null && value !== undefined));
}
