import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch } from './browser.ts';
import { type Parley, startParley } from './parley.ts';

/**
 * The dashboard's first load on the embedded server, as a new browser gets it (empty cache): what it downloads and
 * how long until the first screen can be used. Figures are printed, not asserted (a time depends on the machine);
 * what is asserted is that the first screen comes whole, gzipped, from the server alone, without the other screens.
 */
describe('the dashboard, first load', () => {
  let parley: Parley;
  let browser: Browser;
  beforeAll(async () => {
    parley = await startParley();
    browser = await launch();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await parley?.close();
  });

  it('shows its first screen from a cold cache with only the shell and that screen downloaded, gzipped', async () => {
    const runs: Array<{ ms: number; domContentLoaded: number; load: number; jsKb: number; cssKb: number; requests: number }> = [];
    for (let i = 0; i < 3; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const failed: string[] = [];
      const encodings = new Map<string, string | undefined>();
      page.on('response', (r) => {
        // Not signed in yet: `GET /user` answers 401, which is how the app learns it.
        if (r.status() >= 400 && !(r.status() === 401 && new URL(r.url()).pathname === '/user')) failed.push(`${r.status()} ${r.url()}`);
        if (/\.(js|css)$/.test(new URL(r.url()).pathname)) encodings.set(r.url(), r.headers()['content-encoding']);
      });
      const started = Date.now();
      await page.goto(`${parley.url}/app`);
      // No member yet: the first screen is the setup form.
      await page.getByRole('heading', { name: /set up parley/i, level: 1 }).waitFor();
      const ms = Date.now() - started;
      const timing = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
        const kb = (ext: string) => resources.filter((r) => new URL(r.name).pathname.endsWith(ext)).reduce((s, r) => s + r.encodedBodySize, 0) / 1024;
        return { domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, jsKb: kb('.js'), cssKb: kb('.css'), requests: resources.length + 1, names: resources.map((r) => new URL(r.name).pathname).filter((n) => /\.(js|css)$/.test(n)) };
      });
      expect(failed).toEqual([]);
      expect([...encodings.values()].every((e) => e === 'gzip'), JSON.stringify([...encodings])).toBe(true);
      expect(timing.names.length).toBeGreaterThan(0);
      expect(timing.names.every((n) => n.startsWith('/app/')), timing.names.join(', ')).toBe(true);
      // The inbox, the knowledge screen and the assistant editor are chunks of their own, not part of the first load.
      expect(timing.names.some((n) => /Inbox|Knowledge|AssistantEdit/.test(n)), timing.names.join(', ')).toBe(false);
      runs.push({ ms, domContentLoaded: timing.domContentLoaded, load: timing.load, jsKb: timing.jsKb, cssKb: timing.cssKb, requests: timing.requests });
      await context.close();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    process.stdout.write(
      `dashboard first load (embedded server, loopback, cold cache, median of ${runs.length}): first screen usable after ${median(runs.map((r) => r.ms))} ms ` +
        `(DOMContentLoaded ${median(runs.map((r) => r.domContentLoaded)).toFixed(0)} ms, load ${median(runs.map((r) => r.load)).toFixed(0)} ms); ` +
        `${runs[0]!.jsKb.toFixed(1)} KB of JavaScript and ${runs[0]!.cssKb.toFixed(1)} KB of CSS transferred gzipped in ${runs[0]!.requests} requests\n`,
    );
  });
});
