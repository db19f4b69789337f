import { createServer, type Server } from 'node:http';
import { sql } from 'drizzle-orm';
import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, client, seedOrg, startServer, type Tenant, type TestServer, settled } from './harness.ts';

type Json = any;

async function upload(server: TestServer, key: string, path: string, file: { name: string; type: string; bytes: Uint8Array }, title?: string) {
  const form = new FormData();
  form.set('file', new Blob([Buffer.from(file.bytes)], { type: file.type }), file.name);
  if (title) form.set('title', title);
  const res = await fetch(server.url + path, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
  return { status: res.status, body: (await res.json()) as Json };
}

async function makePdf(pages: string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const text of pages) doc.addPage().drawText(text, { x: 40, y: 700, size: 12, font });
  return doc.save();
}

async function makeDocx(): Promise<Uint8Array> {
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: 'Warranty policy', heading: HeadingLevel.HEADING_1 }),
          new Paragraph('Every Zephyr bicycle comes with a seven year warranty on the frame.'),
          new Table({
            rows: [
              new TableRow({ children: [new TableCell({ children: [new Paragraph('Part')] }), new TableCell({ children: [new Paragraph('Warranty')] })] }),
              new TableRow({ children: [new TableCell({ children: [new Paragraph('Gears')] }), new TableCell({ children: [new Paragraph('two years')] })] }),
            ],
          }),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

