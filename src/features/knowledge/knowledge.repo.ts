import { and, asc, count, desc, eq, getTableColumns, ilike, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { rowsFor, writeRows } from '../../db/insert-many.ts';
import { type ChunkRow, type ContentRow, jobs, knowledgeChunks, knowledgeContents, knowledgeFiles } from '../../db/schema.ts';
import { type PageQuery, pageOffset } from '../../lib/pagination.ts';
import type { ListContentsQuery } from './knowledge.schemas.ts';

/** An item as writes return it: without its text, the widest column (up to megabytes), which the writer has. */
export type ContentSummary = Omit<ContentRow, 'text'>;
const { text: _text, ...summaryColumns } = getTableColumns(knowledgeContents);

export async function insertContent(db: DbOrTx, row: typeof knowledgeContents.$inferInsert): Promise<ContentSummary> {
  const [created] = await db.insert(knowledgeContents).values(row).returning(summaryColumns);
  return created!;
}

export async function findContent(db: DbOrTx, orgId: string, id: string): Promise<ContentRow | undefined> {
  const [row] = await db
    .select()
    .from(knowledgeContents)
    .where(and(eq(knowledgeContents.orgId, orgId), eq(knowledgeContents.id, id)))
    .limit(1);
  return row;
}

/** The item for a job, whatever its org (jobs carry ids only). */
export async function findContentById(db: DbOrTx, id: string): Promise<ContentRow | undefined> {
  const [row] = await db.select().from(knowledgeContents).where(eq(knowledgeContents.id, id)).limit(1);
  return row;
}

export async function listContents(
  db: DbOrTx,
  orgId: string,
  owner: { assistantIds: Array<string | null> },
  q: ListContentsQuery,
): Promise<[ContentRow[], number]> {
  const ids = owner.assistantIds.filter((a): a is string => a !== null);
  const ownerClause = owner.assistantIds.includes(null)
    ? ids.length
      ? sql`(${knowledgeContents.assistantId} is null or ${inArray(knowledgeContents.assistantId, ids)})`
      : isNull(knowledgeContents.assistantId)
    : inArray(knowledgeContents.assistantId, ids);
  const where = and(
    eq(knowledgeContents.orgId, orgId),
    isNull(knowledgeContents.parentId),
    ownerClause,
    q.type !== 'ALL' ? eq(knowledgeContents.type, q.type) : undefined,
    q.status !== 'ALL' ? eq(knowledgeContents.status, q.status) : undefined,
    q.search ? ilike(knowledgeContents.title, `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined,
  );
  const [items, [total]] = await Promise.all([
    db.select().from(knowledgeContents).where(where).orderBy(desc(knowledgeContents.createdAt), desc(knowledgeContents.id)).limit(q.take).offset(pageOffset(q)),
    db.select({ n: count() }).from(knowledgeContents).where(where),
  ]);
  return [items, total?.n ?? 0];
}

export async function listChildren(db: DbOrTx, orgId: string, parentId: string): Promise<ContentRow[]> {
  return db
    .select()
    .from(knowledgeContents)
    .where(and(eq(knowledgeContents.orgId, orgId), eq(knowledgeContents.parentId, parentId)))
    .orderBy(asc(knowledgeContents.createdAt), asc(knowledgeContents.id));
}

export async function updateContent(
  db: DbOrTx,
  id: string,
  patch: Partial<Omit<typeof knowledgeContents.$inferInsert, 'id' | 'orgId'>>,
): Promise<ContentSummary | undefined> {
  // Returning the text as well read a 50 KB item's compressed text back and decoded it on every status change: about a
  // third of such an update's time on the embedded engine.
  const [row] = await db
    .update(knowledgeContents)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(knowledgeContents.id, id))
    .returning(summaryColumns);
  return row;
}

export async function deleteContent(db: DbOrTx, orgId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(knowledgeContents)
    .where(and(eq(knowledgeContents.orgId, orgId), eq(knowledgeContents.id, id)))
    .returning({ id: knowledgeContents.id });
  return rows.length > 0;
}

/** A crawled page of a website item, created or found by its URL (so a re-run never duplicates it). */
export async function upsertPage(db: DbOrTx, parent: ContentRow, page: { id: string; url: string; title: string }): Promise<ContentRow> {
  const [row] = await db
    .insert(knowledgeContents)
    .values({
      id: page.id,
      orgId: parent.orgId,
      assistantId: parent.assistantId,
      parentId: parent.id,
      type: 'URL',
      title: page.title,
      url: page.url,
      source: { type: 'URL', url: page.url, mode: 'single' },
      status: 'PROCESSING',
    })
    .onConflictDoUpdate({
      target: [knowledgeContents.parentId, knowledgeContents.url],
      set: { title: page.title, status: 'PROCESSING', error: null, updatedAt: new Date() },
    })
    .returning();
  return row!;
}

/** Pages no longer found on the site (not in `keep`) go, with their chunks. */
export async function deleteStalePages(db: DbOrTx, parentId: string, keep: string[]): Promise<void> {
  await db
    .delete(knowledgeContents)
    .where(and(eq(knowledgeContents.parentId, parentId), keep.length ? notInArray(knowledgeContents.id, keep) : undefined));
}

const INSERT_BATCH = 500;

/**
 * First key of the transaction-scoped advisory lock taken before an org's `knowledge_terms` change (the second is
 * `hashtext(org_id)`); the deletion trigger of migration 0009 takes the same one.
 */
const TERMS_LOCK_KEY = 1802398061;

/**
 * Replaces an item's chunks (delete then insert, in the caller's transaction): idempotent. `termChunks` counts, per
 * stem, the new chunks holding it (from `chunkTsvector`): added to the org's document frequencies, from which a
 * trigger has subtracted the deleted chunks' stems.
 */
export async function replaceChunks(
  db: DbOrTx,
  orgId: string,
  contentId: string,
  rows: Array<typeof knowledgeChunks.$inferInsert>,
  termChunks: ReadonlyArray<readonly [string, number]>,
): Promise<void> {
  await db.delete(knowledgeChunks).where(eq(knowledgeChunks.contentId, contentId));
  // Each batch as one JSON document (see writeRows): one parameter instead of one per value.
  for (let i = 0; i < rows.length; i += INSERT_BATCH) await writeRows(db, [rowsFor(knowledgeChunks, rows.slice(i, i + INSERT_BATCH))]);
  if (termChunks.length === 0) return;
  // One statement: the org's lock (in a one-row subquery, taken before any row), then every stem's count as JSON.
  await db.execute(sql`
    insert into knowledge_terms as t (org_id, lexeme, chunks)
    select ${orgId}, j.key, j.value::int
    from (select pg_advisory_xact_lock(${TERMS_LOCK_KEY}, hashtext(${orgId}))) l,
      json_each_text(${JSON.stringify(Object.fromEntries(termChunks))}::json) j
    on conflict (org_id, lexeme) do update set chunks = t.chunks + excluded.chunks`);
}

export async function listChunks(db: DbOrTx, orgId: string, contentIds: string[], q: PageQuery): Promise<[ChunkRow[], number]> {
  const where = and(eq(knowledgeChunks.orgId, orgId), inArray(knowledgeChunks.contentId, contentIds));
  const [items, [total]] = await Promise.all([
    db
      .select()
      .from(knowledgeChunks)
      .where(where)
      .orderBy(asc(knowledgeChunks.contentId), asc(knowledgeChunks.chunkIndex))
      .limit(q.take)
      .offset(pageOffset(q)),
    db.select({ n: count() }).from(knowledgeChunks).where(where),
  ]);
  return [items, total?.n ?? 0];
}

export async function findChunk(db: DbOrTx, orgId: string, contentIds: string[], chunkId: string): Promise<ChunkRow | undefined> {
  const [row] = await db
    .select()
    .from(knowledgeChunks)
    .where(and(eq(knowledgeChunks.orgId, orgId), eq(knowledgeChunks.id, chunkId), inArray(knowledgeChunks.contentId, contentIds)))
    .limit(1);
  return row;
}

export async function saveFile(db: DbOrTx, contentId: string, bytes: Uint8Array): Promise<void> {
  await db.insert(knowledgeFiles).values({ contentId, bytes });
}

export async function loadFile(db: DbOrTx, contentId: string): Promise<Uint8Array | undefined> {
  const [row] = await db.select().from(knowledgeFiles).where(eq(knowledgeFiles.contentId, contentId)).limit(1);
  return row?.bytes;
}

export async function deleteFile(db: DbOrTx, contentId: string): Promise<void> {
  await db.delete(knowledgeFiles).where(eq(knowledgeFiles.contentId, contentId));
}

/** An item's chunks are counted once: a website's in its pages (the website's own counter is their sum). */
const chunksOfItems = sql<number>`coalesce(sum(${knowledgeContents.chunksCount}) filter (where ${knowledgeContents.parentId} is not null or ${knowledgeContents.type} <> 'URL'), 0)::bigint`;

/**
 * The org's number of chunks, from its items' counters (see `stats`): one row per item read, where `count(*)` of
 * the chunks took about 100 ms at 100,000 chunks on the embedded engine, holding its one thread meanwhile.
 */
export async function countChunks(db: DbOrTx, orgId: string): Promise<number> {
  const [row] = await db.select({ chunks: chunksOfItems }).from(knowledgeContents).where(eq(knowledgeContents.orgId, orgId));
  return Number(row?.chunks ?? 0);
}

/**
 * An org's knowledge counters, from its items alone: each item that holds chunks (a text, a file, a page of a
 * website) keeps their number in `chunks_count`, written in the transaction that writes them, so the chunks are not
 * counted row by row (a scan of the widest table, about 14 ms per 2,000 chunks on the embedded engine).
 */
export async function stats(db: DbOrTx, orgId: string) {
  const [row] = await db
    .select({
      chunks: chunksOfItems,
      contents: sql<number>`count(*) filter (where ${knowledgeContents.parentId} is null)::int`,
      size: sql<number>`coalesce(sum(${knowledgeContents.size}) filter (where ${knowledgeContents.parentId} is null), 0)::bigint`,
      pending: sql<number>`count(*) filter (where ${knowledgeContents.parentId} is null and ${knowledgeContents.status} in ('PENDING', 'PROCESSING'))::int`,
      failed: sql<number>`count(*) filter (where ${knowledgeContents.parentId} is null and ${knowledgeContents.status} = 'FAILED')::int`,
    })
    .from(knowledgeContents)
    .where(eq(knowledgeContents.orgId, orgId));
  return {
    contents: Number(row?.contents ?? 0),
    chunks: Number(row?.chunks ?? 0),
    size: Number(row?.size ?? 0),
    pending: Number(row?.pending ?? 0),
    failed: Number(row?.failed ?? 0),
  };
}

/** True when another run for this key is waiting (the item changed while it was being processed). */
export async function hasQueuedJob(db: DbOrTx, dedupeKey: string): Promise<boolean> {
  const [row] = await db.select({ id: jobs.id }).from(jobs).where(and(eq(jobs.dedupeKey, dedupeKey), eq(jobs.status, 'queued'))).limit(1);
  return !!row;
}

/** Chunks carry their item's title (for search and passages): a rename reaches them too. */
export async function retitleChunks(db: DbOrTx, contentId: string, title: string): Promise<void> {
  await db.update(knowledgeChunks).set({ title }).where(eq(knowledgeChunks.contentId, contentId));
}

/** Deletes an assistant's own items (their pages and chunks cascade) and returns the items' ids. */
export async function deleteAssistantContents(db: DbOrTx, orgId: string, assistantId: string): Promise<string[]> {
  const rows = await db
    .delete(knowledgeContents)
    .where(and(eq(knowledgeContents.orgId, orgId), eq(knowledgeContents.assistantId, assistantId)))
    .returning({ id: knowledgeContents.id });
  return rows.map((r) => r.id);
}
