// The server's settings, from the environment; a bad value stops the start-up with a message that names it.
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';

export const DEFAULT_PORT = 8080;
export const DEFAULT_BIND_ADDRESS = '127.0.0.1';
/** Host names (any port) accepted in Host and Origin by default: loopback only. */
export const DEFAULT_ALLOWED = ['localhost', '127.0.0.1', '[::1]'];

/** { port, bind, instance, allowedHosts, allowedOrigins } from env; throws a ConfigError on a bad value. */
export function readConfig(env) {
  return {
    port: port(env.PORT),
    bind: text(env.BIND_ADDRESS) ?? DEFAULT_BIND_ADDRESS,
    instance: text(env.INSTANCE_ID) ?? randomUUID().substring(0, 8),
    allowedHosts: list(env.ALLOWED_HOSTS) ?? DEFAULT_ALLOWED,
    allowedOrigins: list(env.ALLOWED_ORIGINS) ?? DEFAULT_ALLOWED,
  };
}

export class ConfigError extends Error {}

function port(value) {
  const raw = text(value);
  if (raw === null) {
    return DEFAULT_PORT;
  }
  const number = /^[0-9]{1,5}$/.test(raw) ? Number(raw) : -1;
  if (number < 0 || number > 65535) {
    throw new ConfigError(`PORT must be a port number (0 picks a free one), got '${value}'`);
  }
  return number;
}

function list(value) {
  const items = (value ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
  return items.length === 0 ? null : items;
}

function text(value) {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** The host of the ready line for the address the server is bound to: 127.0.0.1 for a wildcard one. */
export function readyHost(address) {
  if (address === '0.0.0.0' || address === '::') {
    return '127.0.0.1';
  }
  return isIP(address) === 6 ? `[${address}]` : address;
}
