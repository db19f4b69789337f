import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Child, freePort, spawnChild, waitForHttp, withTimeout } from './proc.ts';

/**
 * `--peers`: the open-source Portkey AI gateway, the best-known Node peer, installed into a
 * temporary folder (never into the project) and routed to the same fake upstream.
 * Its streaming needs @hono/node-server 1.13.8: with the version npm picks (1.19.x) every
 * streamed request fails with 500 ("TypeError: immutable" in its header handling). npm would
 * nest that newer copy under the gateway, so the pin is an override in a throwaway package.json.
 */
const MANIFEST = {
  private: true,
  dependencies: { '@portkey-ai/gateway': 'latest', '@hono/node-server': '1.13.8' },
  overrides: { '@hono/node-server': '1.13.8' },
};

function npmInstall(prefix: string, log: (line: string) => void): Promise<void> {
  writeFileSync(path.join(prefix, 'package.json'), JSON.stringify(MANIFEST, null, 2));
  return new Promise((resolve, reject) => {
    const args = ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error'];
    log(`npm ${args.join(' ')} (@portkey-ai/gateway, @hono/node-server pinned to 1.13.8)`);
    const proc = spawn('npm', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (b: Buffer) => (output += b.toString()));
    proc.stderr.on('data', (b: Buffer) => (output += b.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`npm install exited with ${code}: ${output.trim().split('\n').slice(-5).join(' / ')}`));
    });
    setTimeout(() => proc.kill('SIGKILL'), 240_000).unref();
  });
}

function versionOf(dir: string): string {
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

export interface Portkey {
  child: Child;
  url: string;
  headers: Record<string, string>;
  version: string;
  honoVersion: string;
}

export async function startPortkey(opts: { tmpRoot: string; upstreamPort: number; logFile: string; log: (line: string) => void }): Promise<Portkey> {
  const { tmpRoot, upstreamPort, log } = opts;
  const prefix = path.join(tmpRoot, 'portkey');
  mkdirSync(prefix, { recursive: true });
  await withTimeout(npmInstall(prefix, log), 250_000, 'npm install of the Portkey gateway');
  const pkgDir = path.join(prefix, 'node_modules/@portkey-ai/gateway');
  const version = versionOf(pkgDir);
  const hono = versionOf(path.join(prefix, 'node_modules/@hono/node-server'));
  const port = await freePort();
  const child = spawnChild('portkey', process.execPath, [path.join(pkgDir, 'build/start-server.js'), `--port=${port}`, '--headless'], {
    cwd: prefix,
    env: { ...process.env, NODE_ENV: 'production' },
    logFile: opts.logFile,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/`, child, 30_000);
  return {
    child,
    url,
    version,
    honoVersion: hono,
    headers: {
      authorization: 'Bearer sk-bench',
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `http://127.0.0.1:${upstreamPort}/v1`,
    },
  };
}
