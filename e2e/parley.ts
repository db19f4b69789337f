// A real Parley for the browser tests: `parley start` as a child process on its own data folder, driven over HTTP
// only (e2e never imports src/).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

export interface Parley {
  url: string;
  key: string;
  api: <T = any>(method: string, path: string, json?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: T; text: string }>;
  close(): Promise<void>;
}

export async function startParley(env: Record<string, string> = {}): Promise<Parley> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-e2e-'));
  const key = `apk_${randomBytes(40).toString('base64url').replace(/[-_]/g, 'x').slice(0, 43)}`;
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PARLEY_') && k !== 'DATABASE_URL'));
  const child: ChildProcess = spawn(process.execPath, ['bin/parley.js', 'start'], {
    cwd: ROOT,
    env: { ...base, PARLEY_LOG_LEVEL: 'warn', PARLEY_DATA_DIR: dataDir, PARLEY_BOOTSTRAP_KEY: key, PARLEY_SECRET: randomBytes(24).toString('hex'), PARLEY_RATE_LIMIT_PER_MINUTE: '100000', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let closing = false;
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  // A server that dies under a test would otherwise only show as refused connections.
  child.once('exit', (code, signal) => {
    if (!closing) process.stderr.write(`\nparley exited during the tests (${code ?? signal}):\n${stderr.slice(-4000)}\n`);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`parley exited ${child.exitCode}: ${stderr}`);
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error(`parley did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const api: Parley['api'] = async (method, p, json, headers = {}) => {
    const res = await fetch(url + p, {
      method,
      headers: { ...(headers.cookie ? {} : { authorization: `Bearer ${key}` }), ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body, text };
  };
  return {
    url,
    key,
    api,
    async close() {
      closing = true;
      child.kill('SIGTERM');
      await new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A member of the bootstrap org with `role`, invited with the key and signed in: headers for cookie calls. */
export async function signedInMember(parley: Parley, role: string): Promise<{ name: string; headers: Record<string, string> }> {
  const email = `agent-${randomBytes(4).toString('hex')}@example.com`;
  const invite = await parley.api('POST', '/orgs/c/invites', { email, role });
  if (invite.status !== 200) throw new Error(`invite: ${invite.status} ${invite.text}`);
  const name = 'Ana Agent';
  const res = await fetch(`${parley.url}/auth/accept-invite`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: invite.body.token, name, password: 'correct horse battery staple' }),
  });
  const body = (await res.json()) as { csrf_token: string };
  if (res.status !== 200) throw new Error(`accept-invite: ${res.status} ${JSON.stringify(body)}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('parley_session='))!.split(';')[0]!;
  return { name, headers: { cookie, 'x-csrf-token': body.csrf_token } };
}
