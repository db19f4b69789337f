import { readdirSync, readFileSync } from 'node:fs';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { embedMany } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosine, EMBEDDING_DIMENSIONS, embeddedInputs, embedText, type FakeEmbeddings, startFakeEmbeddings } from './fakes/embeddings-fake.ts';
import { client, ENGINE, freshDatabase, seedOrg, startServer, type Tenant, type TestServer, settled } from './harness.ts';

// Retrieval quality on a labelled set (test/fixtures/retrieval): 15 support documents of one
// fictional company and 64 questions, about half sharing words with the passage that answers them
// ("lexical"), half worded differently ("paraphrase"). A question is a hit when any of the top 5
// results comes from one of its expected documents. Keyword search is measured on every engine;
// hybrid only where search answers mode "hybrid" (PGlite bundles pgvector; a PostgreSQL server
// without the extension stays keyword-only). The floors sit a little below the measured figures:
// they are the regression guard, so raise them when retrieval improves.
// Measured (PGlite): keyword recall@5 0.91 (lexical 1.00, paraphrase 0.83), MRR 0.78;
// hybrid recall@5 0.94 (lexical 1.00, paraphrase 0.89), MRR 0.82. (Before the query's expansion with
// synonyms at a lower weight: keyword 0.88-0.89 / paraphrase 0.77-0.80 / MRR 0.75-0.76, hybrid 0.91;
// before idf ordering of keyword candidates: keyword 0.73 / MRR 0.58, hybrid 0.88 / MRR 0.70.)
// Equal scores are ordered by random ids, so figures move by about 0.02 between runs.
const FLOORS = {
  keyword: { recall: 0.87, lexicalRecall: 0.95, mrr: 0.72 },
  hybrid: { recall: 0.9, paraphraseRecall: 0.8, mrr: 0.76 },
};
const LIMIT = 5;

type Json = any;
type Kind = 'lexical' | 'paraphrase';
interface Question {
  question: string;
  expected: string[];
  kind: Kind;
}

