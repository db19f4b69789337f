import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { queries } from '../bench/knowledge-corpus.ts';
import { loadChunks } from '../bench/knowledge-load.ts';

/**
 * `node --import tsx scripts/search-buffers.ts [--chunks N] [--queries N] [--buffers 128MB,16MB]`: knowledge
 * search speed of the embedded database at several shared_buffers sizes, on one synthetic knowledge base
 * (N chunks, loaded straight into a migrated data folder). Each setting opens the folder afresh and runs
 * the question set twice through Parley's retriever: the first pass starts with an empty buffer cache,
 * the second is warm. Settings alternate over two rounds, so a busy machine affects each alike.
 * In scripts/ rather than bench/ because it calls Parley's retriever in process (benchmarks use HTTP only).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : dflt;
};
const CHUNKS = Number(arg('--chunks', '10000'));
const QUERIES = Number(arg('--queries', '300'));
const BUFFERS = arg('--buffers', '128MB,16MB').split(',');
const ORG = 'org_searchbuffers0000000000';

const rssMb = () => Number(readFileSync('/proc/self/status', 'utf8').match(/VmRSS:\s+(\d+)/)![1]) / 1024;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-search-buffers-'));
  try {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PARLEY_') && k !== 'DATABASE_URL'));
    const run = spawnSync(process.execPath, ['bin/parley.js', 'migrate'], { cwd: ROOT, env: { ...env, PARLEY_DATA_DIR: dataDir, PARLEY_LOG_LEVEL: 'warn' }, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`parley migrate failed: ${run.stderr}`);

    const { PGlite } = await import('@electric-sql/pglite');
    const { vector } = await import('@electric-sql/pglite/vector');
    const open = (buffers: string) =>
      PGlite.create(path.join(dataDir, 'pgdata'), { extensions: { vector }, startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${buffers}`] });

    let t = performance.now();
    const loader = await open('128MB');
    await loader.query(`insert into orgs (id, name) values ($1, 'Search buffers')`, [ORG]);
    const sqlOf = { query: async <T>(text: string, params?: unknown[]) => ({ rows: (await loader.query<T>(text, params)).rows }), close: () => loader.close() };
    const loaded = await loadChunks(sqlOf, { orgId: ORG, count: CHUNKS, seed: 7, chunkChars: 1600, chunksPerItem: 20, rebuildIndex: true, vacuum: true });
    await loader.close();
    process.stderr.write(`loaded ${loaded.chunks} chunks (${(loaded.bytes / 1048576).toFixed(1)} MB of text) in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

    const { drizzle } = await import('drizzle-orm/pglite');
    const schema = await import('../src/db/schema.ts');
    const { createRetriever } = await import('../src/features/knowledge/retrieval.ts');
    const { createMemoryCacheStore } = await import('../src/infra/cache/memory-cache.ts');
    const questions = queries(QUERIES);
    const rows: string[] = [];
    for (let round = 1; round <= 2; round++) {
      for (const buffers of BUFFERS) {
        const pg = await open(buffers);
        const db = drizzle(pg, { schema });
        const retriever = createRetriever({
          db: db as never,
          events: { onChange: () => () => {} } as never,
          caches: createMemoryCacheStore(),
        });
        const passes: number[][] = [];
        for (let pass = 0; pass < 2; pass++) {
          const times: number[] = [];
          for (const q of questions) {
            t = performance.now();
            await retriever.search({ orgId: ORG, query: q.text, limit: 8 });
            times.push(performance.now() - t);
          }
          passes.push(times);
        }
        const [cold, warm] = passes as [number[], number[]];
        const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
        rows.push(
          `round ${round}  shared_buffers=${buffers.padEnd(6)} cold pass ${(sum(cold) / 1000).toFixed(2)} s (p50 ${pct(cold, 0.5).toFixed(1)} ms)  ` +
            `warm: mean ${(sum(warm) / warm.length).toFixed(1)} ms, p50 ${pct(warm, 0.5).toFixed(1)} ms, p95 ${pct(warm, 0.95).toFixed(1)} ms  ` +
            `process RSS ${rssMb().toFixed(0)} MB`,
        );
        process.stderr.write(`${rows.at(-1)}\n`);
        await pg.close();
      }
    }
    process.stdout.write(`${CHUNKS} chunks, ${QUERIES} questions per pass\n${rows.join('\n')}\n`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
