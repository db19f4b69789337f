import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEgressDispatcher, createEgressFetch, createEgressPolicy } from '../../../infra/egress/egress.ts';
import { htmlPage, redirect, startTestSite, type Route, type TestSite } from './crawl-test-site.ts';
import { CrawlError, crawlSite, type CrawledPage, type CrawlOptions } from './index.ts';

const loopbackFetch = createEgressFetch(createEgressDispatcher(createEgressPolicy(['127.0.0.1/32'])));

function hugePage(): Route {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }); // no Content-Length: the cap must hold while streaming
    const mb = `<p>${'x'.repeat(1024 * 1024)}</p>`;
    for (let i = 0; i < 6; i++) res.write(mb);
    res.end();
  };
}

const NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"';
const urlset = (urls: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><urlset ${NS}>${urls.map((u) => `<url><loc>${u.replace(/&/g, '&amp;')}</loc></url>`).join('')}</urlset>`;
const sitemapIndex = (urls: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><sitemapindex ${NS}>${urls.map((u) => `<sitemap><loc>${u}</loc></sitemap>`).join('')}</sitemapindex>`;

function siteRoutes(other: string) {
  return (origin: string): Record<string, Route> => ({
    '/robots.txt': { type: 'text/plain', body: 'User-agent: *\nDisallow: /private/\n' },
    '/': {
      body: htmlPage('Home', [
        '/a', '/a#x', '/a?', 'a?#y', '/a?x=1', '/b', '/old', '/admin/panel', '/admin/panel/deep', '/private/secret',
        '/file.pdf', '/report', '/away', '/broken', '/huge', '/deep/1', 'mailto:help@example.com',
        'javascript:void(0)', 'http://example.invalid/elsewhere', '#top',
      ]),
    },
    '/a': { body: htmlPage('A', ['/', '/b']) },
    '/a?x=1': { body: htmlPage('A with a query') },
    '/b': { body: htmlPage('B') },
    '/old': redirect('/b'),
    '/admin/panel': { body: htmlPage('Admin') },
    '/admin/panel/deep': { body: htmlPage('Admin deep') },
    '/private/secret': { body: htmlPage('Secret') },
    '/file.pdf': { type: 'application/pdf', body: '%PDF-1.4' },
    '/report': { type: 'application/pdf', body: '%PDF-1.4' },
    '/away': redirect(`${other}/landing`, 302),
    '/go-other': redirect(`${other}/landing`, 302),
    '/broken': { status: 500, body: 'oops' },
    '/huge': hugePage(),
    ...Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [`/deep/${i + 1}`, { body: htmlPage(`Deep ${i + 1}`, [`/deep/${i + 2}`]) }]),
    ),
    '/docs/': { body: htmlPage('Docs', ['/docs/intro', '/docs/guide/setup', '/blog/news']) },
    '/docs/intro': { body: htmlPage('Intro') },
    '/docs/guide/setup': { body: htmlPage('Setup') },
    '/blog/news': { body: htmlPage('News') },
    '/sitemap.xml': { type: 'application/xml', body: urlset([origin, `${origin}/a`, `${origin}/b#frag`, `${origin}/private/secret`, `${origin}/admin/panel`, `${origin}/file.pdf`, `${other}/landing`]) },
    '/sitemap-index.xml': { type: 'application/xml', body: sitemapIndex([`${origin}/sitemap-1.xml`, `${origin}/sitemap-nested.xml`, `${origin}/sitemap-missing.xml`]) },
    '/sitemap-1.xml': { type: 'text/xml', body: urlset([`${origin}/s1/page`, `${origin}/s1/other`]) },
    '/sitemap-nested.xml': { type: 'text/xml', body: sitemapIndex([`${origin}/sitemap-2.xml.gz`]) },
    '/sitemap-2.xml.gz': { type: 'application/gzip', body: gzipSync(urlset([`${origin}/s2/page`])) },
    '/s1/page': { body: htmlPage('S1 page', ['/s1/linked']) },
    '/s1/other': { body: htmlPage('S1 other') },
    '/s2/page': { body: htmlPage('S2 page') },
    '/base': { body: `<html><head><base href="${origin}/docs/"></head><body><a href="intro">intro</a></body></html>` },
  });
}

let site: TestSite;
let other: TestSite;

beforeAll(async () => {
  other = await startTestSite(() => ({ '/landing': { body: htmlPage('Elsewhere') }, '/robots.txt': { type: 'text/plain' } }));
  site = await startTestSite(siteRoutes(other.origin));
});
afterAll(async () => {
  await site?.close();
  await other?.close();
});

