import type { Db } from '../../db/client.ts';
import { type Actor, SYSTEM_ACTOR } from '../../events/actor.ts';
import type { Emit, EventLog } from '../../events/event-log.ts';
import type { ChunkRow, ContentRow, knowledgeContents } from '../../db/schema.ts';
import type { JobEnqueuer } from '../../jobs/job-queue.ts';
import { badRequest, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import { INGEST_JOB, ingestKey, type KnowledgeJobCatalog } from './knowledge.jobs.ts';
import * as repo from './knowledge.repo.ts';
import type { Chunk, Content, CreateContentInput, ListContentsQuery, SearchInput } from './knowledge.schemas.ts';
import type { Retriever, Scope } from './retrieval.ts';

export type KnowledgeService = ReturnType<typeof createKnowledgeService>;

const base = (row: repo.ContentSummary) => ({
  id: row.id,
  title: row.title,
  type: row.type,
  status: row.status,
  assistant_id: row.assistantId,
  parent_content_id: row.parentId,
  content: row.source,
  url: row.url,
  size: row.size,
  chunks_count: row.chunksCount,
  chunks_processed: row.chunksProcessed,
  progress: row.progress,
  error: row.error,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

/** An item as the API shows it; its text and pages only in `detail` (a single item's read). */
const toContent = (row: repo.ContentSummary & { text?: string | null }, detail?: { children: ContentRow[] }): Content => ({
  ...base(row),
  content: detail && row.type === 'TEXT' ? { ...row.source, text: row.text ?? '' } : row.source,
  text: detail ? (row.text ?? null) : null,
  children: detail ? detail.children.map(base) : [],
});

const toChunk = (row: ChunkRow): Chunk => ({
  id: row.id,
  content_id: row.contentId,
  chunk_index: row.chunkIndex,
  char_start: row.charStart,
  char_end: row.charEnd,
  status: 'PROCESSED',
  error: null,
  text: row.text,
  heading_path: row.headingPath,
  url: row.url,
  page: row.page,
  tokens: row.tokens,
  created_at: row.createdAt.toISOString(),
  updated_at: row.createdAt.toISOString(),
});

export interface KnowledgeDeps {
  db: Db;
  events: EventLog;
  queue: JobEnqueuer<KnowledgeJobCatalog>;
  retriever: Retriever;
  /** The assistant's knowledge scope when it is a live assistant of the org, else undefined. */
  assistantScope: (orgId: string, assistantId: string) => Promise<Scope | undefined>;
}

export function createKnowledgeService(deps: KnowledgeDeps) {
  const { db, queue, events } = deps;
  const updated = (emit: Emit, item: ContentRow, changed: string[], status?: string) =>
    emit({ type: 'knowledge.item.updated', orgId: item.orgId, subjectId: item.id, data: { content_id: item.id, changed, ...(status && { status }) } });

  // An assistant's own knowledge has no one left to serve once it is deleted: it goes with it.
  events.within(['assistant.deleted'], async (tx, e, emit) => {
    for (const id of await repo.deleteAssistantContents(tx, e.org_id, e.subject_id)) {
      emit({ type: 'knowledge.item.deleted', orgId: e.org_id, subjectId: id, data: { content_id: id } });
    }
  });

  async function ownAssistant(orgId: string, assistantId: string | null): Promise<void> {
    if (assistantId && !(await deps.assistantScope(orgId, assistantId))) throw notFound('Assistant');
  }

  /** Inserts the item and its processing job in one transaction, then wakes the worker. */
  async function add(row: Omit<typeof knowledgeContents.$inferInsert, 'id'>, actor: Actor, file?: Uint8Array): Promise<Content> {
    const created = await events.transaction(actor, async (tx, emit) => {
      const item = await repo.insertContent(tx, { ...row, id: newId('knowledge') });
      if (file) await repo.saveFile(tx, item.id, file);
      await queue.enqueue(tx, INGEST_JOB, { content_id: item.id }, { dedupeKey: ingestKey(item.id) });
      emit({
        type: 'knowledge.item.created',
        orgId: item.orgId,
        subjectId: item.id,
        data: { content_id: item.id, assistant_id: item.assistantId, type: item.type },
      });
      return item;
    });
    queue.wake();
    return toContent(created);
  }

  async function reprocess(item: ContentRow, patch: Partial<ContentRow>, actor: Actor, changed: string[]): Promise<Content> {
    const row = await events.transaction(actor, async (tx, emit) => {
      const row = await repo.updateContent(tx, item.id, { ...patch, status: 'PENDING', error: null });
      await queue.enqueue(tx, INGEST_JOB, { content_id: item.id }, { dedupeKey: ingestKey(item.id) });
      updated(emit, item, changed, 'PENDING');
      return row!;
    });
    queue.wake();
    return toContent(row);
  }

  /** The item and, for a website, its pages: the contents whose chunks belong to it. */
  async function withPages(orgId: string, id: string): Promise<string[]> {
    const item = await mustFind(orgId, id);
    return [item.id, ...(await repo.listChildren(db, orgId, item.id)).map((c) => c.id)];
  }

  async function mustFind(orgId: string, id: string): Promise<ContentRow> {
    const row = await repo.findContent(db, orgId, id);
    if (!row) throw notFound('Knowledge content');
    return row;
  }

  return {
    async create(orgId: string, assistantId: string | null, input: CreateContentInput, actor: Actor = SYSTEM_ACTOR): Promise<Content> {
      await ownAssistant(orgId, assistantId);
      const c = input.content;
      if (c.type === 'FILE') throw badRequest('content: upload files as multipart/form-data with the fields "file" and "title"');
      if (c.type === 'TEXT') {
        return add({ orgId, assistantId, type: 'TEXT', title: input.title, source: { type: 'TEXT' }, text: c.text, size: Buffer.byteLength(c.text) }, actor);
      }
      const { type: _type, url, ...settings } = c;
      return add({ orgId, assistantId, type: 'URL', title: input.title, url, source: { type: 'URL', url, ...settings } }, actor);
    },

    async createFile(
      orgId: string,
      assistantId: string | null,
      file: { bytes: Buffer; filename: string; mimeType: string; title?: string },
      actor: Actor = SYSTEM_ACTOR,
    ): Promise<Content> {
      await ownAssistant(orgId, assistantId);
      if (file.bytes.byteLength === 0) throw badRequest('file: is empty');
      return add(
        {
          orgId,
          assistantId,
          type: 'FILE',
          title: file.title?.trim() || file.filename,
          source: { type: 'FILE', file_name: file.filename, mime_type: file.mimeType },
          size: file.bytes.byteLength,
        },
        actor,
        file.bytes,
      );
    },

    async list(orgId: string, assistantId: string | null, q: ListContentsQuery): Promise<Page<Content>> {
      let owners: Array<string | null> = [null];
      if (assistantId) {
        const scope = await deps.assistantScope(orgId, assistantId);
        if (!scope) throw notFound('Assistant');
        owners = scope === 'all' ? [null, assistantId] : scope === 'global' ? [null] : [assistantId];
      }
      const [rows, count] = await repo.listContents(db, orgId, { assistantIds: owners }, q);
      return { items: rows.map((r) => toContent(r)), count, ...q };
    },

    async get(orgId: string, id: string): Promise<Content> {
      const row = await mustFind(orgId, id);
      return toContent(row, { children: row.type === 'URL' && !row.parentId ? await repo.listChildren(db, orgId, id) : [] });
    },

    async update(orgId: string, id: string, input: { title?: string; text?: string }, actor: Actor = SYSTEM_ACTOR): Promise<Content> {
      const item = await mustFind(orgId, id);
      if (input.text !== undefined && item.type !== 'TEXT') throw badRequest('text: only TEXT items have a text to replace');
      const changed = Object.keys(input).filter((k) => input[k as 'title' | 'text'] !== undefined);
      if (input.text === undefined) {
        return events.transaction(actor, async (tx, emit) => {
          if (input.title !== undefined) await repo.retitleChunks(tx, id, input.title);
          const row = await repo.updateContent(tx, id, { ...(input.title !== undefined && { title: input.title }) });
          updated(emit, item, changed);
          return toContent(row!);
        });
      }
      if (input.title !== undefined) await repo.retitleChunks(db, id, input.title);
      const patch = { ...(input.title !== undefined && { title: input.title }), text: input.text, size: Buffer.byteLength(input.text) };
      return reprocess(item, patch, actor, changed);
    },

    async updateUrl(
      orgId: string,
      id: string,
      input: { include_path_patterns?: string[]; exclude_path_patterns?: string[]; max_pages?: number; max_depth?: number },
      actor: Actor = SYSTEM_ACTOR,
    ): Promise<Content> {
      const item = await mustFind(orgId, id);
      if (item.type !== 'URL' || item.parentId) throw badRequest('content_id: only website items have crawl settings');
      const source = { ...item.source };
      const changed = Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined);
      for (const k of changed) (source as Record<string, unknown>)[k] = (input as Record<string, unknown>)[k];
      return reprocess(item, { source }, actor, changed);
    },

    async sync(orgId: string, id: string, actor: Actor = SYSTEM_ACTOR): Promise<Content> {
      const item = await mustFind(orgId, id);
      if (item.type !== 'URL' || item.parentId) throw badRequest('content_id: only website items can be synced again');
      return reprocess(item, {}, actor, []);
    },

    /** Deletes the item with its pages and chunks (ON DELETE CASCADE: one statement, one transaction). */
    async remove(orgId: string, id: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
      await events.transaction(actor, async (tx, emit) => {
        if (!(await repo.deleteContent(tx, orgId, id))) throw notFound('Knowledge content');
        emit({ type: 'knowledge.item.deleted', orgId, subjectId: id, data: { content_id: id } });
      });
    },

    async chunks(orgId: string, id: string, q: PageQuery & { status: string }): Promise<Page<Chunk>> {
      const ids = await withPages(orgId, id);
      if (q.status !== 'ALL' && q.status !== 'PROCESSED') return { items: [], count: 0, ...q };
      const [rows, count] = await repo.listChunks(db, orgId, ids, q);
      return { items: rows.map(toChunk), count, ...q };
    },

    async chunk(orgId: string, id: string, chunkId: string): Promise<Chunk> {
      const row = await repo.findChunk(db, orgId, await withPages(orgId, id), chunkId);
      if (!row) throw notFound('Chunk');
      return toChunk(row);
    },

    stats: (orgId: string) => repo.stats(db, orgId),

    /** False when embeddings were asked for but cannot be used (no pgvector): search is keyword-only. */
    hybridAvailable: () => deps.retriever.hybrid(),

    async search(orgId: string, input: SearchInput) {
      let scope: Scope | undefined;
      if (input.assistant_id) {
        scope = await deps.assistantScope(orgId, input.assistant_id);
        if (!scope) throw notFound('Assistant');
      }
      return deps.retriever.search({ orgId, query: input.query, limit: input.limit, assistantId: input.assistant_id, scope });
    },
  };
}
