import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, seedOrg, startServer, type TestServer } from './harness.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const gz = (s: string) => gzipSync(Buffer.from(s), { level: 9 }).length;

describe('the web widget, built and served by Parley', () => {
  let server: TestServer;
  beforeAll(async () => {
    // `npm test` builds first; a bare `vitest run` builds here (about a second).
    if (!existsSync(path.join(ROOT, 'dist/widget/widget.js'))) spawnSync(process.execPath, ['web/widget/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    server = await startServer();
  });
  afterAll(() => server?.close());

  it('serves the loader with a short cache, and the bundle it loads content-hashed and immutable, within the size budget', async () => {
    const loader = await call(server, 'GET', '/widget.js');
    expect(loader.status, loader.text).toBe(200);
    expect(loader.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(loader.headers.get('cache-control')).toBe('public, max-age=300');
    const app = /widget\/assets\/(app-[A-Za-z0-9]+\.js)/.exec(loader.text)?.[1];
    expect(app, 'the loader names the hashed bundle').toBeTruthy();
    const bundle = await call(server, 'GET', `/widget/assets/${app}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(bundle.text).toContain('parley');
    // The budgets of the issue: loader under 5 KB, everything under 40 KB, gzipped.
    expect(gz(loader.text)).toBeLessThan(5 * 1024);
    expect(gz(loader.text) + gz(bundle.text)).toBeLessThan(40 * 1024);
  });

  it('answers an unknown asset with a clear 404', async () => {
    const res = await call(server, 'GET', '/widget/assets/app-nope.js');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'Widget asset not found' });
  });

  it('serves a demo page that embeds the widget of the assistant it names, escaped', async () => {
    const t = await seedOrg(server);
    const bot = await call(server, 'POST', '/orgs/c/assistants', { key: t.key, json: { name: 'Demo', config: { widget: { enabled: true } } } });
    const page = await call(server, 'GET', `/widget/demo?assistant_id=${bot.body.id}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain(`<script src="/widget.js" data-assistant-id="${bot.body.id}" async></script>`);
    // The snippet to copy into another site names this server in full.
    expect(page.text).toContain(`&#60;script src=&#34;${server.url}/widget.js&#34; data-assistant-id=&#34;${bot.body.id}&#34; async&#62;`);
    expect(page.text).not.toContain('role="alert"');
    // An assistant whose widget is off (the default), or no assistant at all: the page says why there is no button.
    const off = await call(server, 'POST', '/orgs/c/assistants', { key: t.key, json: { name: 'Not yet' } });
    for (const id of [off.body.id, 'ast_nope']) {
      const page = await call(server, 'GET', `/widget/demo?assistant_id=${id}`);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('<script src="/widget.js"');
      expect(page.text).toMatch(/role="alert"[^>]*>No assistant with the id <code>ast_\w+<\/code> has its web widget turned on/);
      expect(page.text).toContain('href="/guides/widget#turning-it-on"');
    }
    const hostile = await call(server, 'GET', `/widget/demo?assistant_id=${encodeURIComponent('"><script>x</script>')}`);
    expect(hostile.text).not.toContain('<script>x</script>');
    // Parley's own origin is allowed by every assistant: the demo page's widget may start a session.
    const session = await call(server, 'POST', '/widget/v1/sessions', { headers: { origin: server.url }, json: { assistant_id: bot.body.id } });
    expect(session.status, session.text).toBe(200);
  });
});

describe('the widget routes before a build', () => {
  it('answer the loader and its files with a 404 that says how to build them', async () => {
    const { loadWidgetBuild, widgetAssetRoutes } = await import('../src/features/widget/index.ts');
    const build = loadWidgetBuild(path.join(ROOT, '.tmp', 'no-widget-build-here'));
    expect(build.loader).toBeNull();
    const routes = widgetAssetRoutes(build);
    const loader = routes.find((r) => r.url === '/widget.js')!;
    const asset = routes.find((r) => r.url.startsWith('/widget/assets/'))!;
    await expect(loader.handler({} as never)).rejects.toThrow(/has not been built: run `npm start`/);
    await expect(asset.handler({ params: { file: 'app-abc.js' } } as never)).rejects.toThrow(/has not been built|not found/i);
  });
});
