// The example MCP server on the official MCP TypeScript SDK v2: createMcpHandler serves 2026-07-28 clients
// and, statelessly, 2025-era clients (it never issues Mcp-Session-Id) at http://BIND_ADDRESS:PORT/mcp.
// Prints "listening on http://127.0.0.1:PORT/mcp" on stdout when ready; logs go to stderr.
// Stops on SIGTERM (exit code 143) or SIGINT (130).
import http from 'node:http';
import { createMcpHandler, hostHeaderValidationResponse, originValidationResponse } from '@modelcontextprotocol/server';
import { ConfigError, readConfig, readyHost } from './config.mjs';
import { requestListener } from './node-http.mjs';
import { Tools } from './tools.mjs';

export const PATH = '/mcp';
/** How long an idle HTTP connection stays open (Node's default is 5 s). */
export const KEEP_ALIVE_MS = 60_000;

const log = (message) => process.stderr.write(`${new Date().toISOString()} ${message}\n`);

let config;
try {
  config = readConfig(process.env);
} catch (e) {
  if (!(e instanceof ConfigError)) {
    throw e;
  }
  log(e.message);
  process.exit(2);
}

const tools = new Tools(config.instance);
const mcp = createMcpHandler(tools.factory, { onerror: (e) => log(`mcp: ${e.message}`) });

/** DNS-rebinding protection first (the SDK's own checks), then the SDK's handler; 404 off /mcp. */
function handle(request) {
  if (new URL(request.url).pathname !== PATH) {
    return new Response('not found\n', { status: 404, headers: { 'content-type': 'text/plain' } });
  }
  const rejected = hostHeaderValidationResponse(request, config.allowedHosts)
    ?? originValidationResponse(request, config.allowedOrigins);
  return rejected ?? mcp.fetch(request);
}

// keepAliveTimeout: a gateway keeps its upstream connections open long (the example gateway: an hour); a
// server that closes an idle one just as the gateway reuses it fails that request, so close them seldom
const server = http.createServer({ noDelay: true, keepAliveTimeout: KEEP_ALIVE_MS },
  requestListener(handle, (e) => log(`request failed: ${e.stack ?? e}`)));
server.on('error', (e) => {
  log(`cannot listen on ${config.bind}:${config.port}: ${e.message}; set PORT to a free port`);
  process.exit(1);
});
server.listen(config.port, config.bind, () => {
  log(`MCP server instance ${config.instance} at ${PATH} (TypeScript SDK v2, 2026-07-28 and stateless 2025-era)`);
  const { address, port } = server.address();
  process.stdout.write(`listening on http://${readyHost(address)}:${port}${PATH}\n`);
});

function stop(code) {
  log('stopping');
  server.close();
  server.closeAllConnections();
  mcp.close().finally(() => process.exit(code));
  setTimeout(() => process.exit(code), 2000).unref();
}
process.on('SIGTERM', () => stop(143));
process.on('SIGINT', () => stop(130));
