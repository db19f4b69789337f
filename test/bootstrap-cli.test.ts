import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import { type Running, start } from '../src/main.ts';
import { call, ENGINE, migratedDataDir } from './harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KEY = /^apk_[A-Za-z0-9]{43}$/;
const INVALID = { message: 'invalid or expired api key' };
const SLOW = 60_000;

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-data-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A base62 key of the documented shape, as an operator would generate one. */
function makeKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return `apk_${[...randomBytes(43)].map((b) => alphabet[b % 62]).join('')}`;
}

/** `parley start` in this process, on port 0, with what it prints captured. */
async function startParley(env: Record<string, string>): Promise<{ running: Running; printed: string[] }> {
  const printed: string[] = [];
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', PARLEY_LOG_LEVEL: 'silent', ...env });
  const running = await start(config, { print: (line) => printed.push(line) });
  return { running, printed };
}

describe('PARLEY_BOOTSTRAP_KEY validation', () => {
  it('rejects a malformed key, naming the variable and not echoing the value', () => {
    for (const bad of ['apk_short', `sk_${'A'.repeat(43)}`, `apk_${'A'.repeat(40)}!!!`]) {
      let error: unknown;
      try {
        loadConfig({ PARLEY_BOOTSTRAP_KEY: bad });
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message, bad).toContain('PARLEY_BOOTSTRAP_KEY');
      expect(message, bad).not.toContain(bad);
    }
  });

  it('accepts a well-formed key', () => {
    const key = makeKey();
    expect(loadConfig({ PARLEY_BOOTSTRAP_KEY: key }).bootstrapKey?.reveal()).toBe(key);
  });
});

