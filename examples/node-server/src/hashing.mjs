// The hash of an MCP session id, exactly as Turnstile computes it (dev.turnstile.Turnstile.sessionHash):
// SHA-256 over "s\0" followed by the id's UTF-8 bytes, base64url without padding, the first 22 characters.
// Session ids are credentials: only this hash is ever reported or logged.
import { createHash } from 'node:crypto';

/** The hash Turnstile uses for a session id in its keys, logs and listener events. */
export function sessionHash(sessionId) {
  return hash('s\u0000', sessionId);
}

/** The same hash with a domain of its own, for keys that are not session ids (the call log's). */
export function keyHash(domain, value) {
  return hash(`${domain}\u0000`, value);
}

function hash(domain, value) {
  return createHash('sha256').update(domain, 'utf8').update(value, 'utf8').digest('base64url').substring(0, 22);
}
