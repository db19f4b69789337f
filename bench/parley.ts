import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Child, freePort, spawnChild, waitForHttp } from './proc.ts';
import { MODEL } from './shape.ts';

/**
 * Parley as a user runs it: `node bin/parley.js start` in a child process, configured only
 * through its environment, set up only through its HTTP API.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `apk_` and 43 base62 characters, the shape PARLEY_BOOTSTRAP_KEY requires. */
export function generateKey(): string {
  const bytes = randomBytes(43);
  return `apk_${Array.from(bytes, (b) => BASE62[b % 62]).join('')}`;
}

/**
 * The variables `npm start` sets before `parley start` (package.json's start script: glibc's malloc tuning, see
 * docs/performance.md, Memory), so the benchmark runs Parley as a user does; an older checkout (`root`) runs with its own.
 */
function startScriptEnv(root: string): Record<string, string> {
  const script = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: { start?: string } }).scripts?.start ?? '';
  return Object.fromEntries([...script.matchAll(/(?:^|\s)([A-Z_][A-Z0-9_]*)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
}

/** The caller's environment without any setting that would change what Parley does. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(PARLEY_|DATABASE_URL$|OPENAI_|ANTHROPIC_|REDIS_|PORT$|HOST$)/.test(k)) continue;
    env[k] = v;
  }
  return env;
}

export interface ParleyServer {
  child: Child;
  url: string;
  key: string;
}

export interface ParleyInstance extends ParleyServer {
  assistantId: string;
}

/**
 * Starts `parley start` and waits until /readyz answers. Passing the `key` of an earlier run on the
 * same data keeps it valid: the bootstrap key is installed only into an empty database.
 */
export async function launchParley(opts: {
  name: string;
  dataDir: string;
  logFile: string;
  upstreamPort?: number;
  databaseUrl?: string;
  profileDir?: string;
  key?: string;
  /** Parley's log level; its default (info, one access line per request) unless given. */
  logLevel?: string;
  /** Another checkout of Parley to run (e.g. an older commit, to compare); this one by default. */
  root?: string;
}): Promise<ParleyServer> {
  const port = await freePort();
  const key = opts.key ?? generateKey();
  mkdirSync(opts.dataDir, { recursive: true });
  const root = opts.root ?? ROOT;
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(),
    ...startScriptEnv(root),
    PORT: String(port),
    HOST: '127.0.0.1',
    PARLEY_DATA_DIR: opts.dataDir,
    PARLEY_BOOTSTRAP_KEY: key,
    PARLEY_SECRET: randomBytes(24).toString('hex'),
    PARLEY_RATE_LIMIT_PER_MINUTE: '100000000',
    ...(opts.logLevel ? { PARLEY_LOG_LEVEL: opts.logLevel } : {}),
    PARLEY_SHUTDOWN_TIMEOUT_MS: '5000',
    ...(opts.upstreamPort !== undefined ? { OPENAI_COMPATIBLE_BASE_URL: `http://127.0.0.1:${opts.upstreamPort}/v1` } : {}),
    PARLEY_EGRESS_ALLOW: '127.0.0.1/32',
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
  };
  const nodeArgs = opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : [];
  const child = spawnChild(opts.name, process.execPath, [...nodeArgs, path.join(root, 'bin/parley.js'), 'start'], {
    env,
    cwd: root,
    logFile: opts.logFile,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/readyz`, child, 90_000);
  return { child, url, key };
}

export async function startParley(opts: {
  name: string;
  upstreamPort: number;
  dataDir: string;
  logFile: string;
  databaseUrl?: string;
  profileDir?: string;
  logLevel?: string;
}): Promise<ParleyInstance> {
  const { child, url, key } = await launchParley(opts);
  const res = await fetch(`${url}/orgs/c/assistants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Bench', config: { model: `openai-compatible/${MODEL}` } }),
  });
  const text = await res.text();
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`${opts.name}: creating the assistant answered ${res.status}: ${text}`);
  }
  const assistantId = (JSON.parse(text) as { id: string }).id;
  return { child, url, key, assistantId };
}
