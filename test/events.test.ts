import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../src/events/actor.ts';
import { sortableIdFloor } from '../src/lib/ids.ts';
import { EVENT_CATALOG, EVENT_TYPES, type EventType, type ParleyEvent } from '../src/events/catalog.ts';
import { client, ENGINE, freshDatabase, seedOrg, settled, startServer, type Tenant, type TestServer } from './harness.ts';

/**
 * Collects what a subscription delivers, but the events of seeding the test's org (its creation and
 * key): on a PostgreSQL cluster shared with other tests, a transaction elsewhere can hold them back
 * until after the subscription starts, as it may hold back any event for a moment.
 */
function collector(seeded?: Tenant) {
  const got: ParleyEvent[] = [];
  return {
    got,
    handler: (e: ParleyEvent) => {
      if (seeded && (e.subject_id === seeded.orgId || e.subject_id === seeded.keyId)) return;
      got.push(e);
    },
    async until(pred: (got: ParleyEvent[]) => boolean, what: string, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred(got)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${got.map((e) => e.type).join(', ')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

const typesOf = (events: ParleyEvent[]) => events.map((e) => e.type);

describe('event log', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PARLEY_CACHE_TTL_MS: '600000', PARLEY_EVENTS_POLL_MS: '50' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('records every change through the API with its actor, in order, each valid against the catalog', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const seen = collector(t);
    const stop = await server.deps.events.subscribe({ orgId: t.orgId }, seen.handler);
    try {
      const agent = (await api.post('/orgs/c/assistants', { name: 'Events bot' })).body;
      expect((await api.patch(`/orgs/c/assistants/${agent.id}`, { name: 'Renamed', enabled: true })).status).toBe(200);
      const item = (await api.post('/orgs/c/knowledge/contents', { title: 'Hours', content: { type: 'TEXT', text: 'We open at nine.' } })).body;
      expect((await settled(server, t.key, item.id)).status).toBe('PROCESSED');
      const reply = await api.post(`/api/agents/${agent.id}/invoke`, { message: 'When do you open?' });
      expect(reply.status, reply.text).toBe(200);
      expect((await api.patch(`/chats/${reply.body.chat_id}`, { pinned: true })).status).toBe(200);
      const key = (await api.post('/orgs/c/api-keys', { name: 'temp', scope: 'runtime' })).body;
      expect((await api.del(`/orgs/c/api-keys/${key.id}`)).status).toBe(200);
      const sub = (await api.post('/orgs/c/orgs', { name: 'Branch' })).body;
      expect((await api.del(`/orgs/c/orgs/${sub.id}`)).status).toBe(200);
      expect((await api.del(`/chats/${reply.body.chat_id}`)).status).toBe(200);
      expect((await api.del(`/orgs/c/assistants/${agent.id}`)).status).toBe(200);

      const expected: EventType[] = [
        'assistant.created',
        'assistant.updated',
        'knowledge.item.created',
        'knowledge.item.updated', // PROCESSING
        'knowledge.item.updated', // chunks
        'knowledge.item.updated', // PROCESSED
        'chat.created',
        'message.created',
        'message.created',
        'chat.updated',
        'api_key.created',
        'api_key.revoked',
        'org.created',
        'org.deleted',
        'chat.deleted',
        'assistant.deleted',
      ];
      await seen.until((g) => g.length >= expected.length, 'every change');
      expect(typesOf(seen.got)).toEqual(expected);

      const byKey = { type: 'api_key', id: t.keyId };
      for (const e of seen.got) {
        expect(EVENT_CATALOG[e.type].data.strict().safeParse(e.data).success, `${e.type}: ${JSON.stringify(e.data)}`).toBe(true);
        expect(e.org_id).toBe(t.orgId);
        expect(e.cursor).toMatch(/^\d+\.evt_/);
        // Ingestion is Parley's own doing; everything else was done with the test's key.
        expect(e.actor, e.type).toEqual(e.type === 'knowledge.item.updated' ? SYSTEM_ACTOR : byKey);
      }
      expect(seen.got[1]!.data).toEqual({ assistant_id: agent.id, changed: ['name', 'enabled'] });
      expect(seen.got.filter((e) => e.type === 'knowledge.item.updated').map((e) => (e.data as { status?: string }).status)).toEqual([
        'PROCESSING',
        undefined,
        'PROCESSED',
      ]);
      const [user, assistant] = seen.got.filter((e) => e.type === 'message.created').map((e) => e.data as { role: string; chat_id: string });
      expect([user!.role, assistant!.role, assistant!.chat_id]).toEqual(['user', 'assistant', reply.body.chat_id]);
      // The log is the table: the same events, in the same order, are stored.
      const rows = await server.deps.database.db.execute(sql`select type from events where org_id = ${t.orgId} order by txid, id`);
      expect((rows as unknown as { rows: Array<{ type: string }> }).rows.map((r) => r.type)).toEqual(['org.created', 'api_key.created', ...expected]);
    } finally {
      await stop();
    }
  });

  it('publishes an event only once its transaction commits; a rolled-back change publishes nothing', async () => {
    const t = await seedOrg(server);
    const seen = collector(t);
    const stop = await server.deps.events.subscribe({ orgId: t.orgId }, seen.handler);
    try {
      const event = (name: string) =>
        ({ type: 'assistant.created', orgId: t.orgId, subjectId: `ast_${name}`, data: { assistant_id: `ast_${name}`, name } }) as const;
      await expect(
        server.deps.events.transaction(SYSTEM_ACTOR, async (_tx, emit) => {
          emit(event('rolled'));
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');

      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let emitted!: () => void;
      const inside = new Promise<void>((r) => (emitted = r));
      const open = server.deps.events.transaction(SYSTEM_ACTOR, async (tx, emit) => {
        await tx.execute(sql`select 1`);
        emit(event('held'));
        emitted();
        await held;
      });
      await inside;
      // Read the log now (on PGlite the read waits for the open transaction, so it is not awaited here).
      const reading = server.deps.events.flush();
      try {
        await new Promise((r) => setTimeout(r, 150)); // and several polls of it
        expect(seen.got).toEqual([]);
      } finally {
        release(); // even when the check fails: an open transaction would hold the server's close
      }
      await open;
      await reading;
      await seen.until((g) => g.length === 1, 'the committed event');
      expect(seen.got.map((e) => e.subject_id)).toEqual(['ast_held']);
      const stored = await server.deps.database.db.execute(sql`select subject_id from events where org_id = ${t.orgId} and type = 'assistant.created'`);
      expect((stored as unknown as { rows: Array<{ subject_id: string }> }).rows).toEqual([{ subject_id: 'ast_held' }]);
    } finally {
      await stop();
    }
  });

  it('resumes a subscriber from its cursor with nothing missed and nothing twice', async () => {
    const t = await seedOrg(server);
    const other = await seedOrg(server);
    const api = client(server, t.key);
    const first = collector(t);
    const stop = await server.deps.events.subscribe({ orgId: t.orgId }, first.handler);
    const ids: string[] = [];
    for (const name of ['one', 'two']) ids.push((await api.post('/orgs/c/assistants', { name })).body.id);
    await first.until((g) => g.length === 2, 'two events');
    await stop();

    // While it is away: more changes here, and some in another org.
    for (const name of ['three', 'four']) ids.push((await api.post('/orgs/c/assistants', { name })).body.id);
    await client(server, other.key).post('/orgs/c/assistants', { name: 'elsewhere' });
    expect((await api.patch(`/orgs/c/assistants/${ids[0]}`, { name: 'one again' })).status).toBe(200);

    const resumed = collector(t);
    const stop2 = await server.deps.events.subscribe({ orgId: t.orgId, after: first.got[1]!.cursor }, resumed.handler);
    try {
      // And changes after it is back, which arrive live.
      ids.push((await api.post('/orgs/c/assistants', { name: 'five' })).body.id);
      await resumed.until((g) => g.length >= 4, 'the missed and the new events');
      await new Promise((r) => setTimeout(r, 150));
      expect(resumed.got.map((e) => [e.type, e.subject_id])).toEqual([
        ['assistant.created', ids[2]],
        ['assistant.created', ids[3]],
        ['assistant.updated', ids[0]],
        ['assistant.created', ids[4]],
      ]);
    } finally {
      await stop2();
    }
  });

  it('drops a cached record when the event of its change arrives through the log', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const agent = (await api.post('/orgs/c/assistants', { name: 'Cached' })).body;
    expect((await api.post(`/api/agents/${agent.id}/invoke`, { message: 'hi' })).status).toBe(200);
    // Another instance disables it: the row changes and its event is logged, nothing else here knows.
    await server.deps.database.db.execute(sql`update assistants set enabled = false where id = ${agent.id}`);
    const before = await api.post(`/api/agents/${agent.id}/invoke`, { message: 'hi' });
    expect(before.status, 'the cache still holds the enabled assistant (the control)').toBe(200);
    await server.deps.database.db.execute(sql`
      insert into events (id, org_id, type, subject_id, actor_type, data)
      values ('evt_000000000000elsewhere', ${t.orgId}, 'assistant.updated', ${agent.id}, 'system', ${JSON.stringify({ assistant_id: agent.id, changed: ['enabled'] })}::jsonb)`);
    await server.deps.events.flush();
    const after = await api.post(`/api/agents/${agent.id}/invoke`, { message: 'hi' });
    expect([after.status, after.body]).toEqual([403, { message: 'Agent is disabled' }]);
  });
});

describe('event retention', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PARLEY_EVENTS_RETENTION_DAYS: '30' });
  });
  afterAll(async () => server?.close());

  it('prunes events older than the retention period and keeps the rest', async () => {
    const t = await seedOrg(server);
    const { db } = server.deps.database;
    // As ids made then would be (newSortableId never goes back in time within a process).
    const old = `${sortableIdFloor('event', Date.now() - 31 * 86_400_000)}0000oldoldold`;
    const recent = `${sortableIdFloor('event', Date.now() - 29 * 86_400_000)}0000recentrec`;
    for (const id of [old, recent]) {
      await db.execute(sql`insert into events (id, org_id, type, subject_id, actor_type, data) values (${id}, ${t.orgId}, 'org.updated', ${t.orgId}, 'system', '{}'::jsonb)`);
    }
    await server.deps.events.prune();
    const left = await db.execute(sql`select id from events where org_id = ${t.orgId} and type = 'org.updated'`);
    expect((left as unknown as { rows: Array<{ id: string }> }).rows).toEqual([{ id: recent }]);
    const seeded = await db.execute(sql`select count(*)::int as n from events where org_id = ${t.orgId} and type <> 'org.updated'`);
    expect((seeded as unknown as { rows: unknown[] }).rows).toEqual([{ n: 2 }]);
  });
});

