import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, seedOrg, settled, startServer, type TestServer } from './harness.ts';

// New full-text entries wait in the GIN index's pending list, which every search reads whole, until merged
// (src/features/knowledge/search-index-upkeep.ts). Parley merges them a moment after an ingestion, on both engines.
describe('the knowledge search index after an ingestion', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  /** Merges what is pending and says how many pages that was: 0 when nothing was left to merge. */
  const mergePending = async (): Promise<number> => {
    const res = await server.deps.database.db.execute(sql`select gin_clean_pending_list('knowledge_chunks_tsv_idx'::regclass)::int as pages`);
    return (res as unknown as { rows: Array<{ pages: number }> }).rows[0]!.pages;
  };

  it('keeps its pending list small (256 kB): an ingestion merges as it goes, a search reads little of it', async () => {
    const res = await server.deps.database.db.execute(sql`select reloptions from pg_class where relname = 'knowledge_chunks_tsv_idx'`);
    expect((res as unknown as { rows: Array<{ reloptions: string[] }> }).rows[0]!.reloptions).toContain('gin_pending_list_limit=256');
  });

  it('has its pending entries merged once the ingestion is done, and still finds the new text', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const sections = Array.from({ length: 80 }, (_, i) => `## Policy ${i}\n\nThe zirconwave policy number ${i} covers returns, refunds and exchanges of item ${i} in plain words. `.repeat(3));
    const item = await api.post('/orgs/c/knowledge/contents', { title: 'Policies', content: { type: 'TEXT', text: sections.join('\n\n') } });
    expect(item.status, item.text).toBe(201);
    const done = await settled(server, t.key, item.body.id, 60_000);
    expect(done.status).toBe('PROCESSED');
    expect(done.chunks_count).toBeGreaterThan(20);

    await server.deps.searchIndex.idle();
    // The upkeep merged pages of entries (the item's chunks went through the pending list), and left none behind.
    expect(server.deps.searchIndex.merged.pages).toBeGreaterThan(0);
    expect(await mergePending()).toBe(0);

    const found = await api.post('/orgs/c/knowledge/search', { query: 'zirconwave policy 42', limit: 3 });
    expect(found.status, found.text).toBe(200);
    expect(found.body.results[0].text).toContain('zirconwave policy number 42');
  });
});
