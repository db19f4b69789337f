import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

/**
 * One embedded database folder, initialised and migrated once per run: each test copies it (well
 * under a second) instead of running PGlite's initdb (about 7 s on this machine) per server.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-pglite-template-'));
  // `parley migrate` in its own process: the embedded database's thread cannot start inside vitest's setup.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PARLEY_') && k !== 'DATABASE_URL'));
  const run = spawnSync(process.execPath, ['bin/parley.js', 'migrate'], {
    cwd: path.resolve(import.meta.dirname, '..'),
    env: { ...env, PARLEY_DATA_DIR: dir, PARLEY_LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`parley migrate failed (${run.status}): ${run.stderr}`);
  }
  project.provide('pgliteTemplate', dir);
  return async () => rmSync(dir, { recursive: true, force: true });
}