describe('events docs page', () => {
  it('lists every type of the catalog, and no other', () => {
    const page = readFileSync(new URL('../docs/events.md', import.meta.url), 'utf8');
    const catalog = page.slice(page.indexOf('## Catalog'), page.indexOf('## Retention'));
    const rows = [...catalog.matchAll(/^\| `([a-z_.]+)` \|/gm)].map((m) => m[1]);
    expect(rows).toEqual(EVENT_TYPES);
  });
});

describe.skipIf(ENGINE !== 'postgres')('event log across instances sharing one database', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    const database = await freshDatabase();
    const env = { PARLEY_CACHE_TTL_MS: '600000', PARLEY_EVENTS_POLL_MS: '50' };
    a = await startServer(env, { database });
    b = await startServer(env, { database: { ...database, close: async () => {} } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a change made on one instance reaches the caches and subscribers of the other', async () => {
    const t = await seedOrg(a);
    const agent = (await client(a, t.key).post('/orgs/c/assistants', { name: 'Shared' })).body;
    expect((await client(a, t.key).post(`/api/agents/${agent.id}/invoke`, { message: 'hi' })).status).toBe(200);
    const seen = collector();
    const stop = await a.deps.events.subscribe({ orgId: t.orgId }, seen.handler);
    try {
      expect((await client(b, t.key).patch(`/orgs/c/assistants/${agent.id}`, { enabled: false })).status).toBe(200);
      await seen.until((g) => g.some((e) => e.type === 'assistant.updated'), 'the other instance\'s change');
      const res = await client(a, t.key).post(`/api/agents/${agent.id}/invoke`, { message: 'hi' });
      expect([res.status, res.body]).toEqual([403, { message: 'Agent is disabled' }]);
    } finally {
      await stop();
    }
  });
});
