import http from 'node:http';

/**
 * The floor: the least a Node proxy can do per request. It reads and parses the JSON body,
 * serialises it again, forwards it to the upstream over a keep-alive agent and pipes the reply
 * (JSON or SSE) back unchanged. No auth, no validation, no storage: what one Node hop costs.
 * Run as its own process with UPSTREAM_PORT set; prints {"port":N}.
 */

const upstreamPort = Number(process.env.UPSTREAM_PORT);
if (!upstreamPort) throw new Error('UPSTREAM_PORT is required');
const agent = new http.Agent({ keepAlive: true, maxSockets: 512, keepAliveMsecs: 30_000 });

const server = http.createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    let payload: string;
    try {
      payload = JSON.stringify(JSON.parse(Buffer.concat(parts).toString('utf8')));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"body is not JSON"}');
      return;
    }
    const up = http.request(
      {
        host: '127.0.0.1',
        port: upstreamPort,
        method: 'POST',
        path: '/v1/chat/completions',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (upRes) => {
        const headers: http.OutgoingHttpHeaders = { 'content-type': upRes.headers['content-type'] ?? 'application/json' };
        if (upRes.headers['content-length']) headers['content-length'] = upRes.headers['content-length'];
        res.writeHead(upRes.statusCode ?? 502, headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end();
    });
    // A client that leaves stops the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    up.end(payload);
  });
});

server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
