import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/infra/logger.ts';
import { startFakeOpenAI } from './fakes/openai-fake.ts';
import { call, client, dropAssistantsTable, seedOrg, startServer, type TestServer } from './harness.ts';

/** Every JSON line the server logs, at trace level, kept in memory. */
function captureLog() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

const QUERY_NAMES = ['api_key', 'key', 'token', 'access_token', 'secret', 'password', 'authorization', 'user_hash', 'apiKey'];

describe('logs never hold secrets', () => {
  const log = captureLog();
  const providerKey = `sk-org-${randomBytes(16).toString('hex')}`;
  let fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
  let server: TestServer;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: providerKey });
    server = await startServer(
      { PARLEY_LOG_LEVEL: 'trace', PARLEY_EGRESS_ALLOW: '127.0.0.1/32', PARLEY_LLM_RETRY_BASE_MS: '5', PARLEY_LLM_MAX_RETRIES: '0' },
      { logger: createLogger({ level: 'trace', destination: log.destination }) },
    );
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('keeps API keys and provider keys out of every line, wherever a client puts them', async () => {
    const t = await seedOrg(server);
    const admin = client(server, t.key);
    const runtime = await admin.post('/orgs/c/api-keys', { name: 'widget', scope: 'runtime' });
    const spare = await admin.post('/orgs/c/api-keys', { name: 'spare', scope: 'admin' });
    const revoked = await admin.post('/orgs/c/api-keys', { name: 'old', scope: 'admin' });
    expect([runtime.status, spare.status, revoked.status], runtime.text).toEqual([200, 200, 200]);
    expect((await admin.del(`/orgs/c/api-keys/${revoked.body.id}`)).status).toBe(200);
    const secrets: Record<string, string> = { admin: t.key, runtime: runtime.body.key, spare: spare.body.key, revoked: revoked.body.key, provider: providerKey };

    const stored = await call(server, 'PUT', '/orgs/c/providers/openai-compatible', { key: t.key, json: { api_key: providerKey, base_url: fake.url } });
    expect(stored.status, stored.text).toBe(200);
    const agent = await admin.post('/orgs/c/assistants', { name: 'Vendor bot', config: { model: 'openai-compatible/llama3', instructions: 'Be brief.' } });
    expect(agent.status, agent.text).toBe(200);

    const statuses: Record<string, number> = {};
    const send = async (label: string, method: string, path: string, opts: Parameters<typeof call>[3] = {}) => {
      statuses[label] = (await call(server, method, path, opts)).status;
    };
    await send('header', 'GET', '/orgs/c/assistants', { key: t.key });
    for (const name of QUERY_NAMES) {
      await send(`query ${name}`, 'GET', `/orgs/c/assistants?limit=5&${name}=${encodeURIComponent(t.key)}`);
      await send(`query ${name} + header`, 'GET', `/orgs/c/assistants?${name}=${runtime.body.key}`, { key: t.key });
    }
    await send('query, any name', 'GET', `/orgs/c/assistants?q=${spare.body.key}`);
    await send('bad scheme', 'GET', '/orgs/c/assistants', { headers: { authorization: `Token ${spare.body.key}` } });
    await send('no scheme', 'GET', '/orgs/c/assistants', { headers: { authorization: spare.body.key } });
    await send('runtime on admin', 'GET', `/orgs/c/assistants?token=${runtime.body.key}`, { key: runtime.body.key });
    await send('revoked', 'GET', `/orgs/c/assistants?api_key=${revoked.body.key}`, { key: revoked.body.key });
    await send('unknown route', 'GET', `/nope?api_key=${t.key}`, { key: t.key });
    await send('key as path', 'GET', `/${spare.body.key}`, { key: spare.body.key });
    await send('invalid body', 'POST', `/orgs/c/assistants?secret=${t.key}`, { key: t.key, json: { name: '' } });
    await send('bad JSON', 'POST', `/orgs/c/assistants?password=${t.key}`, { key: t.key, body: '{', headers: { 'content-type': 'application/json' } });
    await send('invoke', 'POST', `/api/agents/${agent.body.id}/invoke?api_key=${runtime.body.key}`, { key: runtime.body.key, json: { message: 'hi' } });
    fake.enqueue({ kind: 'error', status: 500 });
    await send('vendor 5xx', 'POST', `/api/agents/${agent.body.id}/invoke?api_key=${runtime.body.key}`, { key: runtime.body.key, json: { message: 'hi' } });
    await dropAssistantsTable(server);
    await send('server 5xx', 'GET', `/orgs/c/assistants?api_key=${t.key}&access_token=${spare.body.key}`, { key: t.key });

    expect(statuses).toMatchObject({
      header: 200, 'query api_key': 401, 'query api_key + header': 200, 'bad scheme': 401, 'no scheme': 401, 'runtime on admin': 403,
      revoked: 401, 'unknown route': 404, 'key as path': 404, 'invalid body': 400, 'bad JSON': 400, invoke: 200, 'server 5xx': 500,
    });
    expect(statuses['vendor 5xx']).toBeGreaterThanOrEqual(500);
    expect(fake.requests.some((r) => r.headers.authorization === `Bearer ${providerKey}`)).toBe(true);

    const text = log.lines.join('');
    // The log is there and carries the request lines (with their URLs), so the checks below can fail.
    expect(log.lines.length).toBeGreaterThan(30);
    expect(text).toContain('"msg":"request completed"');
    // A refused request is one line with its status, code and the message the client got (credentials scrubbed).
    expect(text).toMatch(/"status":404,[^\n]*"error":"route not found: GET \/\[redacted\]","msg":"request refused"/);
    expect(text).not.toContain('"msg":"incoming request"'); // one access line per request, not two
    expect(text).toContain('"url":"/orgs/c/assistants?limit=5&api_key=[redacted]"');
    expect(text).toContain('"url":"/nope?api_key=[redacted]"');
    expect(text).toContain('"url":"/[redacted]"');
    expect(text).toContain('"level":50'); // the 5xx error lines, which carry the request
    for (const [name, secret] of Object.entries(secrets)) {
      expect(text.includes(secret), `the ${name} secret is in the log`).toBe(false);
      expect(text.includes(encodeURIComponent(secret)), `the ${name} secret, URL-encoded, is in the log`).toBe(false);
    }
    expect(text).not.toContain('test-secret-test-secret'); // PARLEY_SECRET
  });
});
