import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { ENGINE } from './harness.ts';
import { freePort } from './postgres-server.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Storage that outlives one process: a data folder (PGlite) or a fresh database on the suite's PostgreSQL. */
export async function durableStorage(): Promise<Record<string, string>> {
  if (ENGINE === 'pglite') return { PARLEY_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'parley-proc-')) };
  const adminUrl = inject('pgAdminUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`).finally(() => admin.end());
  return { DATABASE_URL: adminUrl.replace(/\/postgres$/, `/${name}`) };
}

/** A bootstrap key the test knows, installed at the first start. */
export const testKey = () => `apk_${randomBytes(40).toString('base64url').replace(/[-_]/g, 'x').slice(0, 43)}`;

/** `parley start` as a real child process (so it can be killed), ready once /readyz answers. */
export async function startParley(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const port = await freePort();
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PARLEY_') && k !== 'DATABASE_URL'));
  const child = spawn(process.execPath, ['bin/parley.js', 'start'], {
    cwd: ROOT,
    env: { ...base, PARLEY_LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  // Generous: a first embedded start runs initdb, slow on a busy 2-core machine.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`parley exited ${child.exitCode}: ${stderr}`);
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return { child, url, stderr: () => stderr };
    if (Date.now() > deadline) throw new Error(`parley did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
