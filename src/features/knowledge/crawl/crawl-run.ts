import { setTimeout as sleep } from 'node:timers/promises';
import { CrawlError, describeFetchFailure } from './crawl-error.ts';
import type { CrawledPage, CrawlOptions, CrawlSummary } from './crawl-types.ts';
import { decodeHtml, fetchResource, REQUEST_TIMEOUT_MS, type FetchContext, type ResourceResult, type Skip, type SkipKind } from './fetch-resource.ts';
import { extractLinks } from './links.ts';
import { createRobotsCache, type RobotsCache } from './robots.ts';
import { parseSitemap, sitemapText, walkSitemaps } from './sitemap.ts';
import { createPathFilter, hasBinaryExtension, normaliseUrl, type PathFilter } from './url-rules.ts';
import { drainQueue } from './work-pool.ts';

export const MAX_PAGE_BYTES = 5 * 1024 * 1024;
const MAX_SITEMAP_BYTES = 20 * 1024 * 1024;
const CONCURRENCY = 3;
/** Links beyond this many waiting URLs are dropped: a page budget is never that large. */
const MAX_QUEUE = 10_000;
const HTML_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1';
const XML_ACCEPT = 'application/xml, text/xml;q=0.9, */*;q=0.5';

interface QueueItem {
  url: string;
  depth: number;
}

