import { CrawlError } from './crawl-error.ts';
import { CrawlRun } from './crawl-run.ts';
import type { CrawlOptions, CrawlSummary } from './crawl-types.ts';

export type { CrawledPage, CrawlOptions, CrawlProgress, CrawlSummary } from './crawl-types.ts';

export const DEFAULT_USER_AGENT = 'ParleyBot';

/**
 * Collects a website's HTML pages for ingestion.
 * - `single`: the URL alone. `crawl`: breadth-first over links on the same origin (scheme, host and
 *   port; `www.` is another host), within maxDepth, maxPages and the path patterns. `sitemap`: the
 *   same-origin pages listed by the sitemap (or index) at the URL. robots.txt is not consulted for
 *   sitemaps, which are published for crawlers, only for pages; crawl mode does not read sitemaps.
 * - The start URL may redirect anywhere the egress guard allows; where it lands defines the site.
 *   Later redirects must stay on that origin, within the patterns and robots.txt, or the page is skipped.
 * - The start page is always fetched so its links can be followed, but it is handed to onPage only
 *   if it matches the patterns (single mode ignores patterns).
 * - The start URL failing throws CrawlError; later failures are counted. A crawl that hands over no
 *   page throws CrawlError saying why, unless pages were passed over by shouldSkip.
 */
export async function crawlSite(opts: CrawlOptions): Promise<CrawlSummary> {
  if (!Number.isInteger(opts.maxPages) || opts.maxPages < 1) throw new RangeError('maxPages must be a positive integer');
  if (!Number.isInteger(opts.maxDepth) || opts.maxDepth < 0) throw new RangeError('maxDepth must be a non-negative integer');
  return new CrawlRun(opts, parseStartUrl(opts.url), opts.userAgent ?? DEFAULT_USER_AGENT).execute();
}

function parseStartUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new CrawlError(`"${input}" is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CrawlError(`${url.href} is not an http or https URL`);
  if (url.username || url.password) throw new CrawlError('URLs with a user name or password are not supported');
  url.hash = '';
  return url;
}
