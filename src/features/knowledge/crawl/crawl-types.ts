import type { EgressFetch } from '../../../infra/egress/egress.ts';

export interface CrawledPage {
  /** Final URL after same-site redirects, normalised (no fragment, no empty query). */
  url: string;
  /** The raw HTML, decoded to text; extraction happens elsewhere. */
  html: string;
  /** Links followed from the start URL (0); sitemap pages are 1. */
  depth: number;
  contentType: string;
}

export interface CrawlProgress {
  /** Pages handed to onPage so far. */
  fetched: number;
  queued: number;
  skipped: number;
  failed: number;
}

export interface CrawlOptions {
  url: string;
  mode: 'single' | 'crawl' | 'sitemap';
  includePatterns?: string[];
  excludePatterns?: string[];
  /** Pages handed to onPage, at most. */
  maxPages: number;
  /** Link hops from the start URL (crawl mode); 0 fetches only the start page. */
  maxDepth: number;
  /** The SSRF-guarded egress fetch; the crawler never uses global fetch. */
  fetch: EgressFetch;
  signal?: AbortSignal;
  /** Product token matched against robots.txt groups and sent as User-Agent; defaults to ParleyBot. */
  userAgent?: string;
  /** Called once per page, one call at a time; a rejection aborts the crawl and is rethrown. */
  onPage(page: CrawledPage): Promise<void>;
  onProgress?(p: CrawlProgress): void;
  /**
   * True for pages the caller already has (a resumed job): they are not handed to onPage and count
   * as skipped, but in crawl mode they are still fetched when their links are needed.
   */
  shouldSkip?(url: string): boolean;
}

export interface CrawlSummary {
  pages: number;
  /** Every URL passed over by a rule, robots.txt included. */
  skipped: number;
  failed: number;
  /** The part of `skipped` that robots.txt disallowed. */
  robotsDisallowed: number;
}