async function crawl(overrides: Partial<CrawlOptions> & { url: string }) {
  const pages: CrawledPage[] = [];
  const summary = await crawlSite({
    mode: 'crawl',
    maxPages: 50,
    maxDepth: 3,
    fetch: loopbackFetch,
    onPage: async (page) => void pages.push(page),
    ...overrides,
  });
  const paths = pages.map((p) => p.url.replace(site.origin, '')).sort();
  return { summary, pages, paths };
}

describe('crawl mode', () => {
  it('follows same-site links within depth, patterns and robots.txt, skipping what is not a page', async () => {
    const otherHitsBefore = other.hits.length;
    const { summary, paths, pages } = await crawl({ url: `${site.origin}/`, excludePatterns: ['/admin/*'] });

    expect(paths).toEqual(['/', '/a', '/a?x=1', '/b', '/deep/1', '/deep/2', '/deep/3']);
    // admin x2 (pattern), private (robots), file.pdf (extension), report (PDF type), away (other site), huge (size)
    expect(summary).toEqual({ pages: 7, skipped: 7, failed: 1, robotsDisallowed: 1 });
    expect(pages.find((p) => p.url === `${site.origin}/`)).toMatchObject({ depth: 0, contentType: 'text/html; charset=utf-8' });
    expect(pages.find((p) => p.url.endsWith('/deep/3'))?.depth).toBe(3);
    expect(pages.find((p) => p.url.endsWith('/b'))?.html).toContain('<h1>B</h1>');
    expect(site.hitsOf('/deep/4')).toBe(0);
    expect(site.hitsOf('/private/secret')).toBe(0);
    expect(site.hitsOf('/admin/panel') + site.hitsOf('/admin/panel/deep')).toBe(0);
    expect(site.hitsOf('/file.pdf')).toBe(0);
    expect(other.hits.slice(otherHitsBefore)).toEqual([]);
  });

  it('fetches each page once: fragments, an empty query and a redirect to a known page collapse', async () => {
    const before = { a: site.hitsOf('/a'), b: site.hitsOf('/b'), robots: site.hitsOf('/robots.txt') };
    await crawl({ url: `${site.origin}/`, maxDepth: 1 });
    expect(site.hitsOf('/a') - before.a).toBe(1);
    expect(site.hitsOf('/b') - before.b).toBe(1);
    expect(site.hitsOf('/robots.txt') - before.robots).toBe(1);
  });

  it('hands over no more than maxPages pages', async () => {
    const { summary, pages } = await crawl({ url: `${site.origin}/`, maxPages: 3 });
    expect(summary.pages).toBe(3);
    expect(pages).toHaveLength(3);
  });

  it('fetches an out-of-pattern start page for its links but hands over only matching pages', async () => {
    const { summary, paths } = await crawl({ url: `${site.origin}/`, includePatterns: ['/deep/*'], maxDepth: 4 });
    expect(paths).toEqual(['/deep/1', '/deep/2', '/deep/3', '/deep/4']);
    expect(summary.pages).toBe(4);
  });

  it('treats a trailing /* as the whole folder, nested paths included', async () => {
    const { paths } = await crawl({ url: `${site.origin}/docs/`, includePatterns: ['/docs/*'] });
    expect(paths).toEqual(['/docs/', '/docs/guide/setup', '/docs/intro']);
  });

  it('resolves links against <base href>', async () => {
    const { paths } = await crawl({ url: `${site.origin}/base`, maxDepth: 1 });
    expect(paths).toEqual(['/base', '/docs/intro']);
  });

  it('passes over pages the caller already has while still following their links', async () => {
    const { summary, paths } = await crawl({
      url: `${site.origin}/deep/1`,
      shouldSkip: (url) => url.endsWith('/deep/1') || url.endsWith('/deep/2'),
    });
    expect(paths).toEqual(['/deep/3', '/deep/4']);
    expect(summary).toMatchObject({ pages: 2, skipped: 2 });
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const run = crawl({
      url: `${site.origin}/`,
      signal: controller.signal,
      onPage: async () => controller.abort(new Error('stopped by test')),
    });
    await expect(run).rejects.toThrow('stopped by test');
  });

  it('fails with a reason when nothing matches the patterns', async () => {
    const run = crawl({ url: `${site.origin}/`, includePatterns: ['/nothing/**'] });
    await expect(run).rejects.toThrow(CrawlError);
    await expect(run).rejects.toThrow(/no pages could be collected .* outside the include\/exclude path patterns/);
  });
});

