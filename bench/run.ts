import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureLatency, measureStreaming, measureThroughput, smokeTest, type Target } from './measure.ts';
import { type ParleyInstance, startParley } from './parley.ts';
import { startPortkey } from './peers.ts';
import {
  type Child,
  cleanupAll,
  importWithoutSignalHandlers,
  onCleanup,
  readMemory,
  resetPeak,
  sampleRss,
  sleep,
  spawnChild,
} from './proc.ts';
import {
  type Report,
  type TargetResult,
  checkTargets,
  collectProblems,
  computeOverhead,
  brief,
  machineInfo,
  renderSummary,
  summarizeLog,
  writeJson,
} from './report.ts';
import { CHUNKS, PAUSE_MS, chatRequest, invokeRequest } from './shape.ts';

/**
 * `npm run bench`: the invoke path against its physical limit, in one bounded run.
 * Targets are measured one after another (never two under load at once): direct to the fake
 * upstream, the node:http floor proxy, the Fastify floor proxy, Parley on PGlite, Parley on PostgreSQL,
 * and with --peers Portkey.
 */

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH_DIR, '..');
const RESULTS_DIR = path.join(BENCH_DIR, 'results');

const USAGE = `usage: npm run bench -- [--quick] [--no-postgres] [--peers] [--json-only] [--profile] [--log-level L]
  --quick        short durations (smoke run, about 1 minute; figures are rough)
  --no-postgres  skip Parley on PostgreSQL
  --peers        also measure the Portkey AI gateway (installed into a temporary folder)
  --json-only    print only the JSON report on stdout (progress still goes to stderr)
  --profile      run Parley with --cpu-prof; profiles land in bench/results/profiles/
  --log-level L  run Parley at log level L (default: Parley's own default, info: one access line per request)`;

