import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { EventLog } from '../../events/event-log.ts';
import type { CacheStore } from '../../infra/cache/cache.ts';
import type { Embedder } from '../../llm/embeddings.ts';
import type { SearchResult } from './knowledge.schemas.ts';
import { expandSearchQuery } from '../../llm/builtin/search-query.ts';
import { countChunks } from './knowledge.repo.ts';
import { queryLexemes } from './lexemes.ts';

export type Scope = 'all' | 'global' | 'assistant';

export interface SearchRequest {
  orgId: string;
  query: string;
  limit: number;
  /** Restricts to what this assistant sees under `scope`; the whole org when absent. */
  assistantId?: string;
  scope?: Scope;
  /** The weight of the query's expansion stems (EXPANSION_WEIGHT unless given; the built-in model takes 1). */
  expansionWeight?: number;
}

// Bounds on the keyword stage's work per query (see `keyword`).
/** Below this many chunks a stem is rare enough to seed the candidates (at 100,000 chunks, 0.5 % of them). */
const DF_CAP = 500;
const MAX_TERMS = 24;
/** Stems added by the query's expansion (synonyms, English words of a foreign question), at most this many. */
const MAX_EXPANSION_TERMS = 16;
/**
 * The weight of an expansion stem's idf against the customer's own words: enough to bring a passage that says it
 * differently ("ring" for "phone"), too little to outrank one holding the words asked. On the labelled set keyword
 * recall@5 went from 0.88-0.89 to 0.91 (paraphrases 0.77-0.80 to 0.83) with lexical questions still all found first;
 * at full weight (1.0) lexical questions lost their first place (MRR 1.00 to 0.90).
 */
const EXPANSION_WEIGHT = 0.3;
const CANDIDATE_TERMS = 4;
/**
 * Candidates come from the rarest stems, taken while their chunks add up to at most this many (the rarest one
 * always, as it is below DF_CAP): every chunk holding one of them is scored, and a search scores about this many
 * chunks at most. Scoring costs about 8 µs per chunk on the embedded engine; 2,000 made searches of 100,000
 * chunks take 16-20 ms where the rarest stem was a mid-frequency one.
 */
const CANDIDATES = 1_000;
/**
 * Candidates of a question made only of common stems: chunks holding all of them (or, when fewer than asked
 * for do, those and then chunks holding any), at most this many. Any bound picks an arbitrary subset (the first
 * matches in the table's order) of what can be tens of thousands of chunks at 100,000, so a larger one ranks a
 * larger arbitrary sample, not a better chosen one; what it costs is the scan until that many match and their
 * scoring. 100 instead of 300, four alternating pairs of 60 questions x 7 at 100,000 chunks on the embedded engine:
 * p50 9.1-10.1 -> 7.3-8.9 ms, p99 17.7-21.7 -> 14.9-17.8 ms.
 */
const COMMON_CANDIDATES = 100;

/** The bounds above; tests narrow them to reach the common-stem paths with a few chunks. */
export interface KeywordBounds {
  dfCap: number;
  candidates: number;
  commonCandidates: number;
}
const BOUNDS: KeywordBounds = { dfCap: DF_CAP, candidates: CANDIDATES, commonCandidates: COMMON_CANDIDATES };

/**
 * Stems whose chunk counts searches remember per org, and orgs remembered (see `termCounts`): at most 200,000
 * entries, about 20 MB, however many orgs ask and whatever they ask; an org's customers reuse far fewer words.
 */
const TERM_COUNTS_PER_ORG = 2_000;
const TERM_COUNT_ORGS = 100;

/** Reciprocal rank fusion constant (Cormack et al.): damps the weight of the very top ranks. */
const RRF_K = 60;

type Row = { id: string; content_id: string; title: string; url: string | null; heading_path: string[]; text: string };

function scopeFilter(req: SearchRequest): SQL {
  if (!req.assistantId) return sql`true`;
  switch (req.scope ?? 'all') {
    case 'global':
      return sql`c.assistant_id is null`;
    case 'assistant':
      return sql`c.assistant_id = ${req.assistantId}`;
    default:
      return sql`(c.assistant_id is null or c.assistant_id = ${req.assistantId})`;
  }
}

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

