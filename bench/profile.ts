import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureThroughput, smokeTest, type Target } from './measure.ts';
import { startParley } from './parley.ts';
import { cleanupAll, importWithoutSignalHandlers, onCleanup, readCpuMsOfCommand, sleep, spawnChild } from './proc.ts';
import { invokeRequest } from './shape.ts';
import { breakdown, profilesIn, type ThreadBreakdown } from './stages.ts';

/**
 * `npm run bench:profile -- [--postgres] [--seconds N] [--top N] [--log-level L]`: where each call's CPU goes at c=50. Parley runs
 * under `--cpu-prof`; only the samples of the measured window count, and each is attributed to a stage of the
 * invoke path (bench/stages.ts). Prints one table per thread, in microseconds of CPU per call.
 */

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH_DIR, '..');
const args = process.argv.slice(2);
const postgres = args.includes('--postgres');
const seconds = Number(args[args.indexOf('--seconds') + 1]) || 8;
// --top N: under each stage, the N functions whose own time makes it up.
const top = args.includes('--top') ? Number(args[args.indexOf('--top') + 1]) || 5 : 0;
const logLevel = args.includes('--log-level') ? args[args.indexOf('--log-level') + 1] : undefined;
const log = (line: string) => process.stderr.write(`[profile] ${line}\n`);
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

async function main(): Promise<void> {
  const tmpRoot = mkdtempSync(path.join(tmpdir(), 'parley-profile-'));
  onCleanup('temp folder', () => rmSync(tmpRoot, { recursive: true, force: true }));
  const upstream = spawnChild('upstream', process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'upstream.ts')], { cwd: ROOT });
  const port = (JSON.parse((await upstream.waitForLine(/^(\{.*"port".*\})$/, 30_000))[1]!) as { port: number }).port;
  let databaseUrl: string | undefined;
  if (postgres) {
    const { startPostgres } = await importWithoutSignalHandlers(() => import('../test/postgres-server.ts'));
    const pg = await startPostgres();
    onCleanup('postgres', () => pg.stop());
    databaseUrl = pg.url;
  }
  const name = postgres ? 'parley-postgres' : 'parley-embedded';
  // Kept after the run (git-ignored) to open in Chrome DevTools or to drill into with `--top`.
  const profileDir = path.join(BENCH_DIR, 'results', 'profiles', `${name}-c50`);
  rmSync(profileDir, { recursive: true, force: true });
  const parley = await startParley({
    name,
    upstreamPort: port,
    databaseUrl,
    dataDir: path.join(tmpRoot, 'data'),
    logFile: path.join(BENCH_DIR, 'results', `${name}-profile.log`),
    profileDir,
    logLevel,
  });
  const t: Target = {
    name,
    wire: 'parley',
    invokeUrl: `${parley.url}/api/agents/${parley.assistantId}/invoke`,
    streamUrl: `${parley.url}/api/agents/${parley.assistantId}/invoke/stream`,
    headers: { authorization: `Bearer ${parley.key}` },
    invokeBody: invokeRequest(),
    streamBody: invokeRequest(),
  };
  const broken = await smokeTest(t);
  if (broken) throw new Error(`Parley answered wrongly: ${broken}`);
  log('warming up at c=50 for 3 s ...');
  await measureThroughput(t, 50, 0, 3);
  log(`measuring at c=50 for ${seconds} s under the profiler ...`);
  const from = nowUs();
  const pg0 = postgres ? readCpuMsOfCommand('postgres') : 0;
  const r = await measureThroughput(t, 50, 0, seconds, parley.child.pid);
  const pgMs = postgres ? readCpuMsOfCommand('postgres') - pg0 : 0;
  const to = nowUs();
  await parley.child.stop();
  await sleep(500);
  const calls = r.ok + r.non2xx;
  const threads = profilesIn(profileDir).map((f) => breakdown(f, from, to, calls));
  process.stdout.write(render(name, r.rps, r.cpuMsPerRequest ?? NaN, threads));
  if (postgres) process.stdout.write(`PostgreSQL server processes: ${((pgMs * 1000) / calls).toFixed(0)} us of CPU per call (/proc)\n`);
}

function render(name: string, rps: number, cpuMs: number, threads: ThreadBreakdown[]): string {
  const out = [`${name} at c=50: ${rps.toFixed(0)} req/s, ${(cpuMs * 1000).toFixed(0)} us of process CPU per call (/proc)\n`];
  threads.filter((th) => th.busyMicrosPerCall >= 1).forEach((th, i) => {
    const title = i === 0 ? 'main thread' : `worker thread ${i}`;
    out.push(`${title}: ${th.busyMicrosPerCall.toFixed(0)} us busy per call (profile covers ${(th.windowCoverage * 100).toFixed(0)} % of the window)`);
    out.push('| stage | us per call | share |', '| --- | ---: | ---: |');
    for (const row of th.rows) {
      out.push(`| ${row.stage} | ${row.microsPerCall.toFixed(1)} | ${(row.share * 100).toFixed(1)} % |`);
      for (const [f, us] of row.top.slice(0, top)) out.push(`|   ${f} | ${us.toFixed(1)} | |`);
    }
    out.push('');
  });
  return `${out.join('\n')}\n`;
}

main().then(
  async () => {
    await cleanupAll();
    process.exit(0);
  },
  async (err: Error) => {
    process.stderr.write(`profile failed: ${err.stack ?? err.message}\n`);
    await cleanupAll();
    process.exit(1);
  },
);