/** One crawlSite call's state: the frontier, the counters and the per-origin robots and pacing. */
export class CrawlRun {
  private readonly stop = new AbortController();
  private readonly ctx: FetchContext;
  private readonly robots: RobotsCache;
  private readonly inScope: PathFilter;
  private readonly queue: QueueItem[] = [];
  /** URLs ever queued or fetched, so each is considered once. */
  private readonly seen = new Set<string>();
  /** URLs claimed by a visit (requested or reached by redirect), so each page is handed over once. */
  private readonly claimed = new Set<string>();
  private readonly skips = new Map<SkipKind, number>();
  private readonly nextRequestAt = new Map<string, number>();
  private siteOrigin = '';
  private pages = 0;
  private failed = 0;
  private handOver: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly opts: CrawlOptions,
    private readonly start: URL,
    private readonly agent: string,
  ) {
    const signal = opts.signal ? AbortSignal.any([opts.signal, this.stop.signal]) : this.stop.signal;
    this.ctx = { fetch: opts.fetch, userAgent: agent, signal };
    this.robots = createRobotsCache(this.ctx, agent);
    this.inScope = createPathFilter(opts.includePatterns, opts.excludePatterns);
  }

  async execute(): Promise<CrawlSummary> {
    if (this.opts.mode === 'sitemap') await this.seedFromSitemap();
    else await this.visitStart();
    this.progress();
    await drainQueue(this.queue, {
      concurrency: CONCURRENCY,
      canStart: (active) => this.pages + active < this.opts.maxPages,
      visit: (item) => this.guardedVisit(item),
    });
    this.progress();
    const robotsDisallowed = this.skips.get('robots') ?? 0;
    if (this.pages === 0 && !this.skips.get('caller')) throw this.nothingCollected();
    const skipped = [...this.skips.values()].reduce((a, b) => a + b, 0);
    return { pages: this.pages, skipped, failed: this.failed, robotsDisallowed };
  }

  private async visitStart(): Promise<void> {
    const res = await fetchResource(this.ctx, this.start, {
      accept: HTML_ACCEPT,
      maxBytes: MAX_PAGE_BYTES,
      checkType: htmlOnly,
      checkHop: (url) => this.vetRobots(url),
    });
    if (res.kind !== 'ok') throw await this.startFailure(res);
    this.siteOrigin = res.url.origin;
    const url = normaliseUrl(res.url) as string;
    for (const u of [normaliseUrl(this.start) as string, url]) {
      this.seen.add(u);
      this.claimed.add(u);
    }
    const html = decodeHtml(res.body, res.contentType);
    if (this.opts.mode === 'crawl' && this.opts.maxDepth > 0) this.enqueue(extractLinks(html, res.url.href), 1);
    if (this.opts.mode === 'crawl' && !this.inScope(url)) return this.skip('pattern');
    if (this.opts.shouldSkip?.(url)) return this.skip('caller');
    await this.emit({ url, html, depth: 0, contentType: res.contentType || 'text/html' });
  }

  private async startFailure(res: Exclude<ResourceResult, { kind: 'ok' }>): Promise<CrawlError> {
    if (res.kind === 'skipped' && res.skip === 'robots') {
      const rules = await this.robots.rulesFor(res.url);
      if (rules.unreachable !== undefined) {
        // robots.txt is asked first, so a host that cannot be reached at all is reported for the page itself.
        const reason = describeFetchFailure(res.url.href, rules.unreachable, REQUEST_TIMEOUT_MS);
        return new CrawlError(reason.message, { retryable: reason.retryable, cause: rules.unreachable });
      }
      return new CrawlError(res.message, { retryable: rules.closedRetryable ?? false });
    }
    return new CrawlError(res.message, { retryable: res.kind !== 'skipped' && res.retryable });
  }

  private async seedFromSitemap(): Promise<void> {
    const res = await this.fetchSitemap(this.start);
    if (res.kind !== 'ok') throw new CrawlError(res.message, { retryable: res.kind !== 'skipped' && res.retryable });
    this.siteOrigin = res.url.origin;
    const root = parseSitemap(safeSitemapText(res.body) ?? '');
    if (!root) throw new CrawlError(`${this.start.href} is not a sitemap (expected an XML <urlset> or <sitemapindex>)`);
    const walk = await walkSitemaps(root, (url) => this.loadNestedSitemap(url), {
      maxIndexDepth: 2,
      maxFiles: 50,
      maxPages: MAX_QUEUE,
    });
    this.failed += walk.failed;
    const listed = walk.pages.map((page) => normaliseUrl(page)).filter((u): u is string => u !== undefined);
    for (const url of listed) {
      if (new URL(url).origin === this.siteOrigin || this.seen.has(url)) continue;
      this.seen.add(url); // a sitemap may only list its own site's pages (sitemaps.org)
      this.skip('offsite');
    }
    this.enqueue(listed, 1);
  }

  private fetchSitemap(url: URL): Promise<ResourceResult> {
    return fetchResource(this.ctx, url, { accept: XML_ACCEPT, maxBytes: MAX_SITEMAP_BYTES });
  }

  private async loadNestedSitemap(href: string): Promise<string | undefined> {
    const url = normaliseUrl(href);
    if (!url || new URL(url).origin !== this.siteOrigin) return undefined;
    const res = await this.fetchSitemap(new URL(url));
    return res.kind === 'ok' ? safeSitemapText(res.body) : undefined;
  }

  /** Queues same-origin links not seen before that pass the extension and path rules. */
  private enqueue(urls: string[], depth: number): void {
    for (const url of urls) {
      if (this.seen.has(url) || new URL(url).origin !== this.siteOrigin) continue;
      this.seen.add(url);
      if (hasBinaryExtension(url)) this.skip('binary');
      else if (!this.inScope(url)) this.skip('pattern');
      else if (this.queue.length < MAX_QUEUE) this.queue.push({ url, depth });
    }
  }

  private async guardedVisit(item: QueueItem): Promise<void> {
    try {
      this.ctx.signal.throwIfAborted();
      await this.visit(item);
      this.progress();
    } catch (err) {
      const error = this.ctx.signal.aborted ? this.ctx.signal.reason : err;
      this.stop.abort(error);
      throw error;
    }
  }

  private async visit({ url, depth }: QueueItem): Promise<void> {
    if (this.claimed.has(url)) return;
    this.claimed.add(url);
    const follow = this.opts.mode === 'crawl' && depth < this.opts.maxDepth;
    const wanted = !this.opts.shouldSkip?.(url);
    if (!wanted && !follow) return this.skip('caller');
    const res = await fetchResource(this.ctx, new URL(url), {
      accept: HTML_ACCEPT,
      maxBytes: MAX_PAGE_BYTES,
      checkType: htmlOnly,
      checkHop: (hop, n) => (n === 0 ? this.vetRobots(hop) : this.vetRedirect(hop)),
    });
    if (res.kind === 'failed' || res.kind === 'http-error') {
      this.failed++;
      return;
    }
    if (res.kind === 'skipped') return this.skip(res.skip);
    const finalUrl = normaliseUrl(res.url) as string; // claimed by vetRedirect when it differs from url
    const html = decodeHtml(res.body, res.contentType);
    if (follow) this.enqueue(extractLinks(html, res.url.href), depth + 1);
    if (!wanted || this.opts.shouldSkip?.(finalUrl)) return this.skip('caller');
    await this.emit({ url: finalUrl, html, depth, contentType: res.contentType || 'text/html' });
  }

  /** A redirect target must stay on the site and obey the same rules as a link. */
  private async vetRedirect(url: URL): Promise<Skip | undefined> {
    if (url.origin !== this.siteOrigin) return { skip: 'offsite', message: `redirects to another site (${url.origin})` };
    if (hasBinaryExtension(url.href)) return { skip: 'binary', message: `redirects to a file (${url.href})` };
    if (!this.inScope(url.href)) return { skip: 'pattern', message: `redirects outside the path patterns (${url.href})` };
    // Claimed before the request, so a redirect to a page that another visit handles costs nothing.
    const href = normaliseUrl(url) as string;
    if (this.claimed.has(href)) return { skip: 'duplicate', message: `${href} is already collected` };
    this.claimed.add(href);
    this.seen.add(href);
    return this.vetRobots(url);
  }

  /** robots.txt for the URL's origin, then the origin's crawl delay before the request goes out. */
  private async vetRobots(url: URL): Promise<Skip | undefined> {
    const rules = await this.robots.rulesFor(url);
    if (rules.closedReason) return { skip: 'robots', message: rules.closedReason };
    if (!rules.allows(url.href)) {
      return { skip: 'robots', message: `${url.href} is disallowed for ${this.agent} by ${url.origin}/robots.txt` };
    }
    await this.pace(url.origin, rules.crawlDelayMs);
    return undefined;
  }

  private async pace(origin: string, delayMs: number): Promise<void> {
    if (delayMs <= 0) return;
    const now = Date.now();
    const at = Math.max(now, this.nextRequestAt.get(origin) ?? 0);
    this.nextRequestAt.set(origin, at + delayMs);
    if (at > now) await sleep(at - now, undefined, { signal: this.ctx.signal });
  }

  /** onPage calls are serialised: the caller's storage need not be re-entrant, and it paces the crawl. */
  private async emit(page: CrawledPage): Promise<void> {
    const turn = this.handOver.then(() => this.opts.onPage(page));
    this.handOver = turn.catch(() => undefined);
    await turn;
    this.pages++;
  }

  private skip(kind: SkipKind): void {
    if (kind === 'duplicate') return;
    this.skips.set(kind, (this.skips.get(kind) ?? 0) + 1);
  }

  private progress(): void {
    const skipped = [...this.skips.values()].reduce((a, b) => a + b, 0);
    this.opts.onProgress?.({ fetched: this.pages, queued: this.queue.length, skipped, failed: this.failed });
  }

  private nothingCollected(): CrawlError {
    const parts = Object.entries(SKIP_WORDS).flatMap(([kind, words]) => {
      const n = this.skips.get(kind as SkipKind) ?? 0;
      return n > 0 ? [`${n} ${words}`] : [];
    });
    if (this.failed > 0) parts.push(`${this.failed} failed to load`);
    const target = this.start.href;
    if (parts.length === 0) {
      const empty = this.opts.mode === 'sitemap' ? 'the sitemap lists no pages' : 'the page links to no other page of the site';
      return new CrawlError(`no pages could be collected from ${target}: ${empty}`);
    }
    const onlyFailures = parts.length === 1 && this.failed > 0;
    return new CrawlError(`no pages could be collected from ${target}: ${parts.join(', ')}`, { retryable: onlyFailures });
  }
}

const SKIP_WORDS: Record<Exclude<SkipKind, 'caller' | 'duplicate'>, string> = {
  pattern: 'outside the include/exclude path patterns',
  robots: 'disallowed by robots.txt',
  offsite: 'on or redirecting to another site',
  binary: 'files rather than web pages',
  'not-html': 'not HTML',
  'too-large': `larger than ${MAX_PAGE_BYTES / 1_048_576} MB`,
};

function htmlOnly(contentType: string, url: URL): Skip | undefined {
  if (contentType === '' || /^(text\/html|application\/xhtml\+xml)\b/i.test(contentType)) return undefined;
  return { skip: 'not-html', message: `${url.href} is not an HTML page (${contentType.split(';')[0]})` };
}

function safeSitemapText(body: Uint8Array): string | undefined {
  try {
    return sitemapText(body, MAX_SITEMAP_BYTES);
  } catch {
    return undefined; // a truncated or corrupt .gz
  }
}
