import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Failures, LatencyResult, StreamResult, ThroughputResult } from './measure.ts';

/** Turns the measurements into ratios against the floor, checks the targets, prints and saves. */

export interface MemoryResult {
  /** RSS once started and set up, before the load. */
  idleMb: number;
  /** Highest RSS while it was measured (VmHWM after a reset, or sampled). */
  peakMb: number;
  /** RSS one second after the load. */
  afterMb: number;
  peakSource: 'VmHWM' | 'sampled';
}

export interface TargetResult {
  name: string;
  label: string;
  /** Set when the target could not be started or answered wrongly before measuring. */
  skipped?: string;
  latency?: LatencyResult;
  throughput?: ThroughputResult;
  stream?: StreamResult;
  memory?: MemoryResult;
  /** Warn/error records in the target's own log during the run, grouped by message (Parley only). */
  logProblems?: LogProblem[];
}

export interface LogProblem {
  level: string;
  message: string;
  count: number;
}

const LEVELS: Record<number, string> = { 40: 'warn', 50: 'error', 60: 'fatal' };

/** Groups pino JSON lines (and stray error lines) by level and message. */
export function summarizeLog(lines: string[]): LogProblem[] {
  const groups = new Map<string, LogProblem>();
  for (const line of lines) {
    let level = 'error';
    let message = line.slice(0, 200);
    try {
      const j = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      level = LEVELS[j.level ?? 50] ?? String(j.level);
      const err = j.err?.message;
      message = j.msg && err && err !== j.msg ? `${j.msg}: ${err}` : (j.msg ?? err ?? message);
    } catch {
      // not JSON: keep the raw line
    }
    const key = `${level}\n${message}`;
    const g = groups.get(key) ?? { level, message, count: 0 };
    g.count++;
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

export interface Overhead {
  addedP50Ms: number;
  addedP99Ms: number;
  throughputShare: number;
  addedTtftP50Ms: number;
  addedTtftP99Ms: number;
  addedTtltP50Ms: number;
}

export interface TargetCheck {
  target: string;
  goal: string;
  limit: string;
  measured: number;
  unit: string;
  pass: boolean;
}

export interface Report {
  date: string;
  machine: { cpu: string; cores: number; memoryGb: number; os: string; node: string; loadAvgAtStart: number[]; loadAvgAtEnd: number[] };
  settings: Record<string, unknown>;
  results: TargetResult[];
  overhead: Record<string, Overhead>;
  targets: TargetCheck[];
  /** Requests that failed or replied wrongly, per target and measurement: a run with any is not clean. */
  problems: string[];
  clean: boolean;
}

export const PARLEY_PREFIX = 'parley';
/** The Fastify floor's row name: the framework's own cost, between the node:http floor and Parley. */
export const FASTIFY_FLOOR = 'fastify-floor';

export function computeOverhead(results: TargetResult[]): Record<string, Overhead> {
  const floor = results.find((r) => r.name === 'floor');
  const out: Record<string, Overhead> = {};
  if (!floor?.latency || !floor.throughput || !floor.stream) return out;
  for (const r of results) {
    if (r.name === 'floor' || r.name === 'direct' || r.name === FASTIFY_FLOOR || !r.latency || !r.throughput || !r.stream) continue;
    out[r.name] = {
      addedP50Ms: r.latency.p50 - floor.latency.p50,
      addedP99Ms: r.latency.p99 - floor.latency.p99,
      throughputShare: r.throughput.rps / floor.throughput.rps,
      addedTtftP50Ms: r.stream.ttftP50 - floor.stream.ttftP50,
      addedTtftP99Ms: r.stream.ttftP99 - floor.stream.ttftP99,
      addedTtltP50Ms: r.stream.ttltP50 - floor.stream.ttltP50,
    };
  }
  return out;
}

/** Resident-memory targets (memory issue): the embedded server whole, and the PostgreSQL mode's Node process. */
const MEMORY_TARGETS: Record<string, { idleMb: number; peakMb?: number }> = {
  'parley-embedded': { idleMb: 300, peakMb: 400 },
  'parley-postgres': { idleMb: 150 },
};

/** The invoke-throughput issue's targets and the memory targets, checked for every Parley variant (both engines). */
export function checkTargets(overhead: Record<string, Overhead>, results: TargetResult[] = []): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const r of results) {
    const goal = MEMORY_TARGETS[r.name];
    if (!goal || !r.memory) continue;
    const m = r.memory;
    checks.push({ target: r.name, goal: 'idle RSS', limit: `<= ${goal.idleMb} MB`, measured: m.idleMb, unit: 'MB', pass: m.idleMb <= goal.idleMb });
    if (goal.peakMb !== undefined) {
      checks.push({ target: r.name, goal: 'peak RSS under the load', limit: `<= ${goal.peakMb} MB`, measured: m.peakMb, unit: 'MB', pass: m.peakMb <= goal.peakMb });
    }
  }
  for (const [target, o] of Object.entries(overhead)) {
    if (!target.startsWith(PARLEY_PREFIX)) continue;
    checks.push(
      { target, goal: 'added p50 latency at c=1', limit: '<= 0.5 ms', measured: o.addedP50Ms, unit: 'ms', pass: o.addedP50Ms <= 0.5 },
      { target, goal: 'added p99 latency at c=1', limit: '<= 3 ms', measured: o.addedP99Ms, unit: 'ms', pass: o.addedP99Ms <= 3 },
      { target, goal: 'throughput at c=50 vs floor', limit: '>= 50 %', measured: o.throughputShare * 100, unit: '%', pass: o.throughputShare >= 0.5 },
      { target, goal: 'added time to first token (p50)', limit: '<= 1 ms', measured: o.addedTtftP50Ms, unit: 'ms', pass: o.addedTtftP50Ms <= 1 },
    );
  }
  return checks;
}

