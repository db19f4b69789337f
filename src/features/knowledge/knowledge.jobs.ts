import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import type { PlannerStats } from '../../db/planner-stats.ts';
import { SYSTEM_ACTOR } from '../../events/actor.ts';
import type { Emit, EventLog } from '../../events/event-log.ts';
import type { ContentRow } from '../../db/schema.ts';
import type { EgressFetch } from '../../infra/egress/egress.ts';
import { type JobContext, type JobHandlers, PermanentJobError } from '../../jobs/job-queue.ts';
import { newId } from '../../lib/ids.ts';
import { cleanText } from '../../lib/text.ts';
import { CrawlError } from './crawl/crawl-error.ts';
import { detectFileKind } from './extract/detect-type.ts';
import { ExtractError } from './extract/extract-error.ts';
import { indexTextCooperatively } from './extract/index-text.ts';
import type { TextIndexer } from './extract/index-thread.ts';
import { withoutPageMarkers } from './extract/page-marker.ts';
import * as repo from './knowledge.repo.ts';
import type { Retriever } from './retrieval.ts';
import type { SearchIndexUpkeep } from './search-index-upkeep.ts';

export const INGEST_JOB = 'knowledge.ingest' as const;
/** One queued run per item; runs of one item never overlap. */
export const ingestKey = (contentId: string) => `knowledge:${contentId}`;

// The file extractors (PDF, DOCX, HTML to Markdown) and the crawler (HTML parser, sitemaps, robots.txt)
// hold about 25 MB of libraries that only an ingestion needs: loaded at the first one, not at startup.
const loadExtractFile = () => import('./extract/extract-file.ts');
const loadHtmlToMarkdown = () => import('./extract/html-to-markdown.ts');
const loadCrawler = () => import('./crawl/crawler.ts');

/** Chunk size: a few paragraphs, enough context for an answer, small enough to rank precisely. */
const CHUNK_TOKENS = 400;
const CHUNK_OVERLAP = 50;
const DEFAULT_DEPTH = 3;

export interface IngestDeps {
  /** The database for background work (`Database.backgroundDb`): its statements do not hold back `quiet`. */
  db: Db;
  events: EventLog;
  retriever: Retriever;
  egressFetch: EgressFetch;
  crawlMaxPages: number;
  /** Told how many chunks each item wrote (the embedded engine analyzes the table as it grows). */
  plannerStats?: Pick<PlannerStats, 'wrote'>;
  /** Told when chunks were written: their full-text entries are merged into the index a moment later. */
  searchIndex?: Pick<SearchIndexUpkeep, 'wrote'>;
  /** Waits for a moment when requests are not using the database (the embedded engine; see `Database.quiet`). */
  quiet?: (maxWaitMs: number) => Promise<void>;
  /** Chunks and analyzes items' text on a thread of its own (`extract/index-thread.ts`); on this thread without it. */
  indexer?: Pick<TextIndexer, 'index'>;
}

