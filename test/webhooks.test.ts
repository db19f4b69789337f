import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/infra/logger.ts';
import { sortableIdFloor } from '../src/lib/ids.ts';
import { startReceiver, type Receiver, verify } from './fakes/webhook-receiver.ts';
import { call, client, ENGINE, freshDatabase, seedOrg, signedInMember, startServer, type Tenant, type TestServer } from './harness.ts';

/** Fast retries and a short timeout, so a whole schedule runs in a few seconds. */
const ENV = {
  PARLEY_EGRESS_ALLOW: '127.0.0.1/32',
  PARLEY_WEBHOOK_POLL_MS: '50',
  PARLEY_WEBHOOK_RETRY_SCHEDULE: '50ms,50ms,50ms',
  PARLEY_WEBHOOK_TIMEOUT_MS: '1500',
  PARLEY_WEBHOOK_DISABLE_AFTER_FAILURES: '2',
};

describe(`webhooks (${ENGINE})`, () => {
  let server: TestServer;
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    server = await startServer(ENV);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await server?.close();
  });

  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };

  async function endpoint(t: Tenant, url: string, event_types: string[]) {
    const res = await client(server, t.key).post('/orgs/c/webhooks', { url, event_types, description: 'test' });
    expect(res.status, res.text).toBe(200);
    return res.body as { id: string; secret: string };
  }

  /** Polls an endpoint's delivery log until `pred` holds. */
  async function deliveriesUntil(t: Tenant, webhookId: string, pred: (ds: any[]) => boolean, timeoutMs = 20_000): Promise<any[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await client(server, t.key).get(`/orgs/c/webhooks/${webhookId}/deliveries?take=100`);
      expect(res.status, res.text).toBe(200);
      if (pred(res.body)) return res.body;
      if (Date.now() > deadline) throw new Error(`deliveries: ${JSON.stringify(res.body).slice(0, 2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const settledAll = (n: number) => (ds: any[]) => ds.length >= n && ds.every((d) => d.status !== 'PENDING');
  const newAssistant = async (t: Tenant, name = 'Helper') => {
    const res = await client(server, t.key).post('/orgs/c/assistants', { name, config: { instructions: 'Acme opens at 9am.' } });
    expect(res.status, res.text).toBe(200);
    return res.body.id as string;
  };

  it('delivers an event signed per Standard Webhooks, which the standardwebhooks library verifies', async () => {
    const t = await seedOrg(server);
    const rx = await receiver();
    const hook = await endpoint(t, rx.url, ['assistant.created']);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const assistantId = await newAssistant(t, 'Signed');
    const [got] = await rx.until((r) => r.length >= 1);
    const payload = verify(hook.secret, got!);
    expect(payload).toEqual({ type: 'assistant.created', timestamp: expect.any(String), data: { assistant_id: assistantId, name: 'Signed' } });
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.signature).toMatch(/^v1,/);
    // The webhook-id is the event's id: the audit log shows the same event.
    const audit = await client(server, t.key).get('/orgs/c/audit-log?type=assistant.created');
    expect(audit.body.map((e: any) => e.id)).toContain(got!.id);
    const [d] = await deliveriesUntil(t, hook.id, settledAll(1));
    expect(d).toMatchObject({ webhook_id: hook.id, message_id: got!.id, event_id: got!.id, event_type: 'assistant.created', status: 'SUCCEEDED', attempt_count: 1 });
    expect(d.attempts).toEqual([
      { attempt: 1, trigger: 'scheduled', at: expect.any(String), status_code: 200, duration_ms: expect.any(Number), response: 'status 200', error: null },
    ]);
    expect(d.payload).toBe(got!.body);
    // Only the types it asked for: an update is not sent.
    await client(server, t.key).patch(`/orgs/c/assistants/${assistantId}`, { name: 'Renamed' });
    await newAssistant(t, 'Second');
    await rx.until((r) => r.length >= 2);
    expect(rx.received.map((r) => r.json.type)).toEqual(['assistant.created', 'assistant.created']);
  });

  it('sends message.created with the message itself (content, role, chat id), so a receiver can forward a reply', async () => {
    const t = await seedOrg(server);
    const rx = await receiver();
    const hook = await endpoint(t, rx.url, ['message.created']);
    const agent = await newAssistant(t);
    const inv = await call(server, 'POST', `/api/agents/${agent}/invoke`, { key: t.key, json: { message: 'When do you open?' } });
    expect(inv.status, inv.text).toBe(200);
    const got = await rx.until((r) => r.length >= 2);
    const payloads = got.map((r) => verify(hook.secret, r));
    const reply = payloads.find((p) => p.data.role === 'assistant');
    const question = payloads.find((p) => p.data.role === 'user');
    expect(question.data).toMatchObject({ chat_id: inv.body.chat_id, message: { chat_id: inv.body.chat_id, role: 'user', parts: [{ type: 'text', text: 'When do you open?' }] } });
    expect(reply.data).toMatchObject({ chat_id: inv.body.chat_id, message_id: reply.data.message.id, message: { role: 'assistant', status: 'COMPLETED' } });
    expect(reply.data.message.parts.map((p: any) => p.text).join('')).toBe(inv.body.response);
  });

  it('retries after 500s with the same webhook-id and the same body, then succeeds', async () => {
    const t = await seedOrg(server);
    const rx = await receiver((n) => ({ status: n < 2 ? 500 : 204 }));
    const hook = await endpoint(t, rx.url, ['assistant.created']);
    await newAssistant(t);
    const got = await rx.until((r) => r.length >= 3);
    expect(new Set(got.map((r) => r.id)).size).toBe(1);
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    for (const r of got) expect(verify(hook.secret, r).type).toBe('assistant.created');
    const [d] = await deliveriesUntil(t, hook.id, settledAll(1));
    expect(d.status).toBe('SUCCEEDED');
    expect(d.attempts.map((a: any) => [a.status_code, a.error])).toEqual([
      [500, 'the receiver answered 500'],
      [500, 'the receiver answered 500'],
      [204, null],
    ]);
    expect(d.attempts[0].response).toBe('status 500');
  });

  it('retries after a timeout with the same webhook-id', async () => {
    const t = await seedOrg(server);
    const rx = await receiver((n) => (n === 0 ? { status: 200, delayMs: 5_000 } : { status: 200 }));
    const hook = await endpoint(t, rx.url, ['assistant.created']);
    await newAssistant(t);
    const [d] = await deliveriesUntil(t, hook.id, settledAll(1));
    expect(d.status).toBe('SUCCEEDED');
    expect(d.attempts).toHaveLength(2);
    expect(d.attempts[0]).toMatchObject({ status_code: null, error: 'timed out after 1500 ms' });
    expect(d.attempts[1]).toMatchObject({ status_code: 200, error: null });
    expect(rx.received.map((r) => r.id)).toEqual([d.message_id, d.message_id]);
  });

  it('keeps a capped excerpt of what the receiver answered', async () => {
    const t = await seedOrg(server);
    const rx = await receiver(() => ({ status: 200, body: 'x'.repeat(200_000) }));
    const hook = await endpoint(t, rx.url, ['assistant.created']);
    await newAssistant(t);
    const [d] = await deliveriesUntil(t, hook.id, settledAll(1));
    expect(d.status).toBe('SUCCEEDED');
    expect(d.attempts[0].response.length).toBeLessThanOrEqual(1_000);
  });

  it('disables an endpoint whose deliveries keep failing, with an event and a note in its log; enabling it again starts afresh', async () => {
    const t = await seedOrg(server);
    const down = await receiver(() => ({ status: 503 }));
    const watcher = await receiver();
    const hook = await endpoint(t, down.url, ['assistant.created']);
    const watch = await endpoint(t, watcher.url, ['webhook_endpoint.disabled']);
    await newAssistant(t, 'One');
    await deliveriesUntil(t, hook.id, settledAll(1));
    await newAssistant(t, 'Two');
    const ds = await deliveriesUntil(t, hook.id, settledAll(2));
    expect(ds.map((d) => [d.status, d.attempt_count])).toEqual([
      ['FAILED', 4],
      ['FAILED', 4],
    ]);
    // Newest first: the second failure disabled it.
    expect(ds[0].note).toBe('The endpoint was disabled: 2 deliveries in a row failed every attempt.');
    expect(ds[1].note).toBeNull();
    const ep = (await client(server, t.key).get(`/orgs/c/webhooks/${hook.id}`)).body;
    expect(ep).toMatchObject({ enabled: false, disabled_reason: '2 deliveries in a row failed every attempt.', consecutive_failures: 2 });
    const [note] = await watcher.until((r) => r.length >= 1);
    expect(verify(watch.secret, note!)).toMatchObject({
      type: 'webhook_endpoint.disabled',
      data: { webhook_id: hook.id, reason: '2 deliveries in a row failed every attempt.' },
    });
    const audit = await client(server, t.key).get('/orgs/c/audit-log?type=webhook_endpoint.disabled');
    expect(audit.body).toHaveLength(1);
    expect(audit.body[0].actor).toMatchObject({ type: 'system', id: null });

    // Disabled: new events are not delivered to it.
    const sent = down.received.length;
    await newAssistant(t, 'Three');
    await server.deps.webhookFanout.drain();
    expect((await client(server, t.key).get(`/orgs/c/webhooks/${hook.id}/deliveries`)).body).toHaveLength(2);
    const again = await client(server, t.key).patch(`/orgs/c/webhooks/${hook.id}`, { enabled: true });
    expect(again.body).toMatchObject({ enabled: true, disabled_reason: null, disabled_at: null, consecutive_failures: 0 });
    expect((await client(server, t.key).get(`/orgs/c/webhooks/${hook.id}/deliveries`)).body).toHaveLength(2);
    expect(down.received.length).toBe(sent);
  });

  it('disables an endpoint at once when the receiver answers 410 Gone', async () => {
    const t = await seedOrg(server);
    const gone = await receiver(() => ({ status: 410 }));
    const hook = await endpoint(t, gone.url, ['assistant.created']);
    await newAssistant(t);
    const [d] = await deliveriesUntil(t, hook.id, settledAll(1));
    expect(d).toMatchObject({ status: 'FAILED', attempt_count: 1, note: 'The endpoint was disabled: The receiver answered 410 Gone.' });
    expect((await client(server, t.key).get(`/orgs/c/webhooks/${hook.id}`)).body.enabled).toBe(false);
  });

  it('redelivers on request: the same webhook-id and body, one more attempt in the log', async () => {
    const t = await seedOrg(server);
    const rx = await receiver();
    const hook = await endpoint(t, rx.url, ['assistant.created']);
    await newAssistant(t);
    const [d] = await deliveriesUntil(t, hook.id, settledAll(1));
    const res = await client(server, t.key).post(`/orgs/c/webhooks/${hook.id}/deliveries/${d.id}/redeliver`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: d.id, status: 'PENDING' });
    const got = await rx.until((r) => r.length >= 2);
    expect(got[1]!.id).toBe(got[0]!.id);
    expect(got[1]!.body).toBe(got[0]!.body);
    expect(verify(hook.secret, got[1]!).type).toBe('assistant.created');
    const [after] = await deliveriesUntil(t, hook.id, (ds) => ds[0]?.attempt_count === 2 && ds[0].status !== 'PENDING');
    expect(after.status).toBe('SUCCEEDED');
    expect(after.attempts.map((a: any) => a.trigger)).toEqual(['scheduled', 'manual']);
  });

  it('sends a test ping, verified like any event, and logs it', async () => {
    const t = await seedOrg(server);
    const rx = await receiver();
    const hook = await endpoint(t, rx.url, ['chat.created']);
    const ping = await client(server, t.key).post(`/orgs/c/webhooks/${hook.id}/test`);
    expect(ping.status, ping.text).toBe(200);
    expect(ping.body).toMatchObject({ webhook_id: hook.id, event_id: null, event_type: 'webhook.test', status: 'PENDING' });
    const [got] = await rx.until((r) => r.length >= 1);
    expect(got!.id).toBe(ping.body.id);
    expect(verify(hook.secret, got!)).toMatchObject({ type: 'webhook.test', data: { webhook_id: hook.id } });
    const [d] = await deliveriesUntil(t, hook.id, settledAll(1));
    expect(d).toMatchObject({ id: ping.body.id, status: 'SUCCEEDED', attempts: [{ trigger: 'test', status_code: 200 }] });
  });

  it('refuses private addresses when delivering too (DNS may answer differently than when saved) and says so in the log', async () => {
    const t = await seedOrg(server);
    expect((await client(server, t.key).post('/orgs/c/webhooks', { url: 'http://169.254.169.254/latest/meta-data', event_types: ['*'] })).status).toBe(400);
    // An endpoint whose name pointed elsewhere when it was saved: only the connection-time guard stands in the way.
    const hook = await endpoint(t, 'https://hooks.invalid/parley', ['assistant.created']);
    await server.deps.database.db.execute(sql`update webhook_endpoints set url = 'http://169.254.169.254/latest/meta-data' where id = ${hook.id}`);
    const ping = await client(server, t.key).post(`/orgs/c/webhooks/${hook.id}/test`);
    const [d] = await deliveriesUntil(t, hook.id, settledAll(1));
    expect(d.id).toBe(ping.body.id);
    expect(d.status).toBe('FAILED');
    expect(d.attempts[0].error).toMatch(/refused: link-local address; to allow it, list 169.254.169.254 in PARLEY_EGRESS_ALLOW/);
  });

  it('shows the signing secret only at creation and rotation; a rotated secret signs from then on', async () => {
    const t = await seedOrg(server);
    const rx = await receiver();
    const hook = await endpoint(t, rx.url, ['assistant.created']);
    const api = client(server, t.key);
    const list = await api.get('/orgs/c/webhooks');
    const one = await api.get(`/orgs/c/webhooks/${hook.id}`);
    expect(list.body).toHaveLength(1);
    for (const res of [list, one]) {
      expect(res.text).not.toContain(hook.secret.slice(6, 30));
      expect(res.text).not.toContain('secret');
    }
    const rotated = await api.post(`/orgs/c/webhooks/${hook.id}/rotate-secret`);
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(hook.secret);
    await newAssistant(t);
    const [got] = await rx.until((r) => r.length >= 1);
    expect(verify(rotated.body.secret, got!).type).toBe('assistant.created');
    expect(() => verify(hook.secret, got!)).toThrow();
    const audit = await api.get('/orgs/c/audit-log?type=webhook_endpoint.*');
    expect(audit.body.map((e: any) => [e.type, e.data.changed ?? null])).toEqual([
      ['webhook_endpoint.updated', ['secret']],
      ['webhook_endpoint.created', null],
    ]);
  });

  it('validates endpoints: event types of the catalog (or *), http(s) URLs', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const bad = [
      { url: 'https://example.com/h', event_types: ['assistant.exploded'] },
      { url: 'https://example.com/h', event_types: [] },
      { url: 'ftp://example.com/h', event_types: ['*'] },
      { url: 'not a url', event_types: ['*'] },
    ];
    for (const body of bad) {
      const res = await api.post('/orgs/c/webhooks', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.message).toEqual(expect.any(String));
    }
    // An address the egress guard refuses on every delivery is refused when saved, naming the fix (this server
    // allows 127.0.0.1 only); a name that does not resolve yet is kept: its deliveries will say why they fail.
    for (const [url, says] of [
      ['http://192.168.1.20/hook', 'url: address is refused: 192.168.1.20 (192.168.1.20) is a private address; the operator can allow it by listing 192.168.1.20 in PARLEY_EGRESS_ALLOW'],
      ['https://[fd00::1]/hook', 'url: address is refused: fd00::1 (fd00::1) is a private (unique local) address; the operator can allow it by listing fd00::1 in PARLEY_EGRESS_ALLOW'],
    ]) {
      const refused = await api.post('/orgs/c/webhooks', { url, event_types: ['*'] });
      expect(refused.status, url).toBe(400);
      expect(refused.body).toEqual({ message: says });
    }
    expect((await api.get('/orgs/c/webhooks')).body).toEqual([]);
    const later = await api.post('/orgs/c/webhooks', { url: 'https://hooks.invalid/parley', event_types: ['*'] });
    expect(later.status, later.text).toBe(200);
    const moved = await api.patch(`/orgs/c/webhooks/${later.body.id}`, { url: 'http://10.1.2.3/hook' });
    expect(moved.status).toBe(400);
    expect(moved.body.message).toMatch(/^url: address is refused: 10\.1\.2\.3 .* is a private address; .* PARLEY_EGRESS_ALLOW$/);
    expect((await api.get(`/orgs/c/webhooks/${later.body.id}`)).body.url).toBe('https://hooks.invalid/parley');
    await api.del(`/orgs/c/webhooks/${later.body.id}`);

    const ok = await api.post('/orgs/c/webhooks', { url: 'https://example.com/h', event_types: ['*', '*'] });
    expect(ok.body).toMatchObject({ event_types: ['*'], enabled: true, description: '' });
    const off = await api.patch(`/orgs/c/webhooks/${ok.body.id}`, { enabled: false, event_types: ['chat.created', 'message.created'] });
    expect(off.body).toMatchObject({ enabled: false, event_types: ['chat.created', 'message.created'], disabled_reason: null });
    const del = await api.del(`/orgs/c/webhooks/${ok.body.id}`);
    expect(del.body).toEqual({ id: ok.body.id, deleted: true });
    expect((await api.get(`/orgs/c/webhooks/${ok.body.id}`)).status).toBe(404);
  });

  it('lets ADMIN and DEVELOPER members manage webhooks, and not AGENT or MANAGER', async () => {
    const t = await seedOrg(server);
    const hook = await endpoint(t, 'https://example.com/h', ['chat.created']);
    for (const role of ['DEVELOPER', 'ADMIN']) {
      const m = await signedInMember(server, t, role);
      const res = await call(server, 'GET', `/orgs/c/webhooks/${hook.id}`, { headers: m.headers });
      expect(res.status, `${role}: ${res.text}`).toBe(200);
    }
    for (const role of ['AGENT', 'MANAGER']) {
      const m = await signedInMember(server, t, role);
      for (const path of ['/orgs/c/webhooks', `/orgs/c/webhooks/${hook.id}`, `/orgs/c/webhooks/${hook.id}/deliveries`]) {
        const res = await call(server, 'GET', path, { headers: m.headers });
        expect(res.status, `${role} ${path}`).toBe(403);
        expect(res.body.message).toContain('"webhooks:read"');
      }
      const rotate = await call(server, 'POST', `/orgs/c/webhooks/${hook.id}/rotate-secret`, { headers: m.headers });
      expect(rotate.status).toBe(403);
    }
  });

  it("answers another org's endpoints and deliveries exactly like missing ones (404)", async () => {
    const a = await seedOrg(server);
    const b = await seedOrg(server);
    const rx = await receiver();
    const hook = await endpoint(a, rx.url, ['chat.created']);
    const ping = (await client(server, a.key).post(`/orgs/c/webhooks/${hook.id}/test`)).body;
    await deliveriesUntil(a, hook.id, settledAll(1));
    const paths = [
      ['GET', `/orgs/c/webhooks/${hook.id}`],
      ['PATCH', `/orgs/c/webhooks/${hook.id}`],
      ['DELETE', `/orgs/c/webhooks/${hook.id}`],
      ['POST', `/orgs/c/webhooks/${hook.id}/rotate-secret`],
      ['POST', `/orgs/c/webhooks/${hook.id}/test`],
      ['GET', `/orgs/c/webhooks/${hook.id}/deliveries`],
      ['GET', `/orgs/c/webhooks/${hook.id}/deliveries/${ping.id}`],
      ['POST', `/orgs/c/webhooks/${hook.id}/deliveries/${ping.id}/redeliver`],
      ['GET', `/orgs/${a.orgId}/webhooks`],
    ] as const;
    for (const [method, path] of paths) {
      const res = await call(server, method, path, { key: b.key, json: method === 'PATCH' ? { enabled: false } : undefined });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    // Untouched: still enabled, one delivery, one request received.
    expect((await client(server, a.key).get(`/orgs/c/webhooks/${hook.id}`)).body.enabled).toBe(true);
    expect((await client(server, a.key).get(`/orgs/c/webhooks/${hook.id}/deliveries`)).body).toHaveLength(1);
    expect(rx.received).toHaveLength(1);
  });

  it('deletes deliveries past the retention period and keeps the rest', async () => {
    const t = await seedOrg(server);
    const hook = await endpoint(t, 'https://example.com/h', ['chat.created']);
    const { db } = server.deps.database;
    const old = `${sortableIdFloor('webhookDelivery', Date.now() - 31 * 86_400_000)}0000oldoldold`;
    const recent = `${sortableIdFloor('webhookDelivery', Date.now() - 29 * 86_400_000)}0000recentrec`;
    for (const id of [old, recent]) {
      await db.execute(sql`insert into webhook_deliveries (id, org_id, endpoint_id, message_id, event_type, event_data, event_at, status)
        values (${id}, ${t.orgId}, ${hook.id}, ${id}, 'webhook.test', '{}'::jsonb, now(), 'SUCCEEDED')`);
    }
    await server.deps.webhookFanout.prune();
    const left = await client(server, t.key).get(`/orgs/c/webhooks/${hook.id}/deliveries`);
    expect(left.body.map((d: any) => d.id)).toEqual([recent]);
  });
});

describe(`webhook secrets in logs (${ENGINE})`, () => {
  it('never writes a signing secret to the log, at trace level, through creation, rotation and delivery', async () => {
    const lines: string[] = [];
    const server = await startServer({ ...ENV, PARLEY_LOG_LEVEL: 'trace' }, { logger: createLogger({ level: 'trace', destination: { write: (l: string) => void lines.push(l) } }) });
    const rx = await startReceiver((n) => ({ status: n === 0 ? 500 : 200 }));
    try {
      const t = await seedOrg(server);
      const created = await client(server, t.key).post('/orgs/c/webhooks', { url: rx.url, event_types: ['*'] });
      const rotated = await client(server, t.key).post(`/orgs/c/webhooks/${created.body.id}/rotate-secret`);
      await client(server, t.key).post(`/orgs/c/webhooks/${created.body.id}/test`);
      await rx.until((r) => r.length >= 2);
      expect(lines.length).toBeGreaterThan(3);
      for (const secret of [created.body.secret, rotated.body.secret]) {
        const key = secret.slice('whsec_'.length);
        expect(lines.filter((l) => l.includes(key) || l.includes(key.slice(0, 20)))).toEqual([]);
      }
    } finally {
      await rx.close();
      await server.close();
    }
  });
});

describe(`webhooks without PARLEY_SECRET (${ENGINE})`, () => {
  it('refuses to create an endpoint (its secret could not be stored encrypted), and says why', async () => {
    const server = await startServer({ ...ENV, PARLEY_SECRET: undefined as unknown as string });
    try {
      const t = await seedOrg(server);
      const res = await client(server, t.key).post('/orgs/c/webhooks', { url: 'https://example.com/h', event_types: ['*'] });
      expect(res.status, res.text).toBe(400);
      expect(res.body.message).toMatch(/PARLEY_SECRET/);
      expect((await client(server, t.key).get('/orgs/c/webhooks')).body).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('webhook settings', () => {
  it('reads the retry schedule as delays with units, the default being about a day', () => {
    const def = loadConfig({}).webhooks;
    expect(def.retryScheduleMs).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(def.retryScheduleMs.reduce((a, b) => a + b, 0) / 3_600_000).toBeCloseTo(27.6, 1);
    expect(def).toMatchObject({ timeoutMs: 15_000, disableAfterFailures: 5, pollMs: 1_000, concurrency: 4 });
    expect(loadConfig({ PARLEY_WEBHOOK_RETRY_SCHEDULE: '50ms, 2s,1m,1h' }).webhooks.retryScheduleMs).toEqual([50, 2_000, 60_000, 3_600_000]);
    for (const bad of ['5', '5d', '', 'ten s']) {
      expect(() => loadConfig({ PARLEY_WEBHOOK_RETRY_SCHEDULE: bad }), bad).toThrow(ConfigError);
    }
    expect(() => loadConfig({ PARLEY_WEBHOOK_TIMEOUT_MS: '120000' })).toThrow(/PARLEY_WEBHOOK_TIMEOUT_MS/);
  });
});

describe.skipIf(ENGINE !== 'postgres')('webhooks across instances sharing one database', () => {
  it('fans each event out once, whichever instance wrote it and whichever reads the log', async () => {
    const database = await freshDatabase();
    const a = await startServer(ENV, { database });
    const b = await startServer(ENV, { database: { ...database, close: async () => {} } });
    const rx = await startReceiver();
    try {
      const t = await seedOrg(a);
      const hook = (await client(a, t.key).post('/orgs/c/webhooks', { url: rx.url, event_types: ['assistant.created'] })).body;
      const names = Array.from({ length: 10 }, (_, i) => `Bot ${i}`);
      for (const [i, name] of names.entries()) {
        const res = await client(i % 2 ? b : a, t.key).post('/orgs/c/assistants', { name });
        expect(res.status, res.text).toBe(200);
      }
      await rx.until((r) => r.length >= names.length);
      // Both instances poll the log all along: nothing may be sent twice.
      await Promise.all([a.deps.webhookFanout.drain(), b.deps.webhookFanout.drain()]);
      await new Promise((r) => setTimeout(r, 300));
      expect(rx.received.map((r) => verify(hook.secret, r).data.name).sort()).toEqual(names.sort());
      expect(new Set(rx.received.map((r) => r.id)).size).toBe(names.length);
    } finally {
      await rx.close();
      await b.close();
      await a.close();
    }
  });
});
