import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from './harness.ts';
import { durableStorage, exited, startParley, testKey } from './parley-process.ts';

const PAGES = 12;

/** A site whose pages answer slowly, so a crawl is still running when the process is killed. */
function slowSite(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const p = new URL(req.url!, 'http://x').pathname;
    if (p === '/robots.txt') return res.writeHead(404).end();
    const links = Array.from({ length: PAGES }, (_, i) => `<a href="/page/${i}">Page ${i}</a>`).join(' ');
    const body =
      p === '/'
        ? `<h1>Index</h1><p>All the pages of the resume test.</p>${links}`
        : `<h1>Page ${p.split('/').pop()}</h1><p>${'Durable ingestion keeps every chunk exactly once. '.repeat(40)}</p>`;
    setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><head><title>${p}</title></head><body><main>${body}</main></body></html>`), 250);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server })));
}

describe('knowledge ingestion across a killed process', () => {
  let site: Awaited<ReturnType<typeof slowSite>>;
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    site?.server.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('resumes a crawl after SIGKILL and ends with every page and chunk exactly once', { timeout: 90_000 }, async () => {
    site = await slowSite();
    const key = testKey();
    // A short lease: a killed instance's job is taken over quickly by the next one.
    const env: Record<string, string> = { ...(await durableStorage()), PARLEY_BOOTSTRAP_KEY: key, PARLEY_EGRESS_ALLOW: '127.0.0.1/32', PARLEY_JOB_CONCURRENCY: '1', PARLEY_JOB_LEASE_MS: '2000' };
    if (env.PARLEY_DATA_DIR) dirs.push(env.PARLEY_DATA_DIR);

    const first = await startParley(env);
    children.push(first.child);
    const created = await call(first, 'POST', '/orgs/c/knowledge/contents', {
      key,
      json: { title: 'Resume site', content: { type: 'URL', url: `${site.url}/`, mode: 'crawl', max_depth: 1 } },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;

    // kill -9 in the middle of the crawl: some pages stored, others not yet fetched
    for (;;) {
      const item = await call(first, 'GET', `/orgs/c/knowledge/contents/${id}`, { key });
      if ((item.body.progress.pages_fetched ?? 0) >= 3) break;
      expect(item.body.status).not.toBe('PROCESSED');
      await new Promise((r) => setTimeout(r, 30));
    }
    first.child.kill('SIGKILL');
    await exited(first.child);

    const second = await startParley(env);
    children.push(second.child);
    let item;
    const deadline = Date.now() + 60_000;
    do {
      await new Promise((r) => setTimeout(r, 100));
      item = await call(second, 'GET', `/orgs/c/knowledge/contents/${id}`, { key });
    } while (!['PROCESSED', 'FAILED'].includes(item.body.status) && Date.now() < deadline);
    expect(item.body.status, item.body.error).toBe('PROCESSED');

    const urls = item.body.children.map((c: { url: string }) => c.url);
    expect(urls.length).toBe(PAGES + 1);
    expect(new Set(urls).size).toBe(urls.length);
    const chunks = await call(second, 'GET', `/orgs/c/knowledge/contents/${id}/chunks?take=100`, { key });
    const positions = chunks.body.map((c: { content_id: string; chunk_index: number }) => `${c.content_id}#${c.chunk_index}`);
    expect(Number(chunks.headers.get('pagination-count'))).toBe(positions.length);
    expect(new Set(positions).size).toBe(positions.length);
    expect(positions.length).toBe(item.body.chunks_count);
    const perPage = item.body.children.reduce((n: number, c: { chunks_count: number }) => n + c.chunks_count, 0);
    expect(perPage).toBe(item.body.chunks_count);
    second.child.kill('SIGTERM');
    await exited(second.child);
  });
});
