import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver, verify } from './fakes/webhook-receiver.ts';
import { call, ENGINE } from './harness.ts';
import { durableStorage, exited, startParley, testKey } from './parley-process.ts';

const EVENTS = 12;

describe(`webhook delivery across kill -9 (${ENGINE})`, () => {
  const children: ChildProcess[] = [];
  let rx: Receiver | undefined;
  let dataDir: string | undefined;
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await rx?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers every event after a restart, each id at least once; a receiver deduping by id sees each once', { timeout: 120_000 }, async () => {
    // A slow receiver: a delivery is in flight when the process dies.
    rx = await startReceiver(() => ({ status: 200, delayMs: 150 }));
    const key = testKey();
    const env: Record<string, string> = {
      ...(await durableStorage()),
      PARLEY_BOOTSTRAP_KEY: key,
      PARLEY_EGRESS_ALLOW: '127.0.0.1/32',
      // Signing secrets are stored sealed; with PostgreSQL the key must be given (PGlite keeps one in its folder).
      PARLEY_SECRET: 'webhooks-restart-test-secret-0123456789',
      PARLEY_ASSISTANT_CREATE_LIMIT_PER_HOUR: '1000',
      PARLEY_WEBHOOK_POLL_MS: '1000',
      PARLEY_WEBHOOK_CONCURRENCY: '1',
      PARLEY_WEBHOOK_RETRY_SCHEDULE: '100ms,100ms,100ms,100ms',
      // PostgreSQL: the dead process's running attempts are taken again once their lease ends.
      PARLEY_JOB_LEASE_MS: '1500',
    };
    dataDir = env.PARLEY_DATA_DIR;
    const first = await startParley(env);
    children.push(first.child);
    const hook = await call(first, 'POST', '/orgs/c/webhooks', { key, json: { url: rx.url, event_types: ['assistant.created'] } });
    expect(hook.status, hook.text).toBe(200);
    const create = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const res = await call(first, 'POST', '/orgs/c/assistants', { key, json: { name: `Bot ${i}` } });
        expect(res.status, res.text).toBe(200);
      }
    };
    await create(0, EVENTS - 4);
    // Killed while deliveries are under way: some received, one in flight, some queued, and the last
    // events committed just before the kill, most likely before the fan-out's next read of the log.
    await rx.until((r) => r.length >= 2);
    await create(EVENTS - 4, EVENTS);
    first.child.kill('SIGKILL');
    await exited(first.child);
    const before = new Set(rx.received.map((r) => r.id)).size;
    expect(before).toBeLessThan(EVENTS);

    const restartedAt = Date.now();
    const second = await startParley(env);
    children.push(second.child);
    const audit = await call(second, 'GET', '/orgs/c/audit-log?type=assistant.created&take=100', { key });
    const eventIds = audit.body.map((e: { id: string }) => e.id).sort();
    expect(eventIds).toHaveLength(EVENTS);
    await rx.until((r) => new Set(r.map((x) => x.id)).size >= EVENTS, 60_000);

    const seen = new Map<string, number>();
    for (const r of rx.received) {
      expect(verify(hook.body.secret, r).type).toBe('assistant.created');
      seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(eventIds);
    // The dedupe a receiver does by webhook-id: each event once, whatever was sent twice.
    const deduped = new Map(rx.received.map((r) => [r.id, r.json.data.name]));
    expect([...deduped.values()].sort()).toEqual(Array.from({ length: EVENTS }, (_, i) => `Bot ${i}`).sort());
    // Every delivery in the log ends SUCCEEDED.
    const deadline = Date.now() + 30_000;
    let fannedOutLate = 0;
    for (;;) {
      const log = await call(second, 'GET', `/orgs/c/webhooks/${hook.body.id}/deliveries?take=100`, { key });
      fannedOutLate = log.body.filter((d: { created_at: string }) => Date.parse(d.created_at) >= restartedAt).length;
      if (log.body.length === EVENTS && log.body.every((d: { status: string }) => d.status === 'SUCCEEDED')) break;
      if (Date.now() > deadline) throw new Error(`deliveries: ${log.text.slice(0, 1000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(
      `kill -9: ${before} events received before the kill, ${fannedOutLate} fanned out only after the restart, ${rx.received.length} requests for ${EVENTS} events in all (${ENGINE})`,
    );
    second.child.kill('SIGTERM');
    await exited(second.child);
  });
});