/** A transaction of the job's, with the events it emits, on the background database (`IngestDeps.db`). */
const jobTransaction = <T>(deps: IngestDeps, fn: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> =>
  deps.events.transaction(SYSTEM_ACTOR, fn, deps.db);

/** The longest an item's write waits for requests to leave the embedded database alone. */
const QUIET_WAIT_MS = 100;

/** Chunks one item's Markdown and stores the chunks (replacing any earlier ones) with the item's counters. */
async function indexText(deps: IngestDeps, item: ContentRow, markdown: string, extra: Partial<ContentRow> = {}, signal?: AbortSignal) {
  const title = extra.title ?? item.title;
  const input = { markdown, title, opts: { maxTokens: CHUNK_TOKENS, overlapTokens: CHUNK_OVERLAP } };
  const { chunks: pieces, tsvs, terms } = await (deps.indexer ? deps.indexer.index(input) : indexTextCooperatively(input));
  // A PDF's page markers give chunks their page; the item's text is shown without them.
  const shown = item.type === 'FILE' ? withoutPageMarkers(markdown) : { text: markdown, offset: (i: number) => i };
  const root = item.parentId ?? item.id;
  const rows = pieces.map((c, i) => ({
    id: newId('chunk'),
    orgId: item.orgId,
    contentId: item.id,
    rootId: root,
    assistantId: item.assistantId,
    chunkIndex: c.index,
    title,
    headingPath: c.headingPath,
    text: c.text,
    tsv: tsvs[i]!,
    url: item.url,
    page: c.page ?? null,
    charStart: shown.offset(c.charStart),
    charEnd: shown.offset(c.charEnd),
    tokens: c.tokens,
  }));
  await deps.quiet?.(QUIET_WAIT_MS);
  await jobTransaction(deps, async (tx, emit) => {
    await repo.replaceChunks(tx, item.orgId, item.id, rows, terms);
    // A text item's text is already stored as it is shown: not written (and compressed) again.
    const text = shown.text === item.text ? {} : { text: shown.text };
    await repo.updateContent(tx, item.id, { ...extra, ...text, chunksCount: rows.length, chunksProcessed: rows.length });
    // Searches read the new chunks from now on (the retriever's per-org facts are dropped by it).
    emit(statusEvent(item, ['chunks']));
  });
  deps.plannerStats?.wrote('knowledge_chunks', rows.length);
  if (rows.length > 0) deps.searchIndex?.wrote();
  await deps.retriever.storeEmbeddings(rows, signal);
  return rows.length;
}

async function ingestFile(deps: IngestDeps, item: ContentRow, signal: AbortSignal) {
  const bytes = await repo.loadFile(deps.db, item.id);
  if (!bytes) throw new PermanentJobError('the uploaded file is no longer available; upload it again');
  try {
    const file = { bytes, filename: item.source.file_name ?? item.title, mimeType: item.source.mime_type };
    // Uploaded without a title (it defaulted to the file name): an HTML page's <title>, a Markdown or DOCX file's
    // heading. A PDF's metadata title is too often a tool's leftover ("Microsoft Word - draft3.docx").
    const untitled = item.title === item.source.file_name && detectFileKind(file.bytes, file.filename, file.mimeType) !== 'pdf';
    const { extractFile } = await loadExtractFile();
    const { markdown, title } = await extractFile(file);
    const named = title && untitled ? { title: cleanText(title).slice(0, 255) } : {};
    // A file is outside input: what PostgreSQL cannot store (NUL, lone surrogates) is cleaned, not refused.
    await indexText(deps, item, cleanText(markdown), { size: bytes.byteLength, ...named }, signal);
  } catch (err) {
    if (err instanceof ExtractError) throw new PermanentJobError(err.message);
    throw err;
  }
}

async function ingestWebsite(deps: IngestDeps, item: ContentRow, ctx: JobContext) {
  const src = item.source;
  const seen: string[] = [];
  let size = 0;
  let chunks = 0;
  const progress = { pages_fetched: 0, pages_skipped: 0, pages_failed: 0 };
  try {
    const [{ crawlSite }, { htmlToMarkdown }] = await Promise.all([loadCrawler(), loadHtmlToMarkdown()]);
    await crawlSite({
      url: src.url!,
      mode: src.mode ?? 'single',
      includePatterns: src.include_path_patterns,
      excludePatterns: src.exclude_path_patterns,
      maxPages: Math.min(src.max_pages ?? deps.crawlMaxPages, deps.crawlMaxPages),
      maxDepth: src.max_depth ?? DEFAULT_DEPTH,
      fetch: deps.egressFetch,
      signal: ctx.signal,
      onPage: async (page) => {
        // Any public page may hold what PostgreSQL cannot store (NUL, lone surrogates): cleaned once, here.
        const { title, markdown } = htmlToMarkdown(cleanText(page.html), { url: page.url });
        const child = await repo.upsertPage(deps.db, item, { id: newId('knowledge'), url: page.url, title: title || page.url });
        chunks += await indexText(deps, child, markdown, { status: 'PROCESSED', size: Buffer.byteLength(page.html), title: title || page.url }, ctx.signal);
        seen.push(child.id);
        size += Buffer.byteLength(page.html);
        progress.pages_fetched++;
        await repo.updateContent(deps.db, item.id, { progress: { ...progress }, chunksCount: chunks, chunksProcessed: chunks, size });
      },
      onProgress: (p) => {
        progress.pages_skipped = p.skipped;
        progress.pages_failed = p.failed;
      },
    });
  } catch (err) {
    // A site that is down for a moment (timeout, reset, 5xx) is tried again with backoff; a refused
    // connection, an unknown host or a private address is not (CrawlError.retryable).
    if (err instanceof CrawlError && !err.retryable) throw new PermanentJobError(err.message);
    throw err;
  }
  await repo.deleteStalePages(deps.db, item.id, seen);
  await repo.updateContent(deps.db, item.id, { progress: { ...progress }, chunksCount: chunks, chunksProcessed: chunks, size });
}

/** The event of a change the ingestion job makes to an item. */
const statusEvent = (item: { id: string; orgId: string }, changed: string[], status?: string) =>
  ({
    type: 'knowledge.item.updated',
    orgId: item.orgId,
    subjectId: item.id,
    data: { content_id: item.id, changed, ...(status && { status }) },
  }) as const;

/** The knowledge feature's part of the job catalog. */
export const knowledgeJobCatalog = {
  [INGEST_JOB]: { payload: z.object({ content_id: z.string() }), maxAttempts: 4, backoffMs: 1_000, timeoutMs: 30 * 60_000 },
};

export type KnowledgeJobCatalog = typeof knowledgeJobCatalog;

export function knowledgeJobHandlers(deps: IngestDeps): JobHandlers<KnowledgeJobCatalog> {
  return {
    [INGEST_JOB]: {
      async run({ content_id }, ctx) {
        const item = await repo.findContentById(deps.db, content_id);
        if (!item) return; // deleted meanwhile: nothing to do
        await jobTransaction(deps, async (tx, emit) => {
          await repo.updateContent(tx, item.id, { status: 'PROCESSING', error: null });
          emit(statusEvent(item, ['status'], 'PROCESSING'));
        });
        if (item.type === 'TEXT') await indexText(deps, item, item.text ?? '', {}, ctx.signal);
        else if (item.type === 'FILE') await ingestFile(deps, item, ctx.signal);
        else await ingestWebsite(deps, item, ctx);
        await jobTransaction(deps, async (tx, emit) => {
          // Changed while this run went on: the queued run will finish the job, so do not claim it done.
          const superseded = await repo.hasQueuedJob(tx, ingestKey(item.id));
          const status = superseded ? 'PENDING' : 'PROCESSED';
          await repo.updateContent(tx, item.id, { status, error: null });
          emit(statusEvent(item, ['status'], status));
          if (item.type === 'FILE') await repo.deleteFile(tx, item.id);
        });
        ctx.logger.info({ content_id, type: item.type }, 'knowledge item processed');
      },
      async onFailed({ content_id }, error) {
        await jobTransaction(deps, async (tx, emit) => {
          const row = await repo.updateContent(tx, content_id, { status: 'FAILED', error: error.message });
          if (row) emit(statusEvent(row, ['status', 'error'], 'FAILED'));
        });
      },
    },
  };
}
