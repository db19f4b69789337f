import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServer, type TestServer } from './harness.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

describe('the dashboard, built and served by Parley at /app', () => {
  let server: TestServer;
  beforeAll(async () => {
    // `npm test` builds first; a bare `vitest run` builds here (skipped when its inputs are unchanged).
    if (!existsSync(path.join(ROOT, 'dist/dashboard/index.html'))) spawnSync(process.execPath, ['web/dashboard/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    server = await startServer();
  }, 120_000);
  afterAll(() => server?.close());

  it('serves its page, never cached and not frameable, at /app and at every address of the app', async () => {
    for (const p of ['/app', '/app/', '/app/o/org_x/assistants', '/app/invite?token=pit_x', '/app/account/sessions']) {
      const res = await call(server, 'GET', p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
      expect(res.text).toContain('<div id="root"></div>');
    }
  });

  it('serves the content-hashed files it names, immutable, gzipped for browsers that accept it', async () => {
    const page = await call(server, 'GET', '/app');
    const js = /\/app\/assets\/(index-[\w-]+\.js)/.exec(page.text)?.[1];
    expect(js, 'the page names its hashed bundle').toBeTruthy();
    const plain = await call(server, 'GET', `/app/assets/${js}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const res = await fetch(`${server.url}/app/assets/${js}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toBe('accept-encoding');
    // Read to the end (fetch unzips it): a body left unread holds the connection, and the server's close waits for it.
    expect(await res.text()).toBe(plain.text);
  });

  it('answers a file that is not there with a clear 404, not with the page', async () => {
    const res = await call(server, 'GET', '/app/assets/index-nope.js');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'Dashboard file not found' });
  });

  it('keeps its routes out of the OpenAPI document, as the widget files are', async () => {
    const doc = (await call(server, 'GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/app'))).toEqual([]);
  });
});

describe('the dashboard routes before a build', () => {
  it('say how to build it', async () => {
    const { dashboardAssetRoutes } = await import('../src/features/dashboard/index.ts');
    const [page] = dashboardAssetRoutes({ index: null, assets: new Map() });
    await expect(page!.handler({} as never)).rejects.toThrow(/has not been built: run `npm start`/);
  });
});
