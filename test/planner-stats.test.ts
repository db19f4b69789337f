import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsFor, writeRows } from '../src/db/insert-many.ts';
import { events } from '../src/db/schema.ts';
import { client, ENGINE, seedOrg, settled, startServer, type TestServer } from './harness.ts';

// PGlite has no autovacuum: Parley analyzes the tables it grows (src/db/planner-stats.ts). On PostgreSQL the server's
// autovacuum does it, and Parley leaves it alone.
describe.runIf(ENGINE === 'pglite')('planner statistics on the embedded engine', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  const reltuples = async (table: string): Promise<number> => {
    const res = await server.deps.database.db.execute(sql`select reltuples::float8 as n from pg_class where oid = to_regclass(${table})`);
    return Number((res as unknown as { rows: Array<{ n: number }> }).rows[0]!.n);
  };

  it('are refreshed once ingestion grew a table past autovacuum\'s threshold (50 rows + 10 %)', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    expect(await reltuples('knowledge_chunks')).toBeLessThanOrEqual(0); // never analyzed: the planner assumes a tiny table
    const paragraphs = Array.from({ length: 600 }, (_, i) => `## Topic ${i}\n\nParagraph ${i} explains the policy number ${i} in plain words, with enough text to fill a chunk of its own over several sentences. `.repeat(2));
    const item = await api.post('/orgs/c/knowledge/contents', { title: 'Handbook', content: { type: 'TEXT', text: paragraphs.join('\n\n') } });
    const done = await settled(server, t.key, item.body.id, 60_000);
    expect(done.status).toBe('PROCESSED');
    expect(done.chunks_count).toBeGreaterThan(60);
    await server.deps.plannerStats.idle();
    expect(await reltuples('knowledge_chunks')).toBe(done.chunks_count);
  });

  it('checks every table at start and analyzes one whose statistics are far from its size', async () => {
    const before = await reltuples('events');
    const rows = Array.from({ length: 400 }, (_, i) => ({
      id: `evt_stats_${String(i).padStart(4, '0')}`,
      orgId: 'org_stats',
      type: 'org.updated',
      subjectId: 'org_stats',
      actorType: 'system' as const,
      actorId: null,
      data: { i },
      createdAt: new Date(),
    }));
    // Written behind Parley's back (as an older version, or a crash before the ANALYZE, leaves it).
    await writeRows(server.deps.database.db, [rowsFor(events, rows)]);
    expect(await reltuples('events')).toBe(before);
    server.deps.plannerStats.start();
    await server.deps.plannerStats.idle();
    const count = (await server.deps.database.db.execute(sql`select count(*)::int as n from events`)) as unknown as { rows: Array<{ n: number }> };
    expect(await reltuples('events')).toBe(count.rows[0]!.n);
  });

  it('analyzes at start a table whose row count came from an index build, with no column statistics', async () => {
    const db = server.deps.database.db;
    const t = await seedOrg(server);
    const columnStats = async () =>
      ((await db.execute(sql`select count(*)::int as n from pg_stats where tablename = 'contacts'`)) as unknown as { rows: Array<{ n: number }> }).rows[0]!.n;
    // Rows written behind Parley's back, then an index built over them (as a restored dump leaves a table): the
    // row count is right, the statistics of the columns the planner estimates with are missing.
    await db.execute(sql`insert into contacts (id, org_id, name) select 'contact_stats_' || i, ${t.orgId}, 'Customer ' || i from generate_series(1, 300) i`);
    await db.execute(sql`create index contacts_stats_probe on contacts (name)`);
    await db.execute(sql`drop index contacts_stats_probe`);
    expect(await reltuples('contacts')).toBeGreaterThanOrEqual(300);
    expect(await columnStats()).toBe(0);
    server.deps.plannerStats.start();
    await server.deps.plannerStats.idle();
    expect(await columnStats()).toBeGreaterThan(0);
  });
});