interface Options {
  quick: boolean;
  postgres: boolean;
  peers: boolean;
  jsonOnly: boolean;
  profile: boolean;
  logLevel?: string;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { quick: false, postgres: true, peers: false, jsonOnly: false, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--log-level' && argv[i + 1]) opts.logLevel = argv[++i];
    else if (arg === '--quick') opts.quick = true;
    else if (arg === '--no-postgres') opts.postgres = false;
    else if (arg === '--peers') opts.peers = true;
    else if (arg === '--json-only') opts.jsonOnly = true;
    else if (arg === '--profile') opts.profile = true;
    else {
      process.stderr.write(`${arg === '--help' || arg === '-h' ? '' : `unknown option ${arg}\n`}${USAGE}\n`);
      process.exit(arg === '--help' || arg === '-h' ? 0 : 2);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const settings = opts.quick
  ? { latencyWarmupMs: 500, latencyMs: 1_500, c50WarmupS: 1, c50S: 2, streamWarmup: 3, streams: 15 }
  : { latencyWarmupMs: 2_000, latencyMs: 6_000, c50WarmupS: 2, c50S: 6, streamWarmup: 5, streams: 60 };
const CONNECTIONS = 50;
const started = Date.now();
const loadAtStart = loadavg();

function progress(line: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(3);
  process.stderr.write(`[bench ${s}s] ${line}\n`);
}

/** Starts a bench helper (upstream, floor) as its own process and reads the port it prints. */
async function startHelper(name: string, file: string, env: NodeJS.ProcessEnv = {}): Promise<{ child: Child; port: number }> {
  const child = spawnChild(name, process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, file)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  const m = await child.waitForLine(/^(\{.*"port".*\})$/, 30_000);
  return { child, port: (JSON.parse(m[1]!) as { port: number }).port };
}

/** Smoke test, then latency at c=1, throughput at c=50 and streaming, with the process's memory. */
async function measureTarget(t: Target, label: string, pid?: number): Promise<TargetResult> {
  const result: TargetResult = { name: t.name, label };
  progress(`checking ${label} answers correctly ...`);
  const broken = await smokeTest(t);
  if (broken) {
    progress(`${label}: ${brief(broken)}`);
    return { ...result, skipped: broken };
  }
  const idle = pid ? readMemory(pid) : undefined;
  const hwmReset = pid ? resetPeak(pid) : false;
  const sampler = pid ? sampleRss(pid) : undefined;

  progress(`measuring ${label} invoke c=1 (${settings.latencyWarmupMs / 1000} s warm-up, ${settings.latencyMs / 1000} s) ...`);
  result.latency = await measureLatency(t, settings.latencyWarmupMs, settings.latencyMs);
  progress(`measuring ${label} invoke c=${CONNECTIONS} (${settings.c50WarmupS} s warm-up, ${settings.c50S} s) ...`);
  result.throughput = await measureThroughput(t, CONNECTIONS, settings.c50WarmupS, settings.c50S, pid);
  progress(`measuring ${label} stream of ${CHUNKS} chunks (${settings.streamWarmup} warm-up, ${settings.streams} streams) ...`);
  result.stream = await measureStreaming(t, settings.streamWarmup, settings.streams);

  if (pid && idle && sampler) {
    const sampledPeak = sampler.stop();
    const hwm = readMemory(pid)?.hwmMb;
    await sleep(1_000);
    const after = readMemory(pid)?.rssMb ?? NaN;
    const useHwm = hwmReset && hwm !== undefined;
    result.memory = { idleMb: idle.rssMb, peakMb: useHwm ? hwm : sampledPeak, afterMb: after, peakSource: useHwm ? 'VmHWM' : 'sampled' };
  }
  const l = result.latency;
  const f = [result.latency, result.throughput, result.stream].reduce((s, x) => s + x.non2xx + x.errors + x.wrongContent, 0);
  progress(`${label}: p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, ${result.throughput.rps.toFixed(0)} req/s, TTFT p50 ${result.stream.ttftP50.toFixed(2)} ms${f ? `, ${f} FAILED requests` : ''}`);
  return result;
}

function openaiTarget(name: string, base: string, headers: Record<string, string> = {}): Target {
  const url = `${base}/v1/chat/completions`;
  return { name, wire: 'openai', invokeUrl: url, streamUrl: url, headers, invokeBody: chatRequest(false), streamBody: chatRequest(true) };
}

async function measureParley(kind: 'pglite' | 'postgres', tmpRoot: string, upstreamPort: number): Promise<TargetResult> {
  const name = kind === 'pglite' ? 'parley-embedded' : 'parley-postgres';
  const label = kind === 'pglite' ? 'parley (PGlite)' : 'parley (Postgres)';
  let databaseUrl: string | undefined;
  if (kind === 'postgres') {
    progress('starting embedded PostgreSQL ...');
    try {
      const { startPostgres } = await importWithoutSignalHandlers(() => import('../test/postgres-server.ts'));
      const pg = await startPostgres();
      onCleanup('postgres', () => pg.stop());
      databaseUrl = pg.url;
    } catch (err) {
      progress(`PostgreSQL unavailable, skipping: ${(err as Error).message}`);
      return { name, label, skipped: `PostgreSQL unavailable: ${(err as Error).message}` };
    }
  }
  progress(`starting ${label} ...`);
  const profileDir = opts.profile ? path.join(RESULTS_DIR, 'profiles', name) : undefined;
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  let parley: ParleyInstance;
  try {
    parley = await startParley({
      name,
      upstreamPort,
      databaseUrl,
      dataDir: path.join(tmpRoot, name),
      logFile: path.join(RESULTS_DIR, `${name}.log`),
      profileDir,
      logLevel: opts.logLevel,
    });
  } catch (err) {
    progress(`${label} did not start: ${brief((err as Error).message)}`);
    return { name, label, skipped: `did not start: ${(err as Error).message}` };
  }
  const t: Target = {
    name,
    wire: 'parley',
    invokeUrl: `${parley.url}/api/agents/${parley.assistantId}/invoke`,
    streamUrl: `${parley.url}/api/agents/${parley.assistantId}/invoke/stream`,
    headers: { authorization: `Bearer ${parley.key}` },
    invokeBody: invokeRequest(),
    streamBody: invokeRequest(),
  };
  const result = await measureTarget(t, label, parley.child.pid);
  result.logProblems = summarizeLog(parley.child.problemLines());
  if (result.skipped) result.skipped += `\n${parley.child.tail(15)}`;
  await parley.child.stop();
  return result;
}

async function main(): Promise<number> {
  const tmpRoot = mkdtempSync(path.join(tmpdir(), 'parley-bench-'));
  onCleanup('temp folder', () => rmSync(tmpRoot, { recursive: true, force: true }));
  const results: TargetResult[] = [];

  progress(`starting the fake upstream (${CHUNKS} chunks per stream, ${PAUSE_MS} ms pause after the first) ...`);
  const upstream = await startHelper('upstream', 'upstream.ts');
  const floor = await startHelper('floor', 'floor.ts', { UPSTREAM_PORT: String(upstream.port) });

  results.push(await measureTarget(openaiTarget('direct', `http://127.0.0.1:${upstream.port}`), 'direct to upstream'));
  results.push(await measureTarget(openaiTarget('floor', `http://127.0.0.1:${floor.port}`), 'floor (node:http)', floor.child.pid));
  await floor.child.stop();
  const fastifyFloor = await startHelper('fastify-floor', 'fastify-floor.ts', { UPSTREAM_PORT: String(upstream.port) });
  results.push(
    await measureTarget(openaiTarget('fastify-floor', `http://127.0.0.1:${fastifyFloor.port}`), 'floor (Fastify)', fastifyFloor.child.pid),
  );
  await fastifyFloor.child.stop();

  results.push(await measureParley('pglite', tmpRoot, upstream.port));
  if (opts.postgres) results.push(await measureParley('postgres', tmpRoot, upstream.port));

  let peerNote: string | undefined;
  if (opts.peers) {
    progress('installing the Portkey AI gateway into a temporary folder ...');
    try {
      const pk = await startPortkey({ tmpRoot, upstreamPort: upstream.port, logFile: path.join(RESULTS_DIR, 'portkey.log'), log: progress });
      peerNote = `@portkey-ai/gateway ${pk.version} with @hono/node-server ${pk.honoVersion}`;
      const result = await measureTarget(openaiTarget('portkey', pk.url, pk.headers), `portkey ${pk.version}`, pk.child.pid);
      if (result.skipped) result.skipped += `\n${pk.child.tail(15)}`;
      results.push(result);
      await pk.child.stop();
    } catch (err) {
      peerNote = `Portkey not measured: ${(err as Error).message}`;
      progress(`NOTE: ${peerNote} (continuing without it)`);
      results.push({ name: 'portkey', label: 'portkey', skipped: (err as Error).message.split('\n')[0]! });
    }
  }

  const overhead = computeOverhead(results);
  const problems = collectProblems(results);
  const report: Report = {
    date: new Date().toISOString(),
    machine: machineInfo(loadAtStart),
    settings: {
      ...settings,
      connections: CONNECTIONS,
      chunks: CHUNKS,
      pauseMs: PAUSE_MS,
      quick: opts.quick,
      postgres: opts.postgres,
      peers: opts.peers,
      parleyLogLevel: opts.logLevel ?? 'info (default)',
      ...(peerNote ? { peerNote } : {}),
      runSeconds: Math.round((Date.now() - started) / 1000),
    },
    results,
    overhead,
    targets: checkTargets(overhead, results),
    problems,
    clean: problems.length === 0,
  };
  const file = writeJson(report, RESULTS_DIR);
  if (opts.jsonOnly) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(`\n${renderSummary(report)}\nJSON: ${path.relative(ROOT, file)}; server logs: bench/results/*.log\n`);
  progress(`done in ${report.settings.runSeconds} s`);
  return report.clean ? 0 : 1;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\nbench: ${signal}, stopping every child process ...\n`);
    void cleanupAll().finally(() => process.exit(130));
  });
}
// A hard bound on the whole run, whatever hangs.
const limitMs = (opts.peers ? 10 : 7) * 60_000;
setTimeout(() => {
  process.stderr.write(`bench: over the ${limitMs / 60_000} minute limit, stopping\n`);
  void cleanupAll().finally(() => process.exit(3));
}, limitMs).unref();

main().then(
  async (code) => {
    await cleanupAll();
    process.exit(code);
  },
  async (err: Error) => {
    process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
    await cleanupAll();
    process.exit(1);
  },
);