describe.skipIf(ENGINE === 'postgres')('first start on an embedded data folder', () => {
  const running: Running[] = [];
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
  });
  const launch = async (env: Record<string, string>) => {
    const started = await startParley(env);
    running.push(started.running);
    return started;
  };
  const stopAll = async () => {
    for (const r of running.splice(0)) await r.stop();
  };

  const dataDir = tempDir();
  let firstKey = '';

  it('creates the Default org and prints an admin key once', { timeout: SLOW }, async () => {
    // On a terminal: a banner, the key alone on its line.
    const { running: server, printed } = await launch({ PARLEY_DATA_DIR: dataDir, PARLEY_LOG_PRETTY: 'true' });
    const keyLines = printed.filter((l) => l.includes('apk_'));
    expect(keyLines, printed.join('\n')).toHaveLength(1);
    expect(printed.join('\n')).toContain('It is shown only now; store it somewhere safe:');
    firstKey = keyLines[0]!.trim();
    expect(firstKey).toMatch(KEY);

    const list = await call(server, 'GET', '/orgs/c/assistants', { key: firstKey });
    expect(list.status, list.text).toBe(200);
    expect(list.body).toEqual([]);
    expect(list.headers.get('pagination-count')).toBe('0');
    expect(list.headers.get('pagination-page')).toBe('1');
    expect(list.headers.get('pagination-take')).toBe('20');
    const org = await call(server, 'GET', '/orgs/c', { key: firstKey });
    expect(org.body).toMatchObject({ name: 'Default', parent_id: null });
    expect((await call(server, 'GET', '/healthz')).status).toBe(200);
    const ready = await call(server, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok' });
  });

  it('prints the key as one JSON line when the output is not a terminal (JSON log lines)', { timeout: SLOW }, async () => {
    const dir = migratedDataDir();
    tempDirs.push(dir);
    const { running: server, printed } = await launch({ PARLEY_DATA_DIR: dir, PARLEY_LOG_PRETTY: 'false' });
    const keyLines = printed.filter((l) => l.includes('apk_'));
    expect(keyLines, printed.join('\n')).toHaveLength(1);
    expect(printed.every((l) => typeof JSON.parse(l) === 'object'), printed.join('\n')).toBe(true);
    const line = JSON.parse(keyLines[0]!);
    expect(line).toMatchObject({ msg: expect.stringContaining('shown only now'), org_id: expect.stringMatching(/^org_/), key_id: expect.stringMatching(/^key_/) });
    expect(line.admin_key).toMatch(KEY);
    expect((await call(server, 'GET', '/orgs/c', { key: line.admin_key })).body).toMatchObject({ id: line.org_id, name: 'Default' });
  });

  it('keeps the org and key across a restart and prints no new key', { timeout: SLOW }, async () => {
    expect(firstKey).toMatch(KEY);
    await stopAll();
    const { running: server, printed } = await launch({ PARLEY_DATA_DIR: dataDir });
    expect(printed.join('\n')).not.toContain('apk_');
    const res = await call(server, 'GET', '/orgs/c/assistants', { key: firstKey });
    expect(res.status, res.text).toBe(200);
    const keys = await call(server, 'GET', '/orgs/c/api-keys', { key: firstKey });
    expect(keys.body).toHaveLength(1);
  });

  it('installs PARLEY_BOOTSTRAP_KEY on an empty folder without printing a secret', { timeout: SLOW }, async () => {
    const dir = tempDir();
    const key = makeKey();
    const first = await launch({ PARLEY_DATA_DIR: dir, PARLEY_BOOTSTRAP_KEY: key });
    expect(first.printed.join('\n')).not.toContain('apk_');
    const res = await call(first.running, 'GET', '/orgs/c/assistants', { key });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual([]);
    const org = await call(first.running, 'GET', '/orgs/c', { key });
    expect(org.body.name).toBe('Default');

    // Only a first start installs it: another key later on the same folder is not added.
    await stopAll();
    const other = makeKey();
    const second = await launch({ PARLEY_DATA_DIR: dir, PARLEY_BOOTSTRAP_KEY: other });
    expect(second.printed.join('\n')).not.toContain('apk_');
    const refused = await call(second.running, 'GET', '/orgs/c', { key: other });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual(INVALID);
    expect((await call(second.running, 'GET', '/orgs/c', { key })).status).toBe(200);
  });
});

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/parley.js ...args` with a clean Parley environment; killed after 45 s. */
function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('PARLEY_') && k !== 'DATABASE_URL'),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/parley.js', ...args], {
      cwd: ROOT,
      env: { ...base, PARLEY_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const show = (r: CliResult) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

/**
 * Where the CLI keeps its data on this project's engine: a migrated PGlite folder, or a fresh PostgreSQL database
 * (the first-start tests above create an embedded one from an empty folder).
 */
async function cliStorage(): Promise<Record<string, string>> {
  if (ENGINE === 'pglite') {
    const dir = migratedDataDir();
    tempDirs.push(dir);
    return { PARLEY_DATA_DIR: dir };
  }
  const adminUrl = inject('pgAdminUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return { DATABASE_URL: adminUrl.replace(/\/postgres$/, `/${name}`) };
}

describe('the parley command', () => {
  let storage: Record<string, string>;
  let orgId = '';
  let adminKey = '';
  let runtimeKey = { id: '', key: '' };
  let adminKeyId = '';
  const cli = (...args: string[]) => runCli(args, storage);

  it('creates and lists organizations', { timeout: SLOW }, async () => {
    storage = await cliStorage();
    const created = await cli('orgs', 'create', '--name', 'Acme');
    expect(created.code, show(created)).toBe(0);
    const m = /\b(org_[A-Za-z0-9]+)\b/.exec(created.stdout);
    expect(m, show(created)).not.toBeNull();
    orgId = m![1]!;

    const list = await cli('orgs', 'list');
    expect(list.code, show(list)).toBe(0);
    const row = list.stdout.split('\n').find((l) => l.includes(orgId));
    expect(row, show(list)).toBeDefined();
    expect(row).toContain('Acme');
  });

  it('creates a key and prints only the key', { timeout: SLOW }, async () => {
    expect(orgId).not.toBe('');
    const res = await cli('keys', 'create', '--org', 'default');
    expect(res.code, show(res)).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines, show(res)).toHaveLength(2); // the key and the final newline
    expect(lines[1]).toBe('');
    expect(lines[0]).toMatch(KEY);
    adminKey = lines[0]!;
  });

  it('creates a runtime key as JSON', { timeout: SLOW }, async () => {
    expect(orgId).not.toBe('');
    const res = await cli('keys', 'create', '--org', orgId, '--scope', 'runtime', '--json');
    expect(res.code, show(res)).toBe(0);
    const json = JSON.parse(res.stdout);
    expect(json).toMatchObject({ scope: 'runtime', org_id: orgId });
    expect(json.key).toMatch(KEY);
    expect(json.id).toMatch(/^key_/);
    runtimeKey = { id: json.id, key: json.key };
  });

  it('lists key ids without secrets, and revokes one', { timeout: SLOW }, async () => {
    expect(runtimeKey.id).not.toBe('');
    const list = await cli('keys', 'list', '--json');
    expect(list.code, show(list)).toBe(0);
    const keys = JSON.parse(list.stdout) as Array<{ id: string; org_id: string; scope: string }>;
    expect(keys.map((k) => k.id)).toContain(runtimeKey.id);
    expect(keys).toHaveLength(2);
    expect(list.stdout).not.toContain(runtimeKey.key);
    expect(list.stdout).not.toContain(adminKey);
    adminKeyId = keys.find((k) => k.id !== runtimeKey.id)!.id;

    const table = await cli('keys', 'list');
    expect(table.code, show(table)).toBe(0);
    expect(table.stdout).toContain(runtimeKey.id);
    expect(table.stdout).toContain(adminKeyId);

    const revoked = await cli('keys', 'revoke', runtimeKey.id);
    expect(revoked.code, show(revoked)).toBe(0);
    expect(revoked.stdout).toContain(runtimeKey.id);

    const after = await cli('keys', 'list');
    expect(after.code, show(after)).toBe(0);
    expect(after.stdout).not.toContain(runtimeKey.id);
    expect(after.stdout).toContain(adminKeyId);
  });

  it('explains itself and fails helpfully on bad input', { timeout: SLOW }, async () => {
    const env = { PARLEY_DATA_DIR: tempDir() };
    const [help, unknown, missing, badScope, badDate, shortName] = await Promise.all([
      runCli(['keys', 'create', '--help'], env),
      runCli(['frobnicate'], env),
      runCli(['keys', 'create'], env),
      runCli(['keys', 'create', '--org', 'default', '--scope', 'root'], env),
      runCli(['keys', 'create', '--org', 'default', '--expires-at', 'next tuesday'], env),
      runCli(['orgs', 'create', '--name', 'x'], env),
    ]);
    expect(badDate.code, show(badDate)).toBe(1);
    expect(badDate.stderr).toMatch(/expires_at/);
    expect(shortName.code, show(shortName)).toBe(1);
    expect(shortName.stderr).toMatch(/name/);
    expect(help.code, show(help)).toBe(0);
    expect(help.stdout).toContain('--scope');
    expect(help.stdout).toMatch(/admin/);
    expect(help.stdout).toMatch(/runtime/);

    expect(unknown.code, show(unknown)).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(missing.code, show(missing)).not.toBe(0);
    expect(missing.stderr).toMatch(/--org/);
    expect(badScope.code, show(badScope)).not.toBe(0);
    expect(badScope.stderr).toMatch(/admin, runtime/);
  });

  it('stops quietly when its output is closed early (`parley openapi | head`)', { timeout: SLOW }, async () => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PARLEY_') && k !== 'DATABASE_URL'));
    const child = spawn(process.execPath, ['bin/parley.js', 'openapi'], { cwd: ROOT, env: base, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // What `head -c 100` does: read the first bytes, then close the pipe while the rest is still being written.
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString('utf8'))));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(first).toMatch(/^\{\s*"openapi": "3\.1\.0"/);
    expect({ code, stderr: stderr.replace(/^parley: built the server.*\n/m, '') }).toEqual({ code: 0, stderr: '' });
  });

  it('made keys the server accepts, and refuses to share a busy embedded folder', { timeout: SLOW }, async () => {
    expect(adminKey).toMatch(KEY);
    const { running, printed } = await startParley(storage);
    try {
      expect(printed.join('\n')).not.toContain('apk_'); // not empty: no bootstrap key
      const own = await call(running, 'GET', '/orgs/c', { key: adminKey });
      expect(own.status, own.text).toBe(200);
      expect(own.body).toMatchObject({ id: orgId, name: 'Acme' });
      const revoked = await call(running, 'GET', '/orgs/c', { key: runtimeKey.key });
      expect(revoked.status).toBe(401);
      expect(revoked.body).toEqual(INVALID);

      if (ENGINE === 'pglite') {
        const busy = await cli('orgs', 'list');
        expect(busy.code, show(busy)).not.toBe(0);
        expect(busy.stderr).toMatch(/another Parley process/);
      }
    } finally {
      await running.stop();
    }
  });
});
