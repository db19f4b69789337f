// What every dashboard journey needs of its browser: pages whose errors are kept for a failure's report, screenshots of
// every open page when a test fails, and an axe audit with a screenshot in light and dark mode.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, expect } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { pageViolations } from './page-audit.ts';
import { COLOUR_RULES, settleAnimations } from './browser.ts';
import type { Parley } from './parley.ts';

export const SHOTS = path.resolve(import.meta.dirname, 'screenshots');

/** The owner the journeys sign in as. */
export const OWNER = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'correct horse battery staple' };

/** The first-run setup done over the API: the owner becomes ADMIN of the admin key's organization. */
export async function createOwner(parley: Parley): Promise<void> {
  const res = await fetch(`${parley.url}/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ admin_key: parley.key, ...OWNER }),
  });
  expect(res.status, await res.text()).toBe(200);
}

/** Signs the owner in on the sign-in screen and waits for the app's navigation. */
export async function signIn(p: Page, parley: Parley): Promise<void> {
  await p.goto(`${parley.url}/app`);
  await p.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
  await p.getByRole('textbox', { name: 'Email' }).fill(OWNER.email);
  await p.getByLabel(/^Password/).fill(OWNER.password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('navigation', { name: 'Sections' }).waitFor();
}

/**
 * Closes the confirmations on screen with their Dismiss button, as a person would, and waits until they are gone: one
 * fading out is drawn half-transparent, which axe reads as low contrast (waiting for them to close by themselves cost
 * 3 s per audit after an action).
 */
export async function dismissNotifications(p: Page): Promise<void> {
  const toasts = p.locator('.mantine-Notification-root');
  for (const dismiss of await toasts.getByRole('button', { name: 'Dismiss' }).all()) await dismiss.click().catch(() => {});
  await expect.poll(() => toasts.count(), { timeout: 10_000 }).toBe(0);
}

export interface DashboardSession {
  /** A fresh context (its own cookies), 1280 x 800 and light mode unless told; its pages' errors are kept. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A page in a fresh context, `width` px wide. */
  newPage(width: number, options?: BrowserContextOptions): Promise<Page>;
  /**
   * No serious or critical axe finding, then a screenshot `<name>-<scheme>.png`, in light and in dark mode (every rule
   * in light, the colour rules in dark: see COLOUR_RULES).
   */
  audit(p: Page, name: string, opts?: { fullPage?: boolean }): Promise<void>;
  /** Closes every context it opened. */
  close(): Promise<void>;
}

/**
 * Call in a `describe` body: `browser` is read when a page is made, so it may be launched in `beforeAll`.
 * `failurePrefix` names the screenshots taken when a test fails.
 */
export function dashboardSession(browser: () => Browser, failurePrefix: string): DashboardSession {
  const contexts: BrowserContext[] = [];
  let logs: string[] = [];
  mkdirSync(SHOTS, { recursive: true });

  beforeEach(({ onTestFailed, task }) => {
    logs = [];
    onTestFailed(async () => {
      process.stderr.write(`\n--- browser:\n${logs.join('\n')}\n`);
      // What the screens showed when it failed, for whoever reads the failure.
      const name = `${failurePrefix}-failure-${task.name.slice(0, 24).replace(/\W+/g, '-')}`;
      for (const [i, c] of contexts.entries()) {
        for (const p of c.pages()) await p.screenshot({ path: path.join(SHOTS, `${name}-${i}.png`), fullPage: true }).catch(() => {});
      }
    });
  });

  async function newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const c = await browser().newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', ...options });
    contexts.push(c);
    c.on('page', (p) => {
      p.on('console', (m) => m.type() === 'error' && logs.push(`${p.url()} console.error: ${m.text()}`));
      p.on('pageerror', (e) => logs.push(`${p.url()} uncaught: ${e.stack ?? e.message}`));
      p.on('response', (r) => r.status() >= 400 && logs.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`));
    });
    return c;
  }

  return {
    newContext,
    async newPage(width, options = {}) {
      return (await newContext({ ...options, viewport: { width, height: 800 } })).newPage();
    },
    async audit(p, name, opts = {}) {
      await dismissNotifications(p);
      for (const scheme of ['light', 'dark'] as const) {
        await p.emulateMedia({ colorScheme: scheme });
        await p.waitForFunction((s) => document.documentElement.dataset.mantineColorScheme === s, scheme);
        // Mantine's transitions (modals, the colour scheme's) end before axe measures contrast.
        await settleAnimations(p);
        expect(await pageViolations(p, scheme === 'dark' ? COLOUR_RULES : undefined), `${name} (${scheme})`).toEqual([]);
        // From the top: a full-page shot taken scrolled down paints the fixed header in the middle.
        if (opts.fullPage) await p.evaluate(() => window.scrollTo(0, 0));
        await p.screenshot({ path: path.join(SHOTS, `${name}-${scheme}.png`), fullPage: opts.fullPage ?? false });
      }
      await p.emulateMedia({ colorScheme: 'light' });
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
    },
  };
}
