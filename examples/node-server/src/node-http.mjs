// Serves a web-standard fetch handler (the SDK's createMcpHandler) on node:http: turns each IncomingMessage
// into a Request and streams the Response back as it is produced (SSE events reach the client at once).
// When the client closes the connection before the response has ended, the Request's signal fires: the SDK
// then cancels the call (ctx.mcpReq.signal) and the response body is cancelled.

/** Largest request body read, in bytes (the SDK's own default bound); a larger one is answered 413. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** A node:http request listener that answers every request with handle(request). */
export function requestListener(handle, onerror) {
  return (req, res) => {
    res.on('error', () => {}); // a write after the client left: the close handler below has seen it
    serve(handle, req, res).catch((e) => {
      onerror(e);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null }));
      } else {
        res.destroy();
      }
    });
  };
}

async function serve(handle, req, res) {
  const gone = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) {
      gone.abort();
    }
  });
  const body = await readBody(req);
  if (body === null) {
    res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' });
    res.end('request body too large\n');
    return;
  }
  const response = await handle(toRequest(req, body, gone.signal));
  await send(response, res, gone.signal);
}

/** The body as a Buffer, or null when it is larger than MAX_BODY_BYTES. */
async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function toRequest(req, body, signal) {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  const url = new URL(req.url, `http://${req.socket.localAddress}:${req.socket.localPort}`);
  const hasBody = body.length > 0 && req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(url, { method: req.method, headers, body: hasBody ? body : undefined, signal });
}

async function send(response, res, gone) {
  const headers = [];
  response.headers.forEach((value, name) => headers.push([name, value]));
  res.writeHead(response.status, headers.flat());
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const cancel = () => reader.cancel().catch(() => {});
  gone.addEventListener('abort', cancel, { once: true });
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      if (!res.write(next.value)) {
        await drained(res);
      }
    }
    res.end();
  } catch {
    res.destroy(); // the body failed or was cancelled: the client is gone, or must see the stream break
  } finally {
    gone.removeEventListener('abort', cancel);
  }
}

function drained(res) {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
