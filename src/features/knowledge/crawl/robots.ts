import robotsParserCjs from 'robots-parser';
import { fetchResource, type FetchContext } from './fetch-resource.ts';

// The package's types declare an ES default export, but it is CommonJS: module.exports is the function.
const robotsParser = robotsParserCjs as unknown as typeof robotsParserCjs.default;

const ROBOTS_MAX_BYTES = 512 * 1024; // RFC 9309 asks parsers to read at least 500 KiB
const CRAWL_DELAY_CAP_MS = 1_000;

export interface RobotsRules {
  allows(url: string): boolean;
  /** Crawl-delay for our agent, capped at one second so a large value cannot stall ingestion. */
  crawlDelayMs: number;
  /** Set when the whole origin is closed because robots.txt was unavailable (5xx, unreachable). */
  closedReason?: string;
  closedRetryable?: boolean;
  /** The network error behind closedReason, so the start URL's failure can be told about the URL itself. */
  unreachable?: unknown;
}

const ALLOW_ALL: RobotsRules = { allows: () => true, crawlDelayMs: 0 };

/**
 * robots.txt per origin, fetched once (concurrent callers share the request) and matched for
 * `agent`. RFC 9309 conventions: 2xx is parsed; 4xx means no rules, so everything is allowed; 5xx,
 * 429 and network failures mean the origin is closed to us for this crawl.
 */
export function createRobotsCache(ctx: FetchContext, agent: string) {
  const byOrigin = new Map<string, Promise<RobotsRules>>();
  return {
    rulesFor(url: URL): Promise<RobotsRules> {
      let rules = byOrigin.get(url.origin);
      if (!rules) {
        rules = loadRobots(ctx, url.origin, agent);
        byOrigin.set(url.origin, rules);
      }
      return rules;
    },
  };
}

export type RobotsCache = ReturnType<typeof createRobotsCache>;

async function loadRobots(ctx: FetchContext, origin: string, agent: string): Promise<RobotsRules> {
  const robotsUrl = `${origin}/robots.txt`;
  const res = await fetchResource(ctx, new URL(robotsUrl), {
    accept: 'text/plain, */*;q=0.5',
    maxBytes: ROBOTS_MAX_BYTES,
    truncate: true,
  });
  if (res.kind === 'ok') {
    const robots = robotsParser(robotsUrl, new TextDecoder('utf-8').decode(res.body));
    const delay = robots.getCrawlDelay(agent) ?? 0;
    return {
      // robots-parser answers undefined for URLs of another origin; those are judged by their own file.
      allows: (url) => robots.isAllowed(url, agent) !== false,
      crawlDelayMs: Math.min(Math.max(delay, 0) * 1000, CRAWL_DELAY_CAP_MS),
    };
  }
  if (res.kind === 'http-error' && res.status >= 400 && res.status < 500 && res.status !== 429) return ALLOW_ALL;
  const why = res.kind === 'http-error' ? `${robotsUrl} answered HTTP ${res.status}` : res.message;
  return {
    allows: () => false,
    crawlDelayMs: 0,
    closedReason: `${why}; until robots.txt can be read the site is treated as closed to crawlers (RFC 9309)`,
    closedRetryable: res.kind === 'skipped' ? false : res.retryable,
    unreachable: res.kind === 'failed' ? res.error : undefined,
  };
}
