import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocPages, PARLEY_LOGO_SVG } from '../src/features/docs/index.ts';
import { call, client, seedOrg, startServer, type TestServer } from './harness.ts';

describe('documentation served by the instance', () => {
  let server: TestServer;
  const pages = loadDocPages();
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  it('serves the interactive reference at /docs with assets from the instance itself', async () => {
    const res = await call(server, 'GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('id="swagger-ui"');
    const refs = [...res.text.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    const external = refs.filter((r) => /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(r));
    expect(external, 'assets loaded from elsewhere').toEqual([]);
    expect(res.text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)/);
    const script = refs.find((r) => /swagger-ui-bundle\.js$/.test(r));
    expect(script, refs.join(', ')).toBeDefined();
    const asset = await fetch(new URL(script!, `${server.url}/docs`));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect((await asset.text()).length).toBeGreaterThan(1000);
    for (const ref of refs) {
      const r = await fetch(new URL(ref, `${server.url}/docs`));
      expect(r.status, ref).toBe(200);
      await r.arrayBuffer();
    }
  });

  it('is branded as Parley: its title, logo and favicon, no box to load another document', async () => {
    const page = await call(server, 'GET', '/docs');
    expect(page.text).toContain('<title>Parley API reference</title>');
    expect(page.text).not.toContain('<title>Swagger UI</title>');
    const css = [...page.text.matchAll(/href="([^"]+\.css)"/g)].map((m) => m[1]!);
    const theme = await Promise.all(css.map(async (href) => (await fetch(new URL(href, `${server.url}/docs/`))).text()));
    expect(theme.join('')).toContain('.download-url-wrapper{display:none}');
    const init = await (await fetch(`${server.url}/docs/static/swagger-initializer.js`)).text();
    expect(init).toContain(`data:image/svg+xml;base64,${Buffer.from(PARLEY_LOGO_SVG).toString('base64')}`);
    for (const path of ['/favicon.ico', '/favicon.svg']) {
      const icon = await fetch(`${server.url}${path}`);
      expect(icon.status, path).toBe(200);
      expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    }
    const guides = await call(server, 'GET', '/guides');
    expect(guides.text).toContain('<link rel="icon" href="/favicon.svg"');
    // The sidebar's links line up as one row, not a "·" alone on a line.
    expect(guides.text).toContain('nav .meta a{display:inline}');
  });

  it('lists every docs page in /llms.txt with a Markdown link that answers text/markdown', async () => {
    expect(pages.length).toBeGreaterThan(0);
    const res = await call(server, 'GET', '/llms.txt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toContain(`${server.url}/openapi.json`);
    for (const page of pages) {
      const link = new RegExp(`\\[${page.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\]\\((\\S+/guides/${page.slug}\\.md)\\)`);
      const m = link.exec(res.text);
      expect(m, `${page.slug} is not linked in llms.txt:\n${res.text}`).not.toBeNull();
      const md = await fetch(m![1]!);
      const body = await md.text();
      expect(md.status, m![1]).toBe(200);
      expect(md.headers.get('content-type'), m![1]).toMatch(/^text\/markdown/);
      expect(body.startsWith(`# ${page.title}\n`), body.slice(0, 200)).toBe(true);
    }
  });

  it('serves every page as HTML under /guides and lists them on the index', async () => {
    const index = await call(server, 'GET', '/guides');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    for (const page of pages) {
      expect(index.text).toContain(`href="/guides/${page.slug}"`);
      const res = await call(server, 'GET', `/guides/${page.slug}`);
      expect(res.status, page.slug).toBe(200);
      expect(res.headers.get('content-type'), page.slug).toMatch(/^text\/html/);
      expect(res.text, page.slug).toMatch(/^<!doctype html>/i);
      expect(res.text, page.slug).toContain(`<title>${page.title}`);
      expect(res.text, page.slug).toContain(`href="/guides/${page.slug}.md"`);
    }
  });

  it('lands every link to a section of a guide on that section (headings carry GitHub-style ids)', async () => {
    const links = new Set(pages.flatMap((p) => [...p.markdown.matchAll(/\(\/guides\/([a-z0-9-]+)#([a-z0-9-]+)\)/g)].map((m) => `${m[1]}#${m[2]}`)));
    expect(links.size).toBeGreaterThan(3);
    for (const link of links) {
      const [slug, id] = link.split('#');
      const res = await call(server, 'GET', `/guides/${slug}`);
      expect(res.status, link).toBe(200);
      expect(res.text, link).toMatch(new RegExp(`<h[1-6] id="${id}">`));
    }
  });

  it("shows in Getting started the assistant its example request really creates", async () => {
    const page = pages.find((p) => p.slug === 'getting-started')!.markdown;
    const request = /-d '(\{"name": "Support assistant".*\})'\n```\n\n```json\n([\s\S]*?)\n```/.exec(page);
    expect(request, 'the example request and its response').not.toBeNull();
    const t = await seedOrg(server);
    const created = await client(server, t.key).post('/orgs/c/assistants', JSON.parse(request![1]!));
    expect(created.status).toBe(200);
    const shown = JSON.parse(request![2]!);
    const same = (o: Record<string, unknown>) => ({ ...o, id: 'ID', org_id: 'ORG', created_at: 'T', updated_at: 'T' });
    expect(same(shown)).toEqual(same(created.body));
  });

  it('folds every page into /llms-full.txt', async () => {
    const res = await call(server, 'GET', '/llms-full.txt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    for (const page of pages) {
      expect(res.text, page.slug).toContain(`# ${page.title}\n`);
      expect(res.text, page.slug).toContain(`/guides/${page.slug}.md`);
    }
  });

  it('answers an unknown page with 404 and a message, as HTML or Markdown', async () => {
    for (const path of ['/guides/no-such-page', '/guides/no-such-page.md']) {
      const res = await call(server, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).toEqual({ message: 'Page not found' });
    }
  });

  it('serves every picture a page shows, as PNG, and nothing else from its folder', async () => {
    const images = pages.flatMap((p) => [...p.markdown.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!));
    expect(images.length).toBeGreaterThan(0);
    for (const src of images) {
      const res = await fetch(new URL(src, `${server.url}/guides/dashboard`));
      expect(res.status, src).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect([...new Uint8Array(await res.arrayBuffer()).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    }
    for (const path of ['/guides/images/none.png', '/guides/images/..%2Fdashboard.md', '/guides/images/dashboard.md']) {
      const res = await call(server, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body.message).toBe('Image not found');
    }
  });

  it('redirects / to the guides', async () => {
    const res = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/guides');
  });
});