/** One line out of a multi-line failure: its first line, plus the first line naming an error if that is another. */
export function brief(reason: string): string {
  const lines = reason.split('\n').map((l) => l.trim()).filter(Boolean);
  const first = lines[0] ?? reason;
  const error = lines.find((l) => /\b\w*Error\b|"level":\s*[56]0/.test(l));
  return (error && error !== first ? `${first} ${error}` : first).slice(0, 400);
}

export function collectProblems(results: TargetResult[]): string[] {
  const problems: string[] = [];
  const add = (r: TargetResult, what: string, f: Failures | undefined) => {
    if (!f) return;
    const n = f.non2xx + f.errors + f.wrongContent;
    if (n === 0) return;
    problems.push(`${r.label} ${what}: ${f.non2xx} non-2xx, ${f.errors} errors, ${f.wrongContent} wrong replies; e.g. ${f.samples.join(' | ')}`);
  };
  for (const r of results) {
    if (r.skipped) problems.push(`${r.label}: not measured: ${brief(r.skipped)}`);
    add(r, 'invoke c=1', r.latency);
    add(r, 'invoke c=50', r.throughput);
    add(r, 'stream', r.stream);
  }
  return problems;
}

export function machineInfo(loadAvgAtStart: number[]): Report['machine'] {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAvgAtStart,
    loadAvgAtEnd: os.loadavg(),
  };
}

const fmt = (n: number | undefined, digits = 2) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));
const signed = (n: number | undefined, digits = 2) =>
  n === undefined || Number.isNaN(n) ? '-' : `${n >= 0 ? '+' : ''}${n.toFixed(digits)}`;

function failuresOf(r: TargetResult): number {
  return [r.latency, r.throughput, r.stream].reduce((s, f) => s + (f ? f.non2xx + f.errors + f.wrongContent : 0), 0);
}

/** Column groups over the header: label and how many columns it spans (after `target`). */
const GROUPS: [string, number][] = [
  ['invoke c=1 (ms)', 4],
  ['invoke c=50', 5],
  ['stream, 200 chunks (ms)', 5],
  ['RSS (MB)', 3],
  ['', 1],
];
const HEADER = ['target', 'p50', 'p99', '+p50', '+p99', 'req/s', 'x floor', 'x Fastify', 'p99', 'cpu/req', 'TTFT p50', 'p99', '+TTFT', 'TTLT p50', 'p99', 'idle', 'peak', 'after', 'fail'];

