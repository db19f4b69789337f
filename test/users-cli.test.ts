import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { start } from '../src/main.ts';
import { call, ENGINE, migratedDataDir } from './harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PASSWORD = 'correct horse battery staple';
const SLOW = 180_000; // each case opens embedded databases, in this process and in child processes
const dirs: string[] = [];
/** A migrated embedded data folder (bootstrap-cli.test.ts starts from an empty one). */
const dataDir = () => {
  const d = migratedDataDir();
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** `node bin/parley.js ...args` with `stdin` piped in and a clean Parley environment. */
function runCli(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PARLEY_') && k !== 'DATABASE_URL'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/parley.js', ...args], { cwd: ROOT, env: { ...base, PARLEY_LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

const signIn = (server: { url: string }, email: string, password = PASSWORD) => call(server, 'POST', '/auth/sign-in', { json: { email, password } });

describe('first owner settings', () => {
  it('must be set together, with a password of 8 or more characters', () => {
    expect(() => loadConfig({ PARLEY_BOOTSTRAP_EMAIL: 'owner@example.com' })).toThrow(/must be set together/);
    expect(() => loadConfig({ PARLEY_BOOTSTRAP_EMAIL: 'owner@example.com', PARLEY_BOOTSTRAP_PASSWORD: 'short' })).toThrow(/at least 8/);
    const config = loadConfig({ PARLEY_BOOTSTRAP_EMAIL: 'Owner@Example.com', PARLEY_BOOTSTRAP_PASSWORD: PASSWORD });
    expect(config.bootstrapUser?.email).toBe('owner@example.com');
    expect(JSON.stringify(config)).not.toContain(PASSWORD);
  });
});

// Both start a whole embedded instance on a migrated data folder with no one in it.
describe.skipIf(ENGINE === 'postgres')('the first owner', () => {
  it('is created from PARLEY_BOOTSTRAP_EMAIL and PARLEY_BOOTSTRAP_PASSWORD on first start, once', { timeout: SLOW }, async () => {
    const dir = dataDir();
    const env = { PORT: '0', HOST: '127.0.0.1', PARLEY_LOG_LEVEL: 'silent', PARLEY_DATA_DIR: dir };
    const first = await start(loadConfig({ ...env, PARLEY_BOOTSTRAP_EMAIL: 'owner@example.com', PARLEY_BOOTSTRAP_PASSWORD: PASSWORD }), { print: () => {} });
    try {
      const res = await signIn(first, 'owner@example.com');
      expect(res.status, res.text).toBe(200);
      expect(res.body.user.memberships).toEqual([expect.objectContaining({ org_name: 'Default', role: 'ADMIN' })]);
    } finally {
      await first.stop();
    }
    // A restart with other values adds nobody: the instance has a user already.
    const second = await start(loadConfig({ ...env, PARLEY_BOOTSTRAP_EMAIL: 'other@example.com', PARLEY_BOOTSTRAP_PASSWORD: PASSWORD }), { print: () => {} });
    try {
      expect((await signIn(second, 'other@example.com')).status).toBe(401);
      expect((await signIn(second, 'owner@example.com')).status).toBe(200);
    } finally {
      await second.stop();
    }
  });

  it('is created by `parley users create --password-stdin`, which refuses short passwords and taken emails', { timeout: SLOW }, async () => {
    const env = { PARLEY_DATA_DIR: dataDir() };
    expect((await runCli(['orgs', 'create', '--name', 'Default'], env)).code).toBe(0);
    const created = await runCli(['users', 'create', '--email', 'Boss@Example.com', '--password-stdin', '--role', 'MANAGER'], env, `${PASSWORD}\n`);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^created user usr_\w+ \(boss@example\.com\), MANAGER of org_\w+\n$/);
    const short = await runCli(['users', 'create', '--email', 'b@example.com', '--password-stdin'], env, 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least|>=8/);
    const taken = await runCli(['users', 'create', '--email', 'boss@example.com', '--password-stdin'], env, `${PASSWORD}\n`);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('already exists');

    const running = await start(loadConfig({ PORT: '0', HOST: '127.0.0.1', PARLEY_LOG_LEVEL: 'silent', ...env }), { print: () => {} });
    try {
      const res = await signIn(running, 'boss@example.com');
      expect(res.status, res.text).toBe(200);
      expect(res.body.user.memberships[0].role).toBe('MANAGER');
    } finally {
      await running.stop();
    }
  });
});
