// Debian's chromium driven by playwright-core (never a downloaded browser), with axe-core injected for audits.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const launch = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: unknown[]; html: string; failureSummary?: string }[] }

/**
 * The axe rules whose outcome depends on colours: all that a page's second colour scheme can change (the markup, and
 * with it every other rule's outcome, is the same in both). An audit runs every rule in light mode and these in dark.
 */
export const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

/**
 * axe-core's violations of impact serious or critical on the page (shadow roots included); by default within the
 * widget's element, `include: null` for the whole page (the dashboard); every rule axe runs by default, or `rules`.
 */
export async function seriousViolations(page: Page, include: string[][] | null = [['parley-assistant']], rules?: string[]): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async ({ include, rules }) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return axe.run(include ? { include } : document, { resultTypes: ['violations'], ...(rules && { runOnly: { type: 'rule', values: rules } }) });
  }, { include, rules });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Waits until no finite CSS transition or animation is running (a modal or a notification fading in is drawn
 * half-transparent, which axe reads as low contrast); endless ones (spinners) are ignored.
 */
export async function settleAnimations(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity),
  );
}