describe('single mode', () => {
  it('collects the one page and ignores its links', async () => {
    const { summary, paths } = await crawl({ url: `${site.origin}/a`, mode: 'single' });
    expect(paths).toEqual(['/a']);
    expect(summary).toEqual({ pages: 1, skipped: 0, failed: 0, robotsDisallowed: 0 });
  });

  it('lets the start URL redirect to another site, which then defines the site', async () => {
    const { pages } = await crawl({ url: `${site.origin}/go-other`, mode: 'single' });
    expect(pages.map((p) => p.url)).toEqual([`${other.origin}/landing`]);
  });

  it('refuses a start URL disallowed by robots.txt', async () => {
    const run = crawl({ url: `${site.origin}/private/secret`, mode: 'single' });
    await expect(run).rejects.toThrow(/disallowed for ParleyBot by .*robots\.txt/);
  });
});

describe('start URL failures', () => {
  it('refuses a private address unless the egress policy allows it', async () => {
    const run = crawl({ url: `${site.origin}/`, fetch: createEgressFetch(createEgressDispatcher(createEgressPolicy([]))) });
    await expect(run).rejects.toThrow(CrawlError);
    await expect(run).rejects.toThrow(`${site.origin}/ is a loopback address and is not allowed; to crawl it, add 127.0.0.1 to PARLEY_EGRESS_ALLOW`);
  });

  it('reports an HTTP error status', async () => {
    const run = crawl({ url: `${site.origin}/missing` });
    await expect(run).rejects.toThrow(`${site.origin}/missing answered HTTP 404`);
    await expect(run).rejects.toMatchObject({ name: 'CrawlError', retryable: false });
  });

  it('reports a refused connection as not worth retrying', async () => {
    const closed = await startTestSite(() => ({}));
    await closed.close();
    const run = crawl({ url: `${closed.origin}/` });
    await expect(run).rejects.toThrow(`could not reach ${closed.origin}/: connection refused`);
    await expect(run).rejects.toMatchObject({ retryable: false });
  });

  it('refuses a page that is not HTML', async () => {
    await expect(crawl({ url: `${site.origin}/report`, mode: 'single' })).rejects.toThrow('is not an HTML page (application/pdf)');
  });

  it('treats a robots.txt answering 5xx as closing the site (RFC 9309)', async () => {
    const down = await startTestSite(() => ({ '/robots.txt': { status: 503 }, '/': { body: htmlPage('Home') } }));
    try {
      const run = crawl({ url: `${down.origin}/` });
      await expect(run).rejects.toThrow(/robots\.txt answered HTTP 503/);
      await expect(run).rejects.toMatchObject({ retryable: true });
      expect(down.hitsOf('/')).toBe(0);
    } finally {
      await down.close();
    }
  });

  it('treats a missing robots.txt as allowing everything', async () => {
    const open = await startTestSite(() => ({ '/': { body: htmlPage('Home') } }));
    try {
      const { summary } = await crawl({ url: `${open.origin}/`, mode: 'single' });
      expect(summary.pages).toBe(1);
    } finally {
      await open.close();
    }
  });
});

describe('sitemap mode', () => {
  it('collects the listed same-site pages within patterns and robots.txt, without following links', async () => {
    const otherHitsBefore = other.hits.length;
    const { summary, pages, paths } = await crawl({ url: `${site.origin}/sitemap.xml`, mode: 'sitemap', excludePatterns: ['/admin/*'] });
    expect(paths).toEqual(['/', '/a', '/b']);
    expect(pages.every((p) => p.depth === 1)).toBe(true);
    // private (robots), admin (pattern), file.pdf (extension), the other site's page
    expect(summary).toEqual({ pages: 3, skipped: 4, failed: 0, robotsDisallowed: 1 });
    expect(other.hits.slice(otherHitsBefore)).toEqual([]);
  });

  it('walks nested sitemap indexes, gzip included, and counts a missing sitemap as failed', async () => {
    const { summary, paths } = await crawl({ url: `${site.origin}/sitemap-index.xml`, mode: 'sitemap' });
    expect(paths).toEqual(['/s1/other', '/s1/page', '/s2/page']);
    expect(summary).toMatchObject({ pages: 3, failed: 1 });
    expect(site.hitsOf('/s1/linked')).toBe(0);
  });

  it('stops at maxPages', async () => {
    const { summary } = await crawl({ url: `${site.origin}/sitemap-index.xml`, mode: 'sitemap', maxPages: 2 });
    expect(summary.pages).toBe(2);
  });

  it('refuses a document that is not a sitemap', async () => {
    await expect(crawl({ url: `${site.origin}/a`, mode: 'sitemap' })).rejects.toThrow(/is not a sitemap/);
  });

  it('explains an empty result', async () => {
    const run = crawl({ url: `${site.origin}/sitemap.xml`, mode: 'sitemap', includePatterns: ['/private/**'] });
    await expect(run).rejects.toThrow(/no pages could be collected .*: .*disallowed by robots\.txt/);
  });
});