const FIXTURES = new URL('./fixtures/retrieval/', import.meta.url);
const DOCS = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((file) => {
    const text = readFileSync(new URL(file, FIXTURES), 'utf8');
    return { file, text, title: /^#\s+(.+)$/m.exec(text)![1]!.trim() };
  });
const QUESTIONS: Question[] = JSON.parse(readFileSync(new URL('questions.json', FIXTURES), 'utf8'));

interface Corpus {
  server: TestServer;
  tenant: Tenant;
  /** content id -> fixture file name */
  files: Map<string, string>;
  chunks: number;
}

/** Adds every fixture document as a TEXT item (title = its first heading) and waits until all are processed. */
async function ingest(server: TestServer): Promise<Corpus> {
  const tenant = await seedOrg(server);
  const api = client(server, tenant.key);
  const files = new Map<string, string>();
  for (const doc of DOCS) {
    const res = await api.post('/orgs/c/knowledge/contents', { title: doc.title, content: { type: 'TEXT', text: doc.text } });
    if (res.status !== 201) throw new Error(`add ${doc.file}: ${res.status} ${res.text}`);
    files.set(res.body.id, doc.file);
  }
  let chunks = 0;
  for (const [id, file] of files) {
    const done = await settled(server, tenant.key, id);
    if (done.status !== 'PROCESSED') throw new Error(`${file} ended ${done.status}: ${done.error}`);
    chunks += done.chunks_count;
  }
  return { server, tenant, files, chunks };
}

interface Outcome {
  q: Question;
  /** 1-based rank of the first result from an expected document; null when none in the top LIMIT. */
  rank: number | null;
  top: string[];
}

interface Measured {
  mode: string;
  outcomes: Outcome[];
  results: Json[][];
}

async function measure(c: Corpus): Promise<Measured> {
  const api = client(c.server, c.tenant.key);
  const modes = new Set<string>();
  const outcomes: Outcome[] = [];
  const results: Json[][] = [];
  for (const q of QUESTIONS) {
    const res = await api.post('/orgs/c/knowledge/search', { query: q.question, limit: LIMIT });
    if (res.status !== 200) throw new Error(`search ${JSON.stringify(q.question)}: ${res.status} ${res.text}`);
    modes.add(res.body.mode);
    const top = (res.body.results as Json[]).map((r) => c.files.get(r.content_id) ?? `?${r.content_id}`);
    const i = top.findIndex((f) => q.expected.includes(f));
    outcomes.push({ q, rank: i < 0 ? null : i + 1, top });
    results.push(res.body.results);
  }
  expect([...modes], 'one search mode per server').toHaveLength(1);
  return { mode: [...modes][0]!, outcomes, results };
}

function scores(outcomes: Outcome[], kind?: Kind): { recall: number; mrr: number } {
  const some = outcomes.filter((o) => !kind || o.q.kind === kind);
  const recall = some.filter((o) => o.rank !== null).length / some.length;
  const mrr = some.reduce((sum, o) => sum + (o.rank ? 1 / o.rank : 0), 0) / some.length;
  return { recall, mrr };
}

const f2 = (x: number) => x.toFixed(2);
function line(name: string, m: Measured): string {
  const all = scores(m.outcomes);
  const lex = scores(m.outcomes, 'lexical');
  const para = scores(m.outcomes, 'paraphrase');
  return (
    `${name.padEnd(7)} recall@${LIMIT} ${f2(all.recall)} (lexical ${f2(lex.recall)}, paraphrase ${f2(para.recall)}), ` +
    `MRR ${f2(all.mrr)} (lexical ${f2(lex.mrr)}, paraphrase ${f2(para.mrr)})`
  );
}
/** The questions missed, for the failure message of a floor. */
function misses(m: Measured): string {
  const lines = m.outcomes
    .filter((o) => o.rank === null)
    .map((o) => `  [${o.q.kind}] ${o.q.question} -> wanted ${o.q.expected.join(' | ')}, got ${[...new Set(o.top)].join(', ') || 'nothing'}`);
  return `\n${lines.join('\n')}\n`;
}

describe(`retrieval quality on ${ENGINE} (${DOCS.length} documents, ${QUESTIONS.length} questions)`, () => {
  let fake: FakeEmbeddings;
  let keyword: Corpus;
  let hybrid: Corpus;
  let measuredKeyword: Measured | undefined;
  /** Texts embedded while ingesting: none only where the database has no vector column. */
  let ingestEmbeddings = 0;

  beforeAll(async () => {
    fake = await startFakeEmbeddings({ apiKey: 'sk-fake-embed' });
    // Both servers search the same chunks, so the comparison isolates ranking (and ingestion runs
    // once): the embedding server ingests, then a keyword-only server starts on the same database.
    const database = await freshDatabase();
    const hybridServer = await startServer(
      {
        PARLEY_EMBEDDING_MODEL: 'openai-compatible/fake-embed',
        OPENAI_COMPATIBLE_BASE_URL: fake.url,
        OPENAI_COMPATIBLE_API_KEY: 'sk-fake-embed',
      },
      { database: { ...database, close: async () => {} } }, // the keyword server closes it
    );
    hybrid = await ingest(hybridServer);
    ingestEmbeddings = embeddedInputs(fake).length;
    keyword = { ...hybrid, server: await startServer({}, { database }) };
  });
  afterAll(async () => {
    await hybrid?.server.close();
    await keyword?.server.close();
    await fake?.close();
  });

  it('has a labelled set that points at real documents', () => {
    const files = new Set(DOCS.map((d) => d.file));
    expect(DOCS.length).toBeGreaterThanOrEqual(12);
    expect(QUESTIONS.length).toBeGreaterThanOrEqual(40);
    for (const kind of ['lexical', 'paraphrase'] as const) expect(QUESTIONS.filter((q) => q.kind === kind).length).toBeGreaterThanOrEqual(20);
    for (const q of QUESTIONS) for (const f of q.expected) expect(files, q.question).toContain(f);
    expect(keyword.chunks).toBeGreaterThan(DOCS.length); // some documents span several chunks
  });

  it('serves embeddings in OpenAI wire format to the AI SDK, with a model that knows synonyms', async () => {
    const model = createOpenAICompatible({ name: 'check', baseURL: fake.url, apiKey: 'sk-fake-embed' }).textEmbeddingModel('fake-embed');
    const { embeddings, usage } = await embedMany({ model, values: ['How do I get my money back?', 'Refunds go to your card.', 'Reset your password.'], maxRetries: 0 });
    expect(embeddings.map((e) => e.length)).toEqual([EMBEDDING_DIMENSIONS, EMBEDDING_DIMENSIONS, EMBEDDING_DIMENSIONS]);
    expect(Math.hypot(...embeddings[0]!)).toBeCloseTo(1, 6);
    expect(usage.tokens).toBeGreaterThan(0);
    expect(cosine(embeddings[0]!, embeddings[1]!)).toBeGreaterThan(cosine(embeddings[0]!, embeddings[2]!));
    expect(fake.requests.at(-1)).toMatchObject({ path: '/v1/embeddings', headers: { authorization: 'Bearer sk-fake-embed' }, body: { model: 'fake-embed', encoding_format: 'float' } });

    // What the SDK never sends but the real API accepts: base64 (little-endian float32) and `dimensions`.
    const raw = await fetch(`${fake.url}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-fake-embed' },
      body: JSON.stringify({ model: 'fake-embed', input: 'ship it', encoding_format: 'base64', dimensions: 64 }),
    });
    const body = (await raw.json()) as Json;
    expect(body).toMatchObject({ object: 'list', model: 'fake-embed', data: [{ object: 'embedding', index: 0 }], usage: { prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) } });
    const bytes = Buffer.from(body.data[0].embedding, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toHaveLength(64);
    embedText('ship it', 64).forEach((x, i) => expect(decoded[i]).toBeCloseTo(x, 6));
    const bad = await fetch(`${fake.url}/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-fake-embed' }, body: JSON.stringify({ model: 'fake-embed' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).error).toMatchObject({ type: 'invalid_request_error', param: 'input' });
  });

  it(`keyword search finds the answering document in the top ${LIMIT}`, async () => {
    const m = await measure(keyword);
    measuredKeyword = m;
    expect(m.mode).toBe('keyword');
    console.log(`retrieval on ${ENGINE}: ${line('keyword', m)}`);
    const all = scores(m.outcomes);
    expect(all.recall, `keyword recall@5; missed:${misses(m)}`).toBeGreaterThanOrEqual(FLOORS.keyword.recall);
    expect(all.mrr, 'keyword MRR').toBeGreaterThanOrEqual(FLOORS.keyword.mrr);
    expect(scores(m.outcomes, 'lexical').recall, `keyword lexical recall@5; missed:${misses(m)}`).toBeGreaterThanOrEqual(FLOORS.keyword.lexicalRecall);
  });

  it(`hybrid search (keyword + embeddings, reciprocal rank fusion) does better than keyword alone`, async (ctx) => {
    const m = await measure(hybrid);
    if (m.mode !== 'hybrid') {
      // Search also falls back to keyword when the embedding call fails; that must fail here, not skip.
      expect(ENGINE, 'PGlite bundles pgvector, so search must be hybrid').not.toBe('pglite');
      expect(ingestEmbeddings, 'chunks were embedded, so pgvector is present and search must be hybrid').toBe(0);
      console.log(`retrieval on ${ENGINE}: hybrid not measured: search answers mode "${m.mode}" (no pgvector on this engine), so only keyword is held to its floor`);
      ctx.skip(`no pgvector on ${ENGINE}: search is keyword-only`);
    }
    // The embeddings endpoint really served both ingestion (every chunk) and search (every question).
    const inputs = embeddedInputs(fake);
    expect(inputs.length).toBeGreaterThanOrEqual(hybrid.chunks + QUESTIONS.length);
    for (const q of QUESTIONS) expect(inputs).toContain(q.question);
    expect(m.results.flat().some((r) => r.vector_rank !== null && r.keyword_rank === null), 'some results found by embeddings alone').toBe(true);

    const k = measuredKeyword ?? (await measure(keyword));
    console.log(`retrieval on ${ENGINE}: ${line('keyword', k)}\nretrieval on ${ENGINE}: ${line('hybrid', m)}`);
    const all = scores(m.outcomes);
    expect(all.recall, `hybrid recall@5; missed:${misses(m)}`).toBeGreaterThanOrEqual(FLOORS.hybrid.recall);
    expect(all.mrr, 'hybrid MRR').toBeGreaterThanOrEqual(FLOORS.hybrid.mrr);
    expect(scores(m.outcomes, 'paraphrase').recall, `hybrid paraphrase recall@5; missed:${misses(m)}`).toBeGreaterThanOrEqual(FLOORS.hybrid.paraphraseRecall);
    expect(all.recall, 'hybrid recall@5 vs keyword').toBeGreaterThanOrEqual(scores(k.outcomes).recall);
    // Better on paraphrases: ranked higher (MRR, by ~0.1 here) and found no less often. Recall alone differs by one
    // question, which keyword search sometimes also finds: its ties are broken by (random) chunk ids.
    expect(scores(m.outcomes, 'paraphrase').recall, 'hybrid vs keyword recall on paraphrases').toBeGreaterThanOrEqual(scores(k.outcomes, 'paraphrase').recall);
    expect(scores(m.outcomes, 'paraphrase').mrr, 'hybrid vs keyword MRR on paraphrases').toBeGreaterThan(scores(k.outcomes, 'paraphrase').mrr);
  });
});