/** Whether a `knowledge.item.updated` event says only that the item started processing. */
const startsProcessing = (data: unknown): boolean => {
  const { changed, status } = (data ?? {}) as { changed?: unknown; status?: unknown };
  return status === 'PROCESSING' && Array.isArray(changed) && changed.length === 1 && changed[0] === 'status';
};

export function createRetriever(deps: {
  db: Db;
  events: EventLog;
  caches: CacheStore;
  embedder?: Embedder;
  onVectorError?: (err: unknown) => void;
  cacheTtlMs?: number;
  bounds?: Partial<KeywordBounds>;
}) {
  const { db } = deps;
  const bounds: KeywordBounds = { ...BOUNDS, ...deps.bounds };
  // Most calls come from orgs without knowledge: knowing that spares the search on every message.
  // Events of items whose chunks changed clear the org's entries.
  const hasChunks = deps.caches.cache<boolean>('knowledge-has-chunks', { ttlMs: deps.cacheTtlMs ?? 0 });
  const orgHasChunks = (orgId: string) =>
    hasChunks.getOrLoad(orgId, async () => rowsOf(await db.execute(sql`select 1 from knowledge_chunks where org_id = ${orgId} limit 1`)).length > 0);
  let vectorColumn: Promise<boolean> | undefined;
  /** pgvector is optional on PostgreSQL: the column exists only where the extension did. */
  const hasVectors = () =>
    (vectorColumn ??= db
      .execute(sql`select 1 from information_schema.columns where table_name = 'knowledge_chunks' and column_name = 'embedding'`)
      .then((r) => rowsOf(r).length > 0));

  /** Chunks of the org: the N of idf, cached like the other per-org facts. */
  const chunkCount = deps.caches.cache<number>('knowledge-chunk-count', { ttlMs: deps.cacheTtlMs ?? 0 });
  /**
   * Per org, the stems' chunk counts read so far: customers' questions share most of their words, and each read of
   * `knowledge_terms` is a statement of its own (about 1 ms on the embedded engine). Dropped with the org's other
   * facts whenever its knowledge changes.
   */
  const termCounts = deps.caches.cache<Map<string, number>>('knowledge-term-counts', { ttlMs: deps.cacheTtlMs ?? 0, max: TERM_COUNT_ORGS });
  deps.events.onChange(['knowledge.item.updated', 'knowledge.item.deleted'], (e) => {
    // An item that starts processing has changed none of its chunks yet: each drop costs the next chat three reads,
    // which may wait behind an ingestion's writes on the embedded database. (Its end still drops them: a website's
    // re-sync deletes the pages no longer found just before.)
    if (e.type === 'knowledge.item.updated' && startsProcessing(e.data)) return;
    hasChunks.delete(e.org_id);
    chunkCount.delete(e.org_id);
    termCounts.delete(e.org_id);
  });

  /**
   * The question's stems, then its expansion's (see EXPANSION_WEIGHT), each with the number of the org's chunks
   * holding it, read from `knowledge_terms`, which is kept with the chunks: exact and current, with no chunk
   * counted here.
   */
  async function documentFrequencies(orgId: string, query: string): Promise<Array<{ lexeme: string; df: number; expansion: boolean }>> {
    const asked = queryLexemes(query, MAX_TERMS);
    const own = new Set(asked);
    const added = queryLexemes(expandSearchQuery(query), MAX_TERMS + MAX_EXPANSION_TERMS)
      .filter((l) => !own.has(l))
      .slice(0, MAX_EXPANSION_TERMS);
    const lexemes = [...asked, ...added];
    if (lexemes.length === 0) return [];
    const known = await termCounts.getOrLoad(orgId, async () => new Map());
    const missing = lexemes.filter((l) => !known.has(l));
    if (missing.length > 0) {
      const rows = rowsOf<{ lexeme: string; chunks: number | string }>(
        await db.execute(sql`
          select lexeme, chunks from knowledge_terms
          where org_id = ${orgId} and lexeme in (${sql.join(missing.map((l) => sql`${l}`), sql`, `)})`),
      );
      // Bounded: an org's vocabulary read by searches is far smaller, but nothing stops a client from asking nonsense.
      if (known.size + missing.length > TERM_COUNTS_PER_ORG) known.clear();
      for (const l of missing) known.set(l, 0); // in no chunk
      for (const r of rows) known.set(r.lexeme, Number(r.chunks));
    }
    return lexemes.map((lexeme) => ({ lexeme, df: known.get(lexeme) ?? 0, expansion: !own.has(lexeme) }));
  }

  /**
   * Full-text search ranked by the rarity of what matched. Each stem weighs its idf, from the exact number of
   * the org's chunks holding it; candidates come from the rarest stems below DF_CAP (at most CANDIDATE_TERMS of
   * them and about CANDIDATES chunks, so every chunk holding the rarest word is a candidate and a question full
   * of common words never ranks the whole corpus); candidates are ordered by the summed idf of the stems they
   * contain, then by ts_rank. A chunk that matches "credit", "charged" and "order" thus beats one that repeats "card".
   */
  async function keyword(req: SearchRequest, k: number): Promise<Row[]> {
    const terms = (await documentFrequencies(req.orgId, req.query)).filter((t) => t.df > 0);
    if (terms.length === 0) return [];
    const n = await chunkCount.getOrLoad(req.orgId, () => countChunks(db, req.orgId));
    // idf from the exact count: a stem in 1 % of the chunks weighs far more than one in half of them. (Counted with
    // a bound, as searches once did, a common stem's true count was unknown and all of them weighed alike.)
    const weighted = terms.map((t) => ({
      ...t,
      idf: (t.expansion ? (req.expansionWeight ?? EXPANSION_WEIGHT) : 1) * Math.log((Math.max(n, t.df) + 1) / (t.df + 0.5)),
    }));
    // Candidates come from the rarest stems (see CANDIDATES); a question made only of common stems takes chunks
    // holding all of them, or any (see COMMON_CANDIDATES).
    const rare = weighted.filter((t) => t.df < bounds.dfCap).sort((a, b) => a.df - b.df);
    const tq = (lexeme: string) => sql`quote_literal(${lexeme})::tsquery`;
    const allQuery = sql.join(weighted.map((t) => tq(t.lexeme)), sql` || `);
    const score = sql.join(
      weighted.map((t) => sql`(case when cand.tsv @@ ${tq(t.lexeme)} then ${t.idf}::float8 else 0 end)`),
      sql` + `,
    );
    const ranked = async (seedQuery: SQL, limit: number) =>
      rowsOf<Row>(
        await db.execute(sql`
          with cand as (
            -- Each stem below reads the tsvector where it lies: kept in the row, uncompressed (STORAGE MAIN,
            -- migration 0007). A copy made here (tsv || '') cost more than it saved, about a tenth of a search.
            select c.id, c.tsv
            from knowledge_chunks c
            where c.org_id = ${req.orgId} and ${scopeFilter(req)} and c.tsv @@ (${seedQuery})
            limit ${limit}
          ), top as (
            select cand.id, row_number() over (order by ${score} desc, ts_rank(cand.tsv, ${allQuery}) desc, cand.id) as place
            from cand
            order by place
            limit ${k}
          )
          -- The text, the widest column, only for the results.
          select c.id, c.content_id, c.title, c.url, c.heading_path, c.text
          from top join knowledge_chunks c on c.id = top.id and c.org_id = ${req.orgId}
          order by top.place`),
      );
    // The rarest of the customer's own stems always seeds: an expansion's stem never crowds it out.
    const first = rare.find((t) => !t.expansion) ?? rare[0];
    if (first) {
      const seeds = [first];
      let total = first.df;
      for (const t of rare) {
        if (t === first) continue;
        if (seeds.length >= CANDIDATE_TERMS || total + t.df > bounds.candidates) break;
        seeds.push(t);
        total += t.df;
      }
      return ranked(sql.join(seeds.map((t) => tq(t.lexeme)), sql` || `), bounds.candidates);
    }
    // Only common stems: chunks with all of the customer's own first. Too few of those: they still come first (a
    // sample of chunks holding any stem may well miss them), then the best of that sample.
    const own = weighted.filter((t) => !t.expansion);
    const all = own.length > 1 ? await ranked(sql.join(own.map((t) => tq(t.lexeme)), sql` && `), bounds.commonCandidates) : [];
    if (all.length >= k) return all;
    const found = new Set(all.map((r) => r.id));
    const any = await ranked(allQuery, bounds.commonCandidates);
    return [...all, ...any.filter((r) => !found.has(r.id))].slice(0, k);
  }

  async function vector(req: SearchRequest, k: number): Promise<Row[]> {
    const embedder = deps.embedder!;
    const v = await embedder.embedOne(req.query);
    return rowsOf<Row>(
      await db.execute(sql`
        select c.id, c.content_id, c.title, c.url, c.heading_path, c.text
        from knowledge_chunks c
        where c.org_id = ${req.orgId} and ${scopeFilter(req)} and c.embedding_model = ${embedder.ref}
        order by c.embedding <=> ${JSON.stringify(v)}::vector, c.id
        limit ${k}`),
    );
  }

  return {
    /** True when search can use embeddings (a model configured and pgvector present). */
    async hybrid(): Promise<boolean> {
      return !!deps.embedder && (await hasVectors());
    },

    async storeEmbeddings(chunks: Array<{ id: string; text: string }>, signal?: AbortSignal): Promise<void> {
      if (!deps.embedder || !(await hasVectors()) || chunks.length === 0) return;
      const vectors = await deps.embedder.embedMany(chunks.map((c) => c.text), signal);
      const values = sql.join(
        chunks.map((c, i) => sql`(${c.id}, ${JSON.stringify(vectors[i])}::vector)`),
        sql`, `,
      );
      await db.execute(sql`
        update knowledge_chunks c set embedding = v.embedding, embedding_model = ${deps.embedder.ref}
        from (values ${values}) as v(id, embedding) where c.id = v.id`);
    },

    /** Keyword and (when available) vector candidates, fused by reciprocal rank. */
    async search(req: SearchRequest): Promise<{ mode: 'keyword' | 'hybrid'; results: SearchResult[] }> {
      const k = Math.max(req.limit * 4, 20);
      const useVectors = await this.hybrid();
      if (!(await orgHasChunks(req.orgId))) return { mode: useVectors ? 'hybrid' : 'keyword', results: [] };
      // An embedding provider that fails must not fail the answer: keyword results still stand.
      let vectorFailed = false;
      const [byKeyword, byVector] = await Promise.all([
        keyword(req, k),
        useVectors
          ? vector(req, k).catch((err: unknown) => {
              vectorFailed = true;
              deps.onVectorError?.(err);
              return [] as Row[];
            })
          : Promise.resolve([] as Row[]),
      ]);
      const fused = new Map<string, { row: Row; score: number; keyword_rank: number | null; vector_rank: number | null }>();
      const add = (rows: Row[], field: 'keyword_rank' | 'vector_rank') =>
        rows.forEach((row, i) => {
          const entry = fused.get(row.id) ?? { row, score: 0, keyword_rank: null, vector_rank: null };
          entry.score += 1 / (RRF_K + i + 1);
          entry[field] = i + 1;
          fused.set(row.id, entry);
        });
      add(byKeyword, 'keyword_rank');
      add(byVector, 'vector_rank');
      const results = [...fused.values()]
        .sort((a, b) => b.score - a.score || a.row.id.localeCompare(b.row.id))
        .slice(0, req.limit)
        .map(({ row, score, keyword_rank, vector_rank }) => ({
          chunk_id: row.id,
          content_id: row.content_id,
          title: row.title,
          url: row.url,
          heading_path: row.heading_path,
          text: row.text,
          score: Number(score.toFixed(6)),
          keyword_rank,
          vector_rank,
        }));
      return { mode: useVectors && !vectorFailed ? 'hybrid' : 'keyword', results };
    },
  };
}

export type Retriever = ReturnType<typeof createRetriever>;
