import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseSitemap, sitemapText, walkSitemaps, type Sitemap } from './sitemap.ts';

describe('parseSitemap', () => {
  it('reads a urlset, decoding entities and trimming locations', () => {
    const xml = `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc> https://s.example/a?x=1&amp;y=2 </loc><lastmod>2024-01-01</lastmod></url><url><loc>https://s.example/b</loc></url></urlset>`;
    expect(parseSitemap(xml)).toEqual({ kind: 'urlset', urls: ['https://s.example/a?x=1&y=2', 'https://s.example/b'] });
  });

  it('reads a sitemap index, a namespace prefix and an empty urlset', () => {
    const index = `<sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9"><sm:sitemap><sm:loc>https://s.example/1.xml</sm:loc></sm:sitemap></sm:sitemapindex>`;
    expect(parseSitemap(index)).toEqual({ kind: 'index', sitemaps: ['https://s.example/1.xml'] });
    expect(parseSitemap('<urlset></urlset>')).toEqual({ kind: 'urlset', urls: [] });
  });

  it('answers undefined for other documents', () => {
    expect(parseSitemap('<!doctype html><html><body>hi</body></html>')).toBeUndefined();
    expect(parseSitemap('<rss><channel></channel></rss>')).toBeUndefined();
  });

  it('inflates gzipped sitemaps', () => {
    expect(sitemapText(gzipSync('<urlset/>'), 1024)).toBe('<urlset/>');
    expect(sitemapText(new TextEncoder().encode('<urlset/>'), 1024)).toBe('<urlset/>');
  });
});

describe('walkSitemaps', () => {
  const files: Record<string, string> = {
    'i1': '<sitemapindex><sitemap><loc>i2</loc></sitemap><sitemap><loc>u1</loc></sitemap></sitemapindex>',
    'i2': '<sitemapindex><sitemap><loc>i3</loc></sitemap><sitemap><loc>u2</loc></sitemap></sitemapindex>',
    'i3': '<sitemapindex><sitemap><loc>u3</loc></sitemap></sitemapindex>',
    'u1': '<urlset><url><loc>p1</loc></url></urlset>',
    'u2': '<urlset><url><loc>p2</loc></url></urlset>',
    'u3': '<urlset><url><loc>p3</loc></url></urlset>',
  };
  const load = async (url: string) => files[url];
  const root: Sitemap = { kind: 'index', sitemaps: ['i1', 'missing'] };

  it('follows indexes to the depth bound and counts unloadable sitemaps', async () => {
    const walk = await walkSitemaps(root, load, { maxIndexDepth: 3, maxFiles: 50, maxPages: 100 });
    expect(walk).toEqual({ pages: ['p1', 'p2'], failed: 1 });
  });

  it('bounds files and pages', async () => {
    const files2 = await walkSitemaps(root, load, { maxIndexDepth: 5, maxFiles: 3, maxPages: 100 });
    expect(files2.pages).toEqual([]);
    const pages = await walkSitemaps({ kind: 'urlset', urls: ['a', 'b', 'c'] }, load, { maxIndexDepth: 2, maxFiles: 5, maxPages: 2 });
    expect(pages.pages).toEqual(['a', 'b']);
  });
});
