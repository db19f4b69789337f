import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchParley } from './parley.ts';
import { cleanupAll, importWithoutSignalHandlers, onCleanup, readMemory, resetPeak, sleep } from './proc.ts';

/**
 * `node --import tsx bench/memory.ts [--postgres] [--calls N] [--concurrency C] [--restart] [--diag] [--root DIR]`:
 * the resident memory of `parley start` idle and under invoke calls to the built-in offline model.
 * Starts Parley on a temporary data folder and a free port with its defaults (embedded PGlite, or a
 * throwaway PostgreSQL with --postgres), waits for /readyz and a few seconds, reads VmRSS; then fires
 * the calls, reads VmHWM (peak since a reset just before the load) and VmRSS again.
 * --diag preloads bench/memory-diag.mjs, which prints the server's process.memoryUsage() breakdown and its
 * largest memory mappings; --root runs another checkout (an older commit) to compare in the same conditions.
 */

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const postgres = args.includes('--postgres');
const diag = args.includes('--diag');
const calls = opt('--calls', 2000);
const concurrency = opt('--concurrency', 20);
const settleMs = opt('--settle-ms', 5000);
/** Stop after the first start and measure a second start on the same data (no initdb, no migrations). */
const restart = args.includes('--restart');

function log(line: string): void {
  process.stderr.write(`[memory] ${line}\n`);
}

function smaps(pid: number): string {
  try {
    const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (f: string) => Math.round(Number(t.match(new RegExp(`^${f}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN) / 1024);
    return `anon ${kb('Anonymous')} MB, file-backed ${kb('Rss') - kb('Anonymous')} MB`;
  } catch {
    return '';
  }
}

/** The biggest resident mappings of a process: WebAssembly memories show up as huge anonymous reservations. */
function topMappings(pid: number, n = 12): string {
  const text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  const maps: { name: string; size: number; rss: number }[] = [];
  let cur: { name: string; size: number; rss: number } | undefined;
  for (const line of text.split('\n')) {
    const head = line.match(/^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/);
    if (head) {
      cur = { name: head[3] || '[anon]', size: (parseInt(head[2]!, 16) - parseInt(head[1]!, 16)) / 1048576, rss: 0 };
      maps.push(cur);
    } else if (cur && line.startsWith('Rss:')) cur.rss = Number(line.split(/\s+/)[1]) / 1024;
  }
  return maps
    .sort((a, b) => b.rss - a.rss)
    .slice(0, n)
    .map((m) => `  ${m.rss.toFixed(0).padStart(5)} ${m.size.toFixed(0).padStart(7)}  ${m.name}`)
    .join('\n');
}

async function main(): Promise<void> {
  const tmpRoot = mkdtempSync(path.join(tmpdir(), 'parley-mem-'));
  onCleanup('temp folder', () => rmSync(tmpRoot, { recursive: true, force: true }));
  let databaseUrl: string | undefined;
  if (postgres) {
    const { startPostgres } = await importWithoutSignalHandlers(() => import('../test/postgres-server.ts'));
    const pg = await startPostgres();
    onCleanup('postgres', () => pg.stop());
    databaseUrl = pg.url;
  }
  const t0 = Date.now();
  const nodeOptions = [diag ? `--import ${path.join(BENCH_DIR, 'memory-diag.mjs')}` : '', process.env.MEMORY_NODE_OPTIONS ?? '']
    .join(' ')
    .trim();
  if (nodeOptions) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${nodeOptions}`.trim();
  const launch = (key?: string) =>
    launchParley({
      name: postgres ? 'parley-postgres' : 'parley-embedded',
      dataDir: path.join(tmpRoot, 'data'),
      logFile: path.join(tmpRoot, 'parley.log'),
      databaseUrl,
      logLevel: 'warn',
      key,
      root: args.includes('--root') ? path.resolve(args[args.indexOf('--root') + 1]!) : undefined,
    });
  let { child, url, key } = await launch();
  if (restart) {
    await sleep(settleMs);
    log(`first start: idle RSS ${readMemory(child.pid)!.rssMb.toFixed(0)} MB; restarting on the same data`);
    await child.stop();
    ({ child, url, key } = await launch(key));
  }
  const startMs = Date.now() - t0;
  const pid = child.pid;
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const res = await fetch(`${url}/orgs/c/assistants`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'Memory', config: { model: 'builtin/extractive' } }),
  });
  const body = await res.text();
  if (res.status !== 201 && res.status !== 200) throw new Error(`creating the assistant answered ${res.status}: ${body}`);
  const assistantId = (JSON.parse(body) as { id: string }).id;

  await sleep(settleMs);
  if (diag) {
    process.kill(pid, 'SIGUSR2');
    await sleep(500);
  }
  const idle = readMemory(pid)!;
  log(`started in ${startMs} ms; idle RSS ${idle.rssMb.toFixed(0)} MB (start-up peak ${idle.hwmMb.toFixed(0)} MB; ${smaps(pid)})`);
  if (diag) log(child.tail(4).split('\n').filter((l) => l.includes('memdiag')).join('\n'));
  if (args.includes('--snapshot')) {
    // Needs MEMORY_NODE_OPTIONS=--heapsnapshot-signal=SIGUSR1; the snapshot lands in the repository's folder.
    process.kill(pid, 'SIGUSR1');
    await sleep(15_000);
  }
  if (diag) log(`largest mappings (MB resident, MB virtual):\n${topMappings(pid)}`);

  const reset = resetPeak(pid);
  let next = 0;
  let failed = 0;
  const t1 = Date.now();
  const invokeUrl = `${url}/api/agents/${assistantId}/invoke`;
  const worker = async () => {
    while (next < calls) {
      next++;
      const r = await fetch(invokeUrl, { method: 'POST', headers, body: JSON.stringify({ message: 'What are your opening hours?' }) });
      await r.arrayBuffer();
      if (r.status !== 200) failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const loadS = (Date.now() - t1) / 1000;
  const peak = readMemory(pid)!;
  await sleep(2000);
  if (diag) {
    process.kill(pid, 'SIGUSR2');
    await sleep(500);
  }
  const after = readMemory(pid)!;
  log(
    `${calls} invoke calls at c=${concurrency} in ${loadS.toFixed(1)} s (${(calls / loadS).toFixed(0)}/s, ${failed} failed); ` +
      `peak ${peak.hwmMb.toFixed(0)} MB${reset ? '' : ' (VmHWM not reset: includes start-up)'}, after ${after.rssMb.toFixed(0)} MB (${smaps(pid)})`,
  );
  if (diag) log(child.tail(4).split('\n').filter((l) => l.includes('memdiag')).join('\n'));
  const result = {
    engine: postgres ? 'postgres' : 'pglite',
    startMs,
    idleMb: Math.round(idle.rssMb),
    startPeakMb: Math.round(idle.hwmMb),
    peakMb: Math.round(peak.hwmMb),
    afterMb: Math.round(after.rssMb),
    callsPerS: Math.round(calls / loadS),
    failed,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await child.stop();
}

main().then(
  async () => {
    await cleanupAll();
    process.exit(0);
  },
  async (err: Error) => {
    process.stderr.write(`memory: ${err.stack ?? err.message}\n`);
    await cleanupAll();
    process.exit(1);
  },
);
