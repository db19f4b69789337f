export { crawlSite, DEFAULT_USER_AGENT, type CrawledPage, type CrawlOptions, type CrawlProgress, type CrawlSummary } from './crawler.ts';
export { CrawlError } from './crawl-error.ts';
export { extractLinks } from './links.ts';
