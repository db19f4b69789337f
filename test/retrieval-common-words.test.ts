import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRetriever, type KeywordBounds } from '../src/features/knowledge/retrieval.ts';
import { createMemoryCacheStore } from '../src/infra/cache/memory-cache.ts';
import { client, seedOrg, settled, startServer, type Tenant, type TestServer } from './harness.ts';

// Questions made only of words that many chunks hold take a bounded path in the keyword search
// (src/features/knowledge/retrieval.ts, COMMON_CANDIDATES). At the real bounds that needs hundreds of chunks per
// word; a retriever over the same database with narrowed bounds reaches it with a few: a word in 3 or more
// chunks is common here.
describe('knowledge search over common words', () => {
  let server: TestServer;
  let tenant: Tenant;
  const ids = { lantern: [] as string[], harbor: [] as string[], both: [] as string[], beacon: [] as string[] };

  beforeAll(async () => {
    server = await startServer();
    tenant = await seedOrg(server);
    const api = client(server, tenant.key);
    const add = async (kind: keyof typeof ids, texts: string[]) => {
      const items = [];
      for (const [i, text] of texts.entries()) {
        const res = await api.post('/orgs/c/knowledge/contents', { title: `${kind} ${i}`, content: { type: 'TEXT', text } });
        expect(res.status, res.text).toBe(201);
        items.push(res.body.id as string);
      }
      for (const id of items) expect((await settled(server, tenant.key, id, 60_000)).status).toBe('PROCESSED');
      ids[kind].push(...items);
    };
    // One chunk per item. The chunks holding both words are written last: in the table's order, which is the order a
    // bounded scan meets them, they come after every chunk holding only one of the words.
    await add(
      'lantern',
      Array.from({ length: 5 }, (_, i) => `The lantern lantern lantern model ${i} is sold with a lantern stand and a lantern bag.`),
    );
    await add('harbor', Array.from({ length: 5 }, (_, i) => `Pickup at the harbor office ${i}: the harbor desk opens at nine.`));
    await add('beacon', Array.from({ length: 3 }, (_, i) => `The beacon kit ${i} blinks red when its battery is low.`));
    await add('both', Array.from({ length: 2 }, (_, i) => `Order ${i}: a lantern can be collected at the harbor office.`));
  }, 180_000);
  afterAll(async () => server?.close());

  const search = async (query: string, bounds: Partial<KeywordBounds>) => {
    const retriever = createRetriever({ db: server.deps.database.db, events: server.deps.events, caches: createMemoryCacheStore(), bounds });
    const { results } = await retriever.search({ orgId: tenant.orgId, query, limit: 10 });
    return results.map((r) => r.content_id);
  };

  it('puts the few chunks holding all the words first, before a sample of chunks holding any', async () => {
    // Two chunks hold both words, fewer than the search wants, so it also samples chunks holding either: the first
    // four in the table's order, which are all "lantern" ones. The two must still lead.
    const found = await search('lantern harbor', { dfCap: 3, commonCandidates: 4 });
    expect(new Set(found.slice(0, 2))).toEqual(new Set(ids.both));
    expect(found).toHaveLength(6);
    for (const id of found.slice(2)) expect(ids.lantern).toContain(id);
  });

  it('weighs a common word by how many chunks hold it: the rarer one ranks first', async () => {
    // "beacon" is in 3 chunks, "lantern" in 7 (and repeated, so its chunks have the higher ts_rank): both are common
    // at these bounds, neither chunk holds both, and the rarer word's chunks lead.
    const found = await search('lantern beacon', { dfCap: 3, commonCandidates: 100 });
    expect(new Set(found.slice(0, 3))).toEqual(new Set(ids.beacon));
    expect(found.slice(3).every((id) => ids.lantern.includes(id) || ids.both.includes(id))).toBe(true);
  });

  it('finds the same through the API, at the real bounds, where both words are rare', async () => {
    const res = await client(server, tenant.key).post('/orgs/c/knowledge/search', { query: 'lantern harbor', limit: 3 });
    expect(res.status, res.text).toBe(200);
    expect(new Set(res.body.results.slice(0, 2).map((r: { content_id: string }) => r.content_id))).toEqual(new Set(ids.both));
  });
});

// Searches remember each word's chunk count per org (src/features/knowledge/retrieval.ts, termCounts) until the org's
// knowledge changes.
describe('knowledge search after new knowledge arrives', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PARLEY_CACHE_TTL_MS: '600000' });
  });
  afterAll(async () => server?.close());

  it('finds a word it had searched for in vain once an item brings it', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const first = await api.post('/orgs/c/knowledge/contents', { title: 'Hours', content: { type: 'TEXT', text: 'The shop opens at nine on weekdays.' } });
    expect((await settled(server, t.key, first.body.id, 60_000)).status).toBe('PROCESSED');
    const before = await api.post('/orgs/c/knowledge/search', { query: 'zephyrine lamp', limit: 3 });
    expect(before.status, before.text).toBe(200);
    expect(before.body.results).toEqual([]);

    const second = await api.post('/orgs/c/knowledge/contents', { title: 'Lamps', content: { type: 'TEXT', text: 'The zephyrine lamp ships in two days.' } });
    expect((await settled(server, t.key, second.body.id, 60_000)).status).toBe('PROCESSED');
    const after = await api.post('/orgs/c/knowledge/search', { query: 'zephyrine lamp', limit: 3 });
    expect(after.status, after.text).toBe(200);
    expect(after.body.results[0]?.content_id).toBe(second.body.id);
  });
});
