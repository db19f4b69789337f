import { gunzipSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';

export type Sitemap = { kind: 'urlset'; urls: string[] } | { kind: 'index'; sitemaps: string[] };

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => name === 'url' || name === 'sitemap',
});

/** A `<urlset>` or `<sitemapindex>` document (sitemaps.org), or undefined for anything else. */
export function parseSitemap(xml: string): Sitemap | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const urlset = doc.urlset as { url?: unknown[] } | '' | undefined;
  if (urlset !== undefined) return { kind: 'urlset', urls: locs(urlset === '' ? [] : urlset.url) };
  const index = doc.sitemapindex as { sitemap?: unknown[] } | '' | undefined;
  if (index !== undefined) return { kind: 'index', sitemaps: locs(index === '' ? [] : index.sitemap) };
  return undefined;
}

function locs(entries: unknown[] | undefined): string[] {
  return (entries ?? [])
    .map((e) => (e as { loc?: unknown } | null)?.loc)
    .filter((loc): loc is string => typeof loc === 'string')
    .map((loc) => loc.trim())
    .filter((loc) => loc.length > 0);
}

/** Sitemap bytes as text; `.xml.gz` files served as-is (gzip magic) are inflated up to `maxBytes`. */
export function sitemapText(body: Uint8Array, maxBytes: number): string {
  const gzipped = body[0] === 0x1f && body[1] === 0x8b;
  const bytes = gzipped ? gunzipSync(body, { maxOutputLength: maxBytes }) : body;
  return new TextDecoder('utf-8').decode(bytes);
}

export interface SitemapWalk {
  /** Page URLs in the order listed, as written in the sitemaps (not yet filtered). */
  pages: string[];
  /** Nested sitemaps that could not be loaded or parsed. */
  failed: number;
}

export interface SitemapLimits {
  /** Levels of sitemap indexes followed below the root (root index -> index -> urlset is 2). */
  maxIndexDepth: number;
  maxFiles: number;
  maxPages: number;
}

/**
 * Walks nested sitemap indexes breadth-first from an already parsed root, within the limits. `load`
 * returns a nested sitemap's text, or undefined when it could not be fetched (counted as failed).
 */
export async function walkSitemaps(
  root: Sitemap,
  load: (url: string) => Promise<string | undefined>,
  limits: SitemapLimits,
): Promise<SitemapWalk> {
  const walk: SitemapWalk = { pages: [], failed: 0 };
  const seen = new Set<string>();
  let files = 1;
  let level: Array<{ map: Sitemap; depth: number }> = [{ map: root, depth: 0 }];
  while (level.length > 0 && walk.pages.length < limits.maxPages) {
    const next: typeof level = [];
    for (const { map, depth } of level) {
      if (map.kind === 'urlset') {
        walk.pages.push(...map.urls.slice(0, limits.maxPages - walk.pages.length));
        continue;
      }
      if (depth >= limits.maxIndexDepth) continue;
      for (const url of map.sitemaps) {
        if (seen.has(url) || files >= limits.maxFiles) continue;
        seen.add(url);
        files++;
        const text = await load(url);
        const nested = text === undefined ? undefined : parseSitemap(text);
        if (nested) next.push({ map: nested, depth: depth + 1 });
        else walk.failed++;
      }
    }
    level = next;
  }
  return walk;
}
