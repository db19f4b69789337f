import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServer, type TestServer } from './harness.ts';

const HTTPS_REQUIRED = {
  message:
    'HTTPS is required: call this server over https://, or have its operator serve TLS, trust the TLS proxy in front of it, or allow plain HTTP (see "HTTPS" in /guides/configuration)',
};
const HSTS = 'max-age=31536000; includeSubDomains';

/** GET over TLS, verifying the server against `ca`. */
function httpsGet(url: string, ca: Buffer): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
  });
}

describe('HTTPS with a certificate', () => {
  let dir: string;
  let cert: Buffer;
  let server: TestServer;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-tls-'));
    const keyFile = path.join(dir, 'k.pem');
    const certFile = path.join(dir, 'c.pem');
    // A self-signed certificate valid for the address the test connects to, so the client can verify it.
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
        '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile],
      { stdio: 'pipe', timeout: 30_000 },
    );
    cert = readFileSync(certFile);
    server = await startServer({ PARLEY_TLS_CERT: certFile, PARLEY_TLS_KEY: keyFile });
  });
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with Strict-Transport-Security', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await httpsGet(`${server.url}/healthz`, cert);
    expect(res.status, res.body).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
    expect(res.headers['strict-transport-security']).toBe(HSTS);
  });

  it('sends HSTS on errors too', async () => {
    const res = await httpsGet(`${server.url}/orgs/c/assistants`, cert);
    expect(res.status).toBe(401);
    expect(res.headers['strict-transport-security']).toBe(HSTS);
  });
});

describe('plain HTTP behind a trusted proxy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PARLEY_TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(async () => server?.close());

  it('refuses a forwarded client that came over plain HTTP', async () => {
    const cases: Array<Record<string, string>> = [
      { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'http' },
      { 'x-forwarded-for': '203.0.113.9' },
      // a client that prepends a loopback address to the chain stays the client the proxy saw
      { 'x-forwarded-for': '127.0.0.1, 203.0.113.9', 'x-forwarded-proto': 'http' },
    ];
    for (const headers of cases) {
      const res = await call(server, 'GET', '/orgs/c', { headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body).toEqual(HTTPS_REQUIRED);
    }
  });

  it('accepts a forwarded client that came over HTTPS', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' };
    const health = await call(server, 'GET', '/healthz', { headers });
    expect(health.status, health.text).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    expect(health.headers.get('strict-transport-security')).toBe(HSTS);
    const authed = await call(server, 'GET', '/orgs/c/assistants', { headers });
    expect(authed.status, authed.text).toBe(401);
    expect(authed.body).toEqual({ message: 'invalid or expired api key' });
  });

  it('still serves the proxy host itself over loopback', async () => {
    const res = await call(server, 'GET', '/healthz');
    expect(res.status).toBe(200);
  });
});

describe('plain HTTP without a trusted proxy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  it('ignores forwarded headers from loopback and allows loopback HTTP', async () => {
    const spoofed = await call(server, 'GET', '/healthz', {
      headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'http' },
    });
    expect(spoofed.status, spoofed.text).toBe(200);
    // A claimed https hop is not believed either: no HSTS over plain HTTP.
    const claimed = await call(server, 'GET', '/healthz', { headers: { 'x-forwarded-proto': 'https' } });
    expect(claimed.status).toBe(200);
    expect(claimed.headers.get('strict-transport-security')).toBeNull();
  });

  // Real sockets from a non-loopback address are not available in the test environment, so
  // these cases use Fastify's inject, which runs the same hooks with a chosen remote address.
  it('refuses a direct non-loopback client over plain HTTP', async () => {
    for (const remoteAddress of ['203.0.113.7', '::ffff:203.0.113.7', '2001:db8::7', '10.0.0.8']) {
      for (const url of ['/orgs/c', '/guides', '/openapi.json']) {
        const res = await server.app.inject({ method: 'GET', url, remoteAddress });
        expect(res.statusCode, `${remoteAddress} ${url}`).toBe(403);
        expect(res.json(), remoteAddress).toEqual(HTTPS_REQUIRED);
      }
    }
  });

  it('answers health probes over plain HTTP from anywhere (orchestrators probe a container on its own address)', async () => {
    for (const remoteAddress of ['203.0.113.7', '10.0.0.8']) {
      const health = await server.app.inject({ method: 'GET', url: '/healthz', remoteAddress });
      expect(health.statusCode, remoteAddress).toBe(200);
      expect(health.json()).toEqual({ status: 'ok' });
      expect((await server.app.inject({ method: 'GET', url: '/readyz', remoteAddress })).statusCode).toBe(200);
    }
  });

  it('treats the whole loopback range as local', async () => {
    for (const remoteAddress of ['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1']) {
      const res = await server.app.inject({ method: 'GET', url: '/healthz', remoteAddress });
      expect(res.statusCode, remoteAddress).toBe(200);
    }
  });
});

describe('plain HTTP with a proxy that is not the peer', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PARLEY_TRUST_PROXY: '10.0.0.0/8' });
  });
  afterAll(async () => server?.close());

  it('ignores forwarded headers from a peer outside the trusted ranges', async () => {
    const res = await call(server, 'GET', '/healthz', {
      headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'http' },
    });
    expect(res.status, res.text).toBe(200);
    const direct = await server.app.inject({
      method: 'GET',
      url: '/orgs/c',
      remoteAddress: '203.0.113.7',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(direct.statusCode).toBe(403);
    expect(direct.json()).toEqual(HTTPS_REQUIRED);
  });
});

describe('PARLEY_ALLOW_HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PARLEY_ALLOW_HTTP: 'true' });
  });
  afterAll(async () => server?.close());

  it('accepts a direct non-loopback client over plain HTTP', async () => {
    // inject for the same reason as above: no non-loopback socket is available here.
    const res = await server.app.inject({ method: 'GET', url: '/openapi.json', remoteAddress: '203.0.113.7' });
    expect(res.statusCode).toBe(200);
    expect(res.json().openapi).toBe('3.1.0');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});
