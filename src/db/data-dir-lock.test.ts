import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, procStat } from './data-dir-lock.ts';

const linux = process.platform === 'linux';
let dir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-lock-'));
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const lockFile = () => path.join(dir, 'parley.pid');

function sleeper(): ChildProcess {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

/** A child of `sh` that has exited but is never reaped: sh execs into `sleep`, which does not wait. */
async function zombie(): Promise<number> {
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(parent);
  const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (d) => resolve(String(d).trim()))));
  for (let i = 0; i < 500 && procStat(pid)?.state !== 'Z'; i++) await new Promise((r) => setTimeout(r, 10));
  return pid;
}

describe('data folder lock', () => {
  it('writes its pid and start time, refuses a second holder and frees the folder on release', async () => {
    const release = acquireDataDirLock(dir);
    const [pid, start] = readFileSync(lockFile(), 'utf8').split(' ');
    expect(Number(pid)).toBe(process.pid);
    if (linux) expect(start).toBe(procStat(process.pid)!.startTime);
    await release();
    acquireDataDirLock(dir);
  });

  it('refuses a folder locked by a live process, with or without a recorded start time', () => {
    const child = sleeper();
    writeFileSync(lockFile(), String(child.pid));
    expect(() => acquireDataDirLock(dir)).toThrow(`in use by another Parley process (pid ${child.pid})`);
    if (!linux) return;
    writeFileSync(lockFile(), `${child.pid} ${procStat(child.pid!)!.startTime}`);
    expect(() => acquireDataDirLock(dir)).toThrow(`pid ${child.pid}`);
  });

  it('takes over a lock whose process has exited', async () => {
    const child = spawn('true', { stdio: 'ignore' });
    await new Promise((r) => child.once('exit', r));
    writeFileSync(lockFile(), String(child.pid));
    acquireDataDirLock(dir);
    expect(readFileSync(lockFile(), 'utf8').split(' ')[0]).toBe(String(process.pid));
  });

  it.runIf(linux)('takes over a lock whose process is a zombie', async () => {
    const pid = await zombie();
    expect(procStat(pid)?.state).toBe('Z');
    writeFileSync(lockFile(), String(pid));
    acquireDataDirLock(dir);
    expect(readFileSync(lockFile(), 'utf8').split(' ')[0]).toBe(String(process.pid));
  });

  it.runIf(linux)('takes over a lock whose pid now belongs to another process', () => {
    const child = sleeper();
    const start = Number(procStat(child.pid!)!.startTime);
    writeFileSync(lockFile(), `${child.pid} ${start - 1}`);
    acquireDataDirLock(dir);
    expect(readFileSync(lockFile(), 'utf8').split(' ')[0]).toBe(String(process.pid));
  });
});
