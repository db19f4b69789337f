import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { passage, rng, title } from './knowledge-corpus.ts';

/**
 * Loads synthetic chunks straight into Parley's tables while Parley is stopped: ingesting 100k
 * chunks through the API would take most of an hour, and the search benchmark only needs the rows
 * to look like ingested ones. The columns are the ones Parley's ingestion job writes, grouped under parent items
 * like real documents. `tsv` is computed here by PostgreSQL's `english` configuration, which Parley's own analysis
 * (src/features/knowledge/lexemes.ts, checked against it in lexemes.test.ts) equals on the corpus's words.
 */

export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  close(): Promise<void>;
}

/** The embedded data folder of a stopped Parley (`<PARLEY_DATA_DIR>/pgdata`), opened in this process. */
export async function openPglite(dataDir: string): Promise<Sql> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite/vector');
  const db = await PGlite.create(path.join(dataDir, 'pgdata'), { extensions: { vector } });
  return {
    query: async <T>(text: string, params?: unknown[]) => ({ rows: (await db.query<T>(text, params)).rows }),
    close: () => db.close(),
  };
}

export async function openPostgres(url: string): Promise<Sql> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  // The server going away (Ctrl-C stops it under a running load) must fail the query, not crash the bench.
  client.on('error', () => {});
  await client.connect();
  return {
    query: async <T>(text: string, params?: unknown[]) => ({ rows: (await client.query(text, params)).rows as T[] }),
    close: () => client.end(),
  };
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Ids shaped like Parley's (prefix and 22 base62 characters). */
function id(prefix: string): string {
  return `${prefix}_${Array.from(randomBytes(22), (b) => BASE62[b % 62]).join('')}`;
}

export interface LoadOptions {
  orgId: string;
  /** Chunks to add. */
  count: number;
  /** Seed of this batch's text (different batches, different text). */
  seed: number;
  /** Characters per chunk, about what Parley's chunker makes of this corpus. */
  chunkChars: number;
  chunksPerItem: number;
  /** Rows per INSERT statement. */
  batch?: number;
  /** Drops the full-text GIN index during the load and rebuilds it afterwards (much faster than row by row). */
  rebuildIndex?: boolean;
  /** VACUUM ANALYZE afterwards: the state autovacuum leaves a PostgreSQL table in. */
  vacuum?: boolean;
  onProgress?: (done: number) => void;
}

export interface LoadResult {
  chunks: number;
  items: number;
  bytes: number;
  insertMs: number;
  indexMs: number;
  vacuumMs: number;
}

const CHUNK_COLUMNS = `id, org_id, content_id, root_id, chunk_index, title, heading_path, text, char_start, char_end, tokens, tsv`;

export async function loadChunks(db: Sql, o: LoadOptions): Promise<LoadResult> {
  const batch = o.batch ?? 1_000;
  const r = rng(o.seed);
  const t0 = performance.now();
  let indexDef: string | undefined;
  if (o.rebuildIndex) {
    const { rows } = await db.query<{ def: string }>(
      `select pg_get_indexdef(i.indexrelid) as def from pg_index i join pg_class c on c.oid = i.indexrelid
       where i.indrelid = 'knowledge_chunks'::regclass and c.relname = 'knowledge_chunks_tsv_idx'`,
    );
    indexDef = rows[0]?.def;
    if (indexDef) await db.query('drop index knowledge_chunks_tsv_idx');
  }
  let bytes = 0;
  let items = 0;
  let done = 0;
  while (done < o.count) {
    const n = Math.min(o.chunksPerItem, o.count - done);
    const itemId = id('kn');
    const itemTitle = title(r, 2 + Math.floor(r() * 3));
    const chunks = Array.from({ length: n }, () => passage(r, o.chunkChars));
    const size = chunks.reduce((s, c) => s + Buffer.byteLength(c.text), 0);
    await db.query(
      `insert into knowledge_contents (id, org_id, type, title, source, size, status, chunks_count, chunks_processed)
       values ($1, $2, 'TEXT', $3, '{"type":"TEXT"}'::jsonb, $4, 'PROCESSED', $5, $5)`,
      [itemId, o.orgId, itemTitle, size, n],
    );
    let offset = 0;
    for (let start = 0; start < n; start += batch) {
      const part = chunks.slice(start, start + batch);
      const cols: unknown[][] = Array.from({ length: 11 }, () => []);
      part.forEach((c, k) => {
        const row = [id('chk'), o.orgId, itemId, itemId, start + k, itemTitle, JSON.stringify(c.headingPath), c.text, offset, offset + c.text.length, Math.round(c.text.length / 4)];
        row.forEach((v, i) => cols[i]!.push(v));
        offset += c.text.length + 2;
      });
      // The stems' document frequencies are added as the ingestion job adds them (src/features/knowledge/knowledge.repo.ts).
      await db.query(
        `with added as (
           insert into knowledge_chunks (${CHUNK_COLUMNS})
           select a, b, c, d, e, f, g::jsonb, h, i, j, k,
             setweight(to_tsvector('english', f || ' ' || g), 'A') || setweight(to_tsvector('english', h), 'B')
           from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::int[], $10::int[], $11::int[])
             as t(a, b, c, d, e, f, g, h, i, j, k)
           returning org_id, tsv)
         insert into knowledge_terms as kt (org_id, lexeme, chunks)
         select added.org_id, u.lexeme, count(*)::int from added, unnest(tsvector_to_array(added.tsv)) u(lexeme) group by 1, 2
         on conflict (org_id, lexeme) do update set chunks = kt.chunks + excluded.chunks`,
        cols,
      );
      done += part.length;
      o.onProgress?.(done);
    }
    bytes += size;
    items++;
  }
  const t1 = performance.now();
  if (indexDef) {
    await db.query(`set maintenance_work_mem = '256MB'`);
    await db.query(indexDef);
  }
  const t2 = performance.now();
  if (o.vacuum) {
    await db.query('vacuum analyze knowledge_chunks');
    await db.query('vacuum analyze knowledge_contents');
  }
  const t3 = performance.now();
  return { chunks: done, items, bytes, insertMs: t1 - t0, indexMs: t2 - t1, vacuumMs: t3 - t2 };
}

export async function countChunks(db: Sql, orgId: string): Promise<number> {
  const { rows } = await db.query<{ n: number | string }>('select count(*) as n from knowledge_chunks where org_id = $1', [orgId]);
  return Number(rows[0]?.n ?? 0);
}

/** Ids of the chunks whose full-text vector holds each word (as the english configuration stems it). */
export async function chunksHolding(db: Sql, orgId: string, words: string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const w of new Set(words)) {
    const { rows } = await db.query<{ id: string }>(
      `select id from knowledge_chunks where org_id = $1 and tsv @@ plainto_tsquery('english', $2)`,
      [orgId, w],
    );
    out.set(w, new Set(rows.map((r) => r.id)));
  }
  return out;
}
