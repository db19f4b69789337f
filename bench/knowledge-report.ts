import type { IngestResult, LatencySummary, SearchResult } from './knowledge-measure.ts';
import type { LoadResult } from './knowledge-load.ts';
import { brief, type LogProblem } from './report.ts';

/** The knowledge benchmark's results and how they are printed: one table, then a line per step. */

export type Engine = 'pglite' | 'postgres';

export interface SizeResult {
  size: number;
  load?: LoadResult;
  search?: SearchResult;
  baseline?: LatencySummary;
}

export interface EngineResult {
  engine: Engine;
  label: string;
  skipped?: string;
  ingest?: IngestResult;
  /** Characters per synthetic chunk: the mean Parley's chunker made of the ingested items. */
  chunkChars?: number;
  sizes: SizeResult[];
  logProblems: LogProblem[];
}

/** What the rendering needs to know of the run's settings. */
export interface Plan {
  sizes: number[];
  searches: number;
}

const fmt = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));
const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : `${n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)} ms`);
const sizeLabel = (n: number) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));

/** The time budget, not the count, ended the measurement. */
const cutShort = (plan: Plan, s: SearchResult) => s.requests + s.failures < plan.searches;

export function renderTable(results: EngineResult[], plan: Plan): string {
  const header = ['engine', 'ingest MB/s', 'chunks/s', 'RSS peak', 'chat p50/p99 during', 'after'];
  for (const size of plan.sizes) header.push(`p50 @${sizeLabel(size)}`, `p99 @${sizeLabel(size)}`);
  header.push('mode');
  const rows = results.map((r) => {
    const chat = r.ingest?.chat;
    const pair = (c: { p50Ms: number; p99Ms: number } | undefined) => (c ? `${fmt(c.p50Ms, 1)}/${fmt(c.p99Ms, 1)}` : '-');
    const row = [r.label, fmt(r.ingest?.mbPerS, 2), fmt(r.ingest?.chunksPerS, 0), r.ingest?.rssPeakMb ? `${r.ingest.rssPeakMb.toFixed(0)} MB` : '-', pair(chat?.during), pair(chat?.after)];
    for (const size of plan.sizes) {
      const s = r.sizes.find((x) => x.size === size)?.search;
      row.push(ms(s?.p50), s ? `${ms(s.p99)}${cutShort(plan, s) ? '*' : ''}` : '-');
    }
    row.push([...new Set(r.sizes.map((x) => x.search?.mode).filter(Boolean))].join(',') || '-');
    return row;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const few = results.some((r) => r.sizes.some((x) => x.search && cutShort(plan, x.search)));
  const note = few ? `\n* the time budget ended the run before ${plan.searches} searches: p99 is about the slowest one (counts below)` : '';
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + note;
}

export function renderDetails(results: EngineResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    if (r.skipped) out.push(`${r.label}: not measured: ${brief(r.skipped)}`);
    const i = r.ingest;
    if (i) {
      out.push(
        `${r.label} ingestion: ${i.items} items, ${(i.bytes / 1e6).toFixed(2)} MB -> ${i.chunks} chunks (~${fmt(i.meanChunkChars, 0)} chars) in ${i.seconds.toFixed(1)} s ` +
          `(posting ${i.postSeconds.toFixed(1)} s); RSS ${fmt(i.rssIdleMb, 0)} MB idle, ${fmt(i.rssPeakMb, 0)} MB peak (${i.rssPeakSource})` +
          (i.chat
            ? `; a customer's chat (built-in model, one call at a time) p50/p99/max ${fmt(i.chat.during.p50Ms, 1)}/${fmt(i.chat.during.p99Ms, 1)}/${fmt(i.chat.during.maxMs, 1)} ms ` +
              `over ${i.chat.during.calls} calls while the items processed, ${fmt(i.chat.after.p50Ms, 1)}/${fmt(i.chat.after.p99Ms, 1)}/${fmt(i.chat.after.maxMs, 1)} ms after`
            : ''),
      );
    }
    for (const s of r.sizes) {
      const parts: string[] = [];
      if (s.load) parts.push(`loaded +${s.load.chunks} in ${((s.load.insertMs + s.load.indexMs + s.load.vacuumMs) / 1000).toFixed(1)} s`);
      if (s.baseline) parts.push(`GET /orgs/c p50 ${fmt(s.baseline.p50, 2)} / p99 ${fmt(s.baseline.p99, 2)} ms`);
      if (s.search) {
        parts.push(
          `search p50 ${fmt(s.search.p50, 2)} / p90 ${fmt(s.search.p90, 2)} / p99 ${fmt(s.search.p99, 2)} / max ${fmt(s.search.max, 1)} ms over ${s.search.requests}`,
          `${fmt(s.search.meanResults, 1)} results per query, ${(s.search.emptyShare * 100).toFixed(0)}% empty`,
          `rare name in the results for ${s.search.rareFound} of ${s.search.rareAsked} questions naming one`,
        );
      }
      out.push(`${r.label} @${sizeLabel(s.size)}: ${parts.join('; ')}`);
    }
    for (const s of r.sizes) {
      const q = s.search;
      if (q && q.rareFound < q.rareAsked) {
        out.push(`NOTE ${r.label} @${sizeLabel(s.size)}: ${q.rareAsked - q.rareFound} of ${q.rareAsked} questions naming a near-unique term got none of the chunks holding it`);
      }
    }
    for (const p of r.logProblems) out.push(`${r.label} logged ${p.count} x ${p.level}: ${p.message}`);
  }
  return out.join('\n');
}

/**
 * The first-run issue's knowledge targets, checked where they apply: ingestion (3 MB/s on PGlite, 5 on PostgreSQL)
 * and search at 100,000 chunks or more (p99 at most 20 ms, and under five times a trivial authenticated GET of the
 * same run, compared percentile to percentile). A missed target does not change the exit code.
 */
export function renderTargets(results: EngineResult[]): string {
  const lines: string[] = [];
  const check = (label: string, what: string, limit: string, measured: string, pass: boolean) =>
    lines.push(`  ${pass ? 'PASS' : 'MISS'}  ${label.padEnd(18)} ${what.padEnd(34)} ${limit.padEnd(12)} measured ${measured}`);
  for (const r of results) {
    if (r.ingest) {
      const min = r.engine === 'pglite' ? 3 : 5;
      check(r.label, 'ingestion', `>= ${min} MB/s`, `${fmt(r.ingest.mbPerS, 2)} MB/s`, r.ingest.mbPerS >= min);
    }
    for (const s of r.sizes) {
      if (s.size < 100_000 || !s.search) continue;
      const at = `@${sizeLabel(s.size)}`;
      check(r.label, `search p99 ${at}`, '<= 20 ms', ms(s.search.p99), s.search.p99 <= 20);
      if (!s.baseline) continue;
      for (const p of ['p50', 'p99'] as const) {
        const limit = 5 * s.baseline[p];
        check(r.label, `search ${p} ${at} vs 5 x GET ${p}`, `<= ${ms(limit)}`, ms(s.search[p]), s.search[p] <= limit);
      }
    }
  }
  return lines.length ? ['Targets (first-run issue):', ...lines].join('\n') : '';
}

export function collectProblems(results: EngineResult[]): string[] {
  const problems: string[] = [];
  for (const r of results) {
    if (r.skipped) problems.push(`${r.label}: not measured: ${brief(r.skipped)}`);
    if (r.ingest?.failed) problems.push(`${r.label}: ${r.ingest.failed} items FAILED to ingest`);
    for (const s of r.sizes) {
      if (s.search?.failures) problems.push(`${r.label} @${s.size}: ${s.search.failures} searches failed: ${s.search.samples.join(' | ')}`);
      if (s.baseline?.failures) problems.push(`${r.label} @${s.size}: ${s.baseline.failures} baseline requests failed`);
      if (s.search && s.search.chunksInOrg !== s.size) problems.push(`${r.label}: searched ${s.search.chunksInOrg} chunks, expected ${s.size}`);
    }
  }
  return problems;
}