/** A small website on loopback: linked pages, a sitemap, and robots.txt keeping /private out. */
function startSite(): Promise<{ url: string; server: Server; hits: string[] }> {
  const hits: string[] = [];
  const page = (title: string, body: string, links: string[] = []) =>
    `<!doctype html><html><head><title>${title}</title></head><body><nav><a href="/">Home</a></nav><main><h1>${title}</h1><p>${body}</p>${links
      .map((l) => `<a href="${l}">${l}</a>`)
      .join(' ')}</main><footer>Copyright Acme</footer></body></html>`;
  const pages: Record<string, string> = {
    '/': page('Acme Help Center', 'Welcome to the Acme help center for all questions about our rockets.', ['/shipping', '/returns', '/private/secret', '/deep/1']),
    '/shipping': page('Shipping', 'Rockets ship within three business days from our Tucson warehouse.'),
    '/returns': page('Returns', 'Unused rockets can be returned within 45 days for a full refund.'),
    '/private/secret': page('Secret', 'The launch code of the moon base is 424242.'),
    '/deep/1': page('Deep 1', 'Level one.', ['/deep/2']),
    '/deep/2': page('Deep 2', 'Level two.', ['/deep/3']),
    '/deep/3': page('Deep 3', 'Level three holds the anvil catalogue.'),
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    hits.push(path);
    if (path === '/robots.txt') return res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /private/\n');
    if (path === '/sitemap.xml') {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      return res
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${base}/shipping</loc></url><url><loc>${base}/returns</loc></url></urlset>`);
    }
    const html = pages[path];
    if (!html) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server, hits })));
}

/** How many times the item's ingestion job was claimed: 1 when it failed without a retry. */
async function ingestAttempts(server: TestServer, contentId: string): Promise<number[]> {
  const result = await server.deps.database.db.execute(sql`select attempts from jobs where payload->>'content_id' = ${contentId}`);
  // Both drivers answer { rows }, but the Db type is the union of their result types.
  return (result as unknown as { rows: Array<{ attempts: unknown }> }).rows.map((r) => Number(r.attempts));
}

/**
 * The org's stem counts (`knowledge_terms`: added by the ingestion job, subtracted by a trigger) against a recount of
 * its stored chunks: equal after any sequence of writes, re-syncs and deletions. Returns how many stems the org has.
 */
async function expectTermsMatchChunks(server: TestServer, orgId: string): Promise<number> {
  const rows = async (q: ReturnType<typeof sql>) =>
    (((await server.deps.database.db.execute(q)) as unknown as { rows: Array<{ lexeme: string; n: number | string }> }).rows ?? [])
      .map((r) => `${r.lexeme}=${Number(r.n)}`)
      .sort();
  const kept = await rows(sql`select lexeme, chunks as n from knowledge_terms where org_id = ${orgId} and chunks <> 0`);
  const counted = await rows(sql`select u.lexeme, count(*) as n from knowledge_chunks c, unnest(tsvector_to_array(c.tsv)) u(lexeme) where c.org_id = ${orgId} group by 1`);
  expect(kept).toEqual(counted);
  return kept.length;
}

describe('knowledge', () => {
  let server: TestServer;
  /** A server with the default egress policy: no private address allowed. */
  let guarded: TestServer;
  let site: Awaited<ReturnType<typeof startSite>>;
  beforeAll(async () => {
    site = await startSite();
    [server, guarded] = await Promise.all([startServer({ PARLEY_EGRESS_ALLOW: '127.0.0.1/32' }), startServer()]);
  });
  afterAll(async () => {
    await server?.close();
    await guarded?.close();
    site?.server.close();
  });

  async function tenantWithAgent(config: Record<string, unknown> = {}): Promise<Tenant & { agentId: string }> {
    const t = await seedOrg(server);
    const agent = await client(server, t.key).post('/orgs/c/assistants', { name: 'Helper', config });
    return { ...t, agentId: agent.body.id };
  }
  const invoke = (t: Tenant & { agentId: string }, message: string) =>
    call(server, 'POST', `/api/agents/${t.agentId}/invoke`, { key: t.key, json: { message } });

  it('answers from a text item with the fact and its source', async () => {
    const t = await tenantWithAgent();
    const created = await client(server, t.key).post('/orgs/c/knowledge/contents', {
      title: 'Opening hours',
      content: { type: 'TEXT', text: '# Opening hours\n\nThe Lisbon store is open from 10am to 7pm, Monday to Saturday.\n\n# Parking\n\nParking is free for customers.' },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ status: 'PENDING', type: 'TEXT', assistant_id: null, title: 'Opening hours' });
    const done = await settled(server, t.key, created.body.id);
    expect(done).toMatchObject({ status: 'PROCESSED', error: null });
    expect(done.chunks_count).toBeGreaterThan(0);
    expect(done.text).toContain('Lisbon store');

    const res = await invoke(t, 'When is the Lisbon store open?');
    expect(res.status).toBe(200);
    expect(res.body.response).toMatch(/10am to 7pm/);
    expect(res.body.sources[0]).toMatchObject({ knowledge_id: created.body.id, title: 'Opening hours', url: null });
    expect(res.body.sources[0].snippet).toContain('10am');

    const search = await client(server, t.key).post('/orgs/c/knowledge/search', { query: 'parking fees' });
    expect(search.status).toBe(200);
    expect(search.body.mode).toBe('keyword');
    expect(search.body.results[0]).toMatchObject({ content_id: created.body.id, heading_path: ['Parking'], keyword_rank: 1, vector_rank: null });

    const chunks = await client(server, t.key).get(`/orgs/c/knowledge/contents/${created.body.id}/chunks`);
    expect(chunks.headers.get('pagination-count')).toBe(String(done.chunks_count));
    const one = await client(server, t.key).get(`/orgs/c/knowledge/contents/${created.body.id}/chunks/${chunks.body[0].id}`);
    expect(one.body).toMatchObject({ id: chunks.body[0].id, content_id: created.body.id, status: 'PROCESSED' });
    expect((await client(server, t.key).get('/orgs/c/knowledge/stats')).body).toMatchObject({ contents: 1, chunks: done.chunks_count, pending: 0, failed: 0 });
  });

  it('titles an HTML upload with its <title> and keeps its <h1>; shows a PDF\'s text without page markers', async () => {
    const t = await tenantWithAgent();
    const html = `<!doctype html><html><head><title>Returns policy | Acme</title></head><body><main><h1>Returns policy | Acme</h1><p>${'Unused items can be returned within 30 days. '.repeat(6)}</p></main></body></html>`;
    const page = await upload(server, t.key, '/orgs/c/knowledge/contents', { name: 'returns.html', type: 'text/html', bytes: new TextEncoder().encode(html) });
    expect(page.status, JSON.stringify(page.body)).toBe(201);
    const done = await settled(server, t.key, page.body.id);
    expect(done).toMatchObject({ status: 'PROCESSED', title: 'Returns policy | Acme' });
    expect(done.text).toMatch(/^# Returns policy \| Acme\n\nUnused items can be returned within 30 days\./);
    const chunks = await client(server, t.key).get(`/orgs/c/knowledge/contents/${page.body.id}/chunks`);
    expect(chunks.body[0]).toMatchObject({ heading_path: ['Returns policy | Acme'] });
    const found = await client(server, t.key).post('/orgs/c/knowledge/search', { query: 'returned within 30 days', limit: 1 });
    expect(found.body.results[0]).toMatchObject({ content_id: page.body.id, title: 'Returns policy | Acme' });

    // A title given with the upload stays.
    const titled = await upload(server, t.key, '/orgs/c/knowledge/contents', { name: 'returns.html', type: 'text/html', bytes: new TextEncoder().encode(html) }, 'Returns');
    expect(await settled(server, t.key, titled.body.id)).toMatchObject({ status: 'PROCESSED', title: 'Returns' });

    const pdf = await upload(server, t.key, '/orgs/c/knowledge/contents', {
      name: 'manual.pdf',
      type: 'application/pdf',
      bytes: await makePdf(['The Zephyr bicycle weighs nine kilograms.', 'Its battery charges fully in four hours.']),
    });
    const manual = await settled(server, t.key, pdf.body.id);
    expect(manual).toMatchObject({ status: 'PROCESSED', title: 'manual.pdf' });
    expect(manual.text).toBe('The Zephyr bicycle weighs nine kilograms.\n\nIts battery charges fully in four hours.');
    const pieces = (await client(server, t.key).get(`/orgs/c/knowledge/contents/${pdf.body.id}/chunks`)).body as Array<{ text: string; page: number | null; char_start: number; char_end: number }>;
    expect(pieces.length).toBeGreaterThan(0);
    for (const c of pieces) expect(manual.text.slice(c.char_start, c.char_end)).toBe(c.text);
    expect(pieces[0]!.page).toBe(1);
  });

  it('extracts PDF and DOCX uploads and answers from them', async () => {
    const t = await tenantWithAgent();
    const pdf = await upload(server, t.key, '/orgs/c/knowledge/contents', {
      name: 'manual.pdf',
      type: 'application/pdf',
      bytes: await makePdf(['The Zephyr bicycle weighs nine kilograms.', 'Its battery charges fully in four hours.']),
    });
    expect(pdf.status).toBe(201);
    expect(pdf.body).toMatchObject({ type: 'FILE', title: 'manual.pdf', content: { type: 'FILE', file_name: 'manual.pdf' } });
    const docx = await upload(
      server,
      t.key,
      '/orgs/c/knowledge/contents',
      { name: 'warranty.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: await makeDocx() },
      'Warranty',
    );
    expect(docx.status).toBe(201);
    expect((await settled(server, t.key, pdf.body.id)).status).toBe('PROCESSED');
    const warranty = await settled(server, t.key, docx.body.id);
    expect(warranty).toMatchObject({ status: 'PROCESSED', title: 'Warranty' });
    expect(warranty.text).toMatch(/Warranty policy/);

    const battery = await invoke(t, 'How long does the battery take to charge?');
    expect(battery.body.response).toMatch(/four hours/);
    expect(battery.body.sources[0].knowledge_id).toBe(pdf.body.id);
    const frame = await invoke(t, 'How long is the frame warranty?');
    expect(frame.body.response).toMatch(/seven year/);
  });

  it('fails unreadable files and unreachable sites with reasons, and refuses private addresses', async () => {
    const t = await tenantWithAgent();
    const broken = await upload(server, t.key, '/orgs/c/knowledge/contents', {
      name: 'broken.pdf',
      type: 'application/pdf',
      bytes: new TextEncoder().encode('%PDF-1.7 this is not really a pdf'),
    });
    expect(broken.status).toBe(201);
    const failed = await settled(server, t.key, broken.body.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toMatch(/pdf/i);

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    closed.close();
    const unreachable = await client(server, t.key).post('/orgs/c/knowledge/contents', {
      title: 'Gone',
      content: { type: 'URL', url: `http://127.0.0.1:${port}/`, mode: 'single' },
    });
    const gone = await settled(server, t.key, unreachable.body.id);
    expect(gone.status).toBe('FAILED');
    expect(gone.error).toBe(`could not reach http://127.0.0.1:${port}/: connection refused`);
    expect(await ingestAttempts(server, unreachable.body.id)).toEqual([1]);

    const g = await seedOrg(guarded);
    const priv = await client(guarded, g.key).post('/orgs/c/knowledge/contents', {
      title: 'Intranet',
      content: { type: 'URL', url: `${site.url}/`, mode: 'single' },
    });
    const refused = await settled(guarded, g.key, priv.body.id);
    expect(refused.status).toBe('FAILED');
    expect(refused.error).toMatch(/a loopback address.* is not allowed; to crawl it, add \S+ to PARLEY_EGRESS_ALLOW$/);
    expect(await ingestAttempts(guarded, priv.body.id)).toEqual([1]);

    const bad = await client(server, t.key).post('/orgs/c/knowledge/contents', { title: 'x', content: { type: 'URL', url: 'ftp://example.com' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^content\.url: /);
    const noFile = await client(server, t.key).post('/orgs/c/knowledge/contents', { title: 'x', content: { type: 'FILE' } });
    expect(noFile.status).toBe(400);
    expect(noFile.body.message).toMatch(/^file: is required/);
  });

  it('refuses IPv6 literals that carry a loopback address before connecting, unless 127.0.0.1 is allowed', async () => {
    const hits: string[] = [];
    const listener = createServer((req, res) => {
      hits.push(req.url!);
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>Loopback</title></head><body><p>Reached over loopback.</p></body></html>');
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
    const port = (listener.address() as { port: number }).port;
    try {
      const g = await seedOrg(guarded);
      for (const [literal, normalized] of [['::127.0.0.1', '::7f00:1'], ['::ffff:7f00:1', '::ffff:7f00:1']]) {
        const created = await client(guarded, g.key).post('/orgs/c/knowledge/contents', {
          title: literal,
          content: { type: 'URL', url: `http://[${literal}]:${port}/`, mode: 'single' },
        });
        expect(created.status, created.text).toBe(201);
        const done = await settled(guarded, g.key, created.body.id);
        expect(done.status).toBe('FAILED');
        expect(done.error).toBe(`http://[${normalized}]:${port}/ is a loopback address and is not allowed; to crawl it, add ${normalized} to PARLEY_EGRESS_ALLOW`);
        expect(await ingestAttempts(guarded, created.body.id)).toEqual([1]);
      }
      expect(hits).toEqual([]);

      // The same mapped literal does reach the listener when loopback is allowed, so the refusal above is the guard's.
      const t = await seedOrg(server);
      const allowed = await client(server, t.key).post('/orgs/c/knowledge/contents', {
        title: 'mapped',
        content: { type: 'URL', url: `http://[::ffff:7f00:1]:${port}/`, mode: 'single' },
      });
      const reached = await settled(server, t.key, allowed.body.id);
      expect(reached.status, reached.error).toBe('PROCESSED');
      expect(hits).toContain('/');
    } finally {
      listener.close();
    }
  });

  it('crawls a website within its bounds, respecting robots.txt and patterns', async () => {
    const t = await tenantWithAgent();
    const created = await client(server, t.key).post('/orgs/c/knowledge/contents', {
      title: 'Help center',
      content: { type: 'URL', url: `${site.url}/`, mode: 'crawl', max_depth: 2, exclude_path_patterns: ['/returns'] },
    });
    expect(created.status).toBe(201);
    const done = await settled(server, t.key, created.body.id);
    expect(done.status, done.error).toBe('PROCESSED');
    const paths = done.children.map((c: { url: string }) => new URL(c.url).pathname).sort();
    expect(paths).toEqual(['/', '/deep/1', '/deep/2', '/shipping']);
    expect(site.hits).not.toContain('/private/secret');
    expect(done.progress.pages_fetched).toBe(4);
    expect(done.chunks_count).toBeGreaterThanOrEqual(4);

    const res = await invoke(t, 'How fast do rockets ship?');
    expect(res.body.response).toMatch(/three business days/);
    expect(res.body.sources[0].url).toBe(`${site.url}/shipping`);

    const sitemap = await client(server, t.key).post('/orgs/c/knowledge/contents', {
      title: 'From the sitemap',
      content: { type: 'URL', url: `${site.url}/sitemap.xml`, mode: 'sitemap' },
    });
    const listed = await settled(server, t.key, sitemap.body.id);
    expect(listed.children.map((c: { url: string }) => new URL(c.url).pathname).sort()).toEqual(['/returns', '/shipping']);

    // narrowing the crawl re-syncs it and drops pages that no longer match
    const narrowed = await client(server, t.key).patch(`/orgs/c/knowledge/contents/${created.body.id}/url`, {
      include_path_patterns: ['/shipping'],
    });
    expect(narrowed.status).toBe(200);
    const resynced = await settled(server, t.key, created.body.id);
    // the start page is still read for its links, but only matching pages are kept
    expect(resynced.children.map((c: { url: string }) => new URL(c.url).pathname)).toEqual(['/shipping']);

    // The stats count chunks from the items' counters (pages hold them, a website's own counter sums its pages):
    // after crawls, a sitemap and a re-sync that dropped pages, the same number as the chunks stored.
    await client(server, t.key).post('/orgs/c/knowledge/contents', { title: 'Notes', content: { type: 'TEXT', text: 'Rockets ship on Mondays.' } });
    await expect.poll(async () => (await client(server, t.key).get('/orgs/c/knowledge/stats')).body.pending, { timeout: 15_000 }).toBe(0);
    const stats = (await client(server, t.key).get('/orgs/c/knowledge/stats')).body;
    const orgId = (await client(server, t.key).get('/orgs/c')).body.id;
    const stored = await server.deps.database.db.execute(sql`select count(*)::int as n from knowledge_chunks where org_id = ${orgId}`);
    const n = (stored as unknown as { rows: Array<{ n: number }> }).rows[0]!.n;
    expect(n).toBeGreaterThan(resynced.chunks_count + listed.chunks_count);
    expect(stats).toMatchObject({ contents: 3, chunks: n, pending: 0, failed: 0 });
    // The stem counts search reads followed every write and the re-sync's deletions.
    expect(await expectTermsMatchChunks(server, orgId)).toBeGreaterThan(10);
  });

  it('keeps assistant knowledge to its assistant and follows knowledge_scope', async () => {
    const t = await tenantWithAgent();
    const api = client(server, t.key);
    const other = (await api.post('/orgs/c/assistants', { name: 'Other' })).body.id;
    const globalOnly = (await api.post('/orgs/c/assistants', { name: 'Global only', config: { knowledge_scope: 'global' } })).body.id;
    const own = await api.post(`/orgs/c/assistants/${t.agentId}/knowledge/contents`, {
      title: 'VIP desk',
      content: { type: 'TEXT', text: 'The VIP desk phone number is 555-0199.' },
    });
    expect(own.status).toBe(201);
    expect(own.body.assistant_id).toBe(t.agentId);
    await settled(server, t.key, own.body.id);

    const mine = await invoke(t, 'What is the VIP desk phone number?');
    expect(mine.body.response).toMatch(/555-0199/);
    for (const id of [other, globalOnly]) {
      const res = await call(server, 'POST', `/api/agents/${id}/invoke`, { key: t.key, json: { message: 'What is the VIP desk phone number?' } });
      expect(res.body.response).not.toMatch(/555-0199/);
      expect(res.body.sources).toEqual([]);
    }
    expect((await api.get('/orgs/c/knowledge/contents')).body).toEqual([]);
    expect((await api.get(`/orgs/c/assistants/${t.agentId}/knowledge/contents`)).body.map((c: { id: string }) => c.id)).toEqual([own.body.id]);
    expect((await api.get(`/orgs/c/assistants/${other}/knowledge/contents`)).body).toEqual([]);
    const scoped = await api.post('/orgs/c/knowledge/search', { query: 'VIP desk', assistant_id: other });
    expect(scoped.body.results).toEqual([]);

    // another org sees none of it
    const stranger = await seedOrg(server);
    expect((await client(server, stranger.key).get(`/orgs/c/knowledge/contents/${own.body.id}`)).status).toBe(404);
    expect((await client(server, stranger.key).post('/orgs/c/knowledge/search', { query: 'VIP desk' })).body.results).toEqual([]);
    expect((await client(server, stranger.key).del(`/orgs/c/knowledge/contents/${own.body.id}`)).status).toBe(404);

    // deleting the assistant deletes its own knowledge with it (and its stems' counts, by cascade)
    const orgId = (await api.get('/orgs/c')).body.id;
    expect(await expectTermsMatchChunks(server, orgId)).toBeGreaterThan(3);
    expect((await api.del(`/orgs/c/assistants/${t.agentId}`)).status).toBe(200);
    expect(await expectTermsMatchChunks(server, orgId)).toBe(0);
    expect((await api.get(`/orgs/c/knowledge/contents/${own.body.id}`)).status).toBe(404);
    expect((await api.post('/orgs/c/knowledge/search', { query: 'VIP desk' })).body.results).toEqual([]);
  });

  it('stops answering from an item once it is deleted', async () => {
    const t = await tenantWithAgent();
    const api = client(server, t.key);
    const item = await api.post('/orgs/c/knowledge/contents', {
      title: 'Promo',
      content: { type: 'TEXT', text: 'The spring promo code is BLOSSOM25 for a quarter off.' },
    });
    await settled(server, t.key, item.body.id);
    expect((await invoke(t, 'What is the spring promo code?')).body.response).toMatch(/BLOSSOM25/);
    expect((await api.del(`/orgs/c/knowledge/contents/${item.body.id}`)).body).toEqual({ id: item.body.id, deleted: true });
    const after = await invoke(t, 'What is the spring promo code?');
    expect(after.body.response).not.toMatch(/BLOSSOM25/);
    expect(after.body.sources).toEqual([]);
    expect((await api.get(`/orgs/c/knowledge/contents/${item.body.id}`)).status).toBe(404);
    expect((await api.get('/orgs/c/knowledge/stats')).body).toMatchObject({ contents: 0, chunks: 0 });
    // its stems are no longer counted for search
    expect(await expectTermsMatchChunks(server, (await api.get('/orgs/c')).body.id)).toBe(0);
  });

  it("drops a deleted sub-organization's stem counts with its knowledge", async () => {
    const parent = await seedOrg(server);
    const api = client(server, parent.key);
    const sub = (await api.post('/orgs/c/orgs', { name: 'Branch' })).body.id as string;
    const item = await api.post(`/orgs/${sub}/knowledge/contents`, { title: 'Hours', content: { type: 'TEXT', text: 'The branch opens at eight on Saturdays.' } });
    expect(item.status).toBe(201);
    await expect.poll(async () => (await api.get(`/orgs/${sub}/knowledge/contents/${item.body.id}`)).body.status, { timeout: 15_000 }).toBe('PROCESSED');
    expect(await expectTermsMatchChunks(server, sub)).toBeGreaterThan(3);
    expect((await api.del(`/orgs/${parent.orgId}/orgs/${sub}`)).status).toBe(200);
    const left = await server.deps.database.db.execute(sql`select count(*)::int as n from knowledge_terms where org_id = ${sub}`);
    expect((left as unknown as { rows: Array<{ n: number }> }).rows[0]!.n).toBe(0);
  });

  it('updates a text item and processes it again', async () => {
    const t = await tenantWithAgent();
    const api = client(server, t.key);
    const item = await api.post('/orgs/c/knowledge/contents', { title: 'Fee', content: { type: 'TEXT', text: 'The delivery fee is 5 euros.' } });
    await settled(server, t.key, item.body.id);
    const patched = await api.patch(`/orgs/c/knowledge/contents/${item.body.id}`, { text: 'The delivery fee is 7 euros.' });
    expect(patched.body.status).toBe('PENDING');
    const done = await settled(server, t.key, item.body.id);
    expect(done.text).toBe('The delivery fee is 7 euros.');
    expect((await invoke(t, 'How much is the delivery fee?')).body.response).toMatch(/7 euros/);
    const chunks = await api.get(`/orgs/c/knowledge/contents/${item.body.id}/chunks`);
    expect(chunks.body.map((c: { text: string }) => c.text).join(' ')).not.toMatch(/5 euros/);
    // a rename reaches search results (and so the sources of answers) at once
    expect((await api.patch(`/orgs/c/knowledge/contents/${item.body.id}`, { title: 'Delivery pricing' })).body.status).toBe('PROCESSED');
    const found = await api.post('/orgs/c/knowledge/search', { query: 'delivery fee' });
    expect(found.body.results[0]).toMatchObject({ content_id: item.body.id, title: 'Delivery pricing' });
  });

  it('finds a word in new knowledge although it was searched before it existed (word counts follow changes)', async () => {
    const t = await tenantWithAgent();
    const api = client(server, t.key);
    const first = await api.post('/orgs/c/knowledge/contents', { title: 'Hours', content: { type: 'TEXT', text: 'We open at nine on weekdays.' } });
    await settled(server, t.key, first.body.id);
    // Found in no chunk's stem counts yet.
    expect((await api.post('/orgs/c/knowledge/search', { query: 'zorblax warranty' })).body.results).toEqual([]);
    const second = await api.post('/orgs/c/knowledge/contents', { title: 'Zorblax', content: { type: 'TEXT', text: 'The Zorblax stroller has a two-year warranty.' } });
    await settled(server, t.key, second.body.id);
    const found = await api.post('/orgs/c/knowledge/search', { query: 'zorblax warranty' });
    expect(found.body.results[0]).toMatchObject({ content_id: second.body.id });
  });
});