function row(r: TargetResult, report: Report, floor: TargetResult | undefined, fastify: TargetResult | undefined): string[] {
  const o = report.overhead[r.name];
  const isFloor = r.name === 'floor';
  const diff = (a?: number, b?: number) => (isFloor ? '0' : signed((a ?? NaN) - (b ?? NaN)));
  const shareOf = (base: TargetResult | undefined) =>
    r.throughput && base?.throughput ? `${((r.throughput.rps / base.throughput.rps) * 100).toFixed(0)} %` : '-';
  return [
    r.label,
    fmt(r.latency?.p50),
    fmt(r.latency?.p99),
    o ? signed(o.addedP50Ms) : diff(r.latency?.p50, floor?.latency?.p50),
    o ? signed(o.addedP99Ms) : diff(r.latency?.p99, floor?.latency?.p99),
    fmt(r.throughput?.rps, 0),
    shareOf(floor),
    r.name === 'floor' || r.name === 'direct' ? '-' : shareOf(fastify),
    fmt(r.throughput?.p99, 0),
    fmt(r.throughput?.cpuMsPerRequest),
    fmt(r.stream?.ttftP50),
    fmt(r.stream?.ttftP99),
    diff(r.stream?.ttftP50, floor?.stream?.ttftP50),
    fmt(r.stream?.ttltP50),
    fmt(r.stream?.ttltP99),
    fmt(r.memory?.idleMb, 0),
    fmt(r.memory?.peakMb, 0),
    fmt(r.memory?.afterMb, 0),
    String(failuresOf(r)),
  ];
}

export function renderTable(report: Report): string {
  const floor = report.results.find((r) => r.name === 'floor');
  const fastify = report.results.find((r) => r.name === FASTIFY_FLOOR);
  const measured = report.results.filter((r) => !r.skipped);
  const rows = measured.map((r) => row(r, report, floor, fastify));
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const SEP = '  ';
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(SEP);
  // Group labels are centred over the columns they span, widening the last one if the label is longer.
  let groups = ''.padEnd(widths[0]!);
  let col = 1;
  for (const [label, span] of GROUPS) {
    const cols = widths.slice(col, col + span);
    let width = cols.reduce((s, w) => s + w, 0) + SEP.length * (span - 1);
    if (label.length > width) {
      widths[col + span - 1]! += label.length - width;
      width = label.length;
    }
    const left = Math.floor((width - label.length) / 2);
    groups += SEP + (' '.repeat(left) + label).padEnd(width);
    col += span;
  }
  const header = line(HEADER);
  const rule = '-'.repeat(header.length);
  const skipped = report.results.filter((r) => r.skipped).map((r) => `${r.label.padEnd(widths[0]!)}${SEP}not measured (see below)`);
  return [groups.trimEnd(), header, rule, ...rows.map(line), ...skipped, rule].join('\n');
}

export function renderSummary(report: Report): string {
  const out: string[] = [];
  const m = report.machine;
  out.push(`Parley benchmark, ${report.date}: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}`);
  const busy = m.loadAvgAtStart[0]!;
  if (busy > m.cores / 4) {
    out.push(`WARNING: the machine was busy when the run started (load average ${busy.toFixed(2)} over the last minute on`);
    out.push(`${m.cores} cores): other processes compete with the measurement; rerun on a quiet machine for figures to publish.`);
  }
  out.push('');
  out.push(renderTable(report));
  out.push('+p50/+p99/+TTFT: added over the node:http floor (difference of percentiles). x floor, x Fastify: throughput as a');
  out.push('share of the node:http floor\'s and of the Fastify floor\'s (what the framework costs, and what Parley adds on top).');
  out.push('c=50 p99: autocannon, whole ms. cpu/req: CPU ms the server process spent per request at c=50 (direct: not measured).');
  out.push('');
  out.push('Targets (invoke throughput and memory issues, on both engines):');
  for (const c of report.targets) {
    const v = c.unit === 'ms' ? `${signed(c.measured)} ms` : `${c.measured.toFixed(0)} ${c.unit}`;
    out.push(`  ${c.pass ? 'PASS' : 'MISS'}  ${c.target.padEnd(18)} ${c.goal.padEnd(32)} ${c.limit.padEnd(9)} measured ${v}`);
  }
  if (report.targets.length === 0) out.push('  (no Parley variant was measured)');
  out.push('');
  if (report.problems.length > 0) {
    out.push(`RUN NOT CLEAN: ${report.problems.length} problem(s); figures next to failures are not trustworthy:`);
    for (const p of report.problems) out.push(`  ! ${p}`);
  } else out.push('Clean run: every request answered 2xx with the expected content.');
  for (const r of report.results) {
    if (!r.logProblems || r.logProblems.length === 0) continue;
    out.push(`${r.label} logged (warn and above; the bench aborts in-flight requests when each c=${String(report.settings.connections)} run ends):`);
    for (const p of r.logProblems.slice(0, 6)) out.push(`  ${String(p.count).padStart(5)} x ${p.level.padEnd(5)} ${p.message.slice(0, 160)}`);
  }
  return out.join('\n');
}

export function writeJson(report: Report, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'latest.json');
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
