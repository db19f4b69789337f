// axe-core over a whole page (the dashboard), each finding as a line a failure prints.
import type { Page } from 'playwright-core';
import { seriousViolations } from './browser.ts';

/** axe-core's serious and critical violations on the whole page (every default rule, or `rules`), with the element. */
export async function pageViolations(page: Page, rules?: string[]): Promise<string[]> {
  return (await seriousViolations(page, null, rules)).flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(n.target)} ${n.html.slice(0, 300)} ${n.failureSummary ?? ''}`),
  );
}
