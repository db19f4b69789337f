import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch } from './browser.ts';
import { createOwner, dashboardSession, signIn } from './dashboard-session.ts';
import { type Parley, startParley } from './parley.ts';


const html = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

/** The help center the crawler reads: two pages linked from the start page, and one that is missing. */
const PAGES: Record<string, string> = {
  '/': html('Acme help', '<p>Welcome to the Acme help center.</p><a href="/returns">Returns</a> <a href="/shipping">Shipping</a>'),
  '/returns': html('Returns and refunds', '<h2>Returns</h2><p>Returns are accepted within 30 days of delivery.</p><h2>Refunds</h2><p>Refunds take 5 working days once the parcel reaches our warehouse.</p>'),
  '/shipping': html('Shipping', '<p>Parcels ship from Lisbon within 2 days of the order.</p>'),
};

/**
 * The knowledge journey: the owner adds a text, two files and a small website (crawled from a local server) and one
 * that fails, watches them processed live, finds a passage in the search tester, then asks an assistant in the
 * playground and gets a streamed answer citing that website, and a handover when they ask for a person. axe and
 * screenshots at 1280 px and 390 px, light and dark.
 */
describe('knowledge and the playground in a browser', () => {
  let parley: Parley;
  let site: Server;
  let origin: string;
  let browser: Browser;
  let orgId: string;
  let assistantId: string;
  let page: Page;
  const session = dashboardSession(() => browser, 'knowledge');
  const { newPage } = session;
  const audit = (p: Page, name: string) => session.audit(p, name, { fullPage: true });

  beforeAll(async () => {
    site = createServer((req, res) => {
      const body = PAGES[(req.url ?? '/').split('?')[0]!];
      res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(body ?? 'not found');
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
    // The crawler's egress guard refuses loopback addresses unless allowed; the test site is on one.
    parley = await startParley({ PARLEY_EGRESS_ALLOW: '127.0.0.1/32' });
    orgId = (await parley.api('GET', '/user')).body.api_key.org_id;
    const bot = await parley.api('POST', '/orgs/c/assistants', { name: 'Acme Help', config: { instructions: 'Answer from the Acme help center.' } });
    expect(bot.status, bot.text).toBe(200);
    assistantId = bot.body.id;
    await createOwner(parley);
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await session.close();
    await browser?.close();
    await parley?.close();
    await new Promise<void>((r) => (site ? site.close(() => r()) : r()));
  });

  /** A form field by its label; Mantine adds " *" to the label of a required one. */
  const field = (p: Page, label: string) => p.getByRole('textbox', { name: new RegExp(`^${label}( \\*)?$`) });
  const row = (p: Page, title: string | RegExp) => p.getByRole('table', { name: 'Knowledge items' }).getByRole('row', { name: title });

  it('adds a text, files and a website, watches them processed, and finds a passage in the search tester', async () => {
    page = await newPage(1280);
    await signIn(page, parley);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Knowledge' }).click();
    await page.getByRole('heading', { name: 'Knowledge', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/app/o/${orgId}/knowledge`);
    await page.getByText('No knowledge yet').waitFor();
    await audit(page, 'knowledge-empty-1280');

    // A text.
    await field(page, 'Title').fill('Opening hours');
    await field(page, 'Text').fill('# Opening hours\n\nThe Lisbon store is open from 10am to 7pm, Monday to Saturday.');
    await page.getByRole('button', { name: 'Add text' }).click();
    await row(page, /Opening hours/).waitFor();

    // Two files at once, through the file input behind "Choose files".
    await page.getByRole('tab', { name: 'Files' }).click();
    await page.locator('input[type=file]').setInputFiles([
      { name: 'warranty.md', mimeType: 'text/markdown', buffer: Buffer.from('# Warranty\n\nEvery Acme kettle has a two-year warranty.') },
      { name: 'care.txt', mimeType: 'text/plain', buffer: Buffer.from('Descale the kettle once a month with white vinegar.') },
    ]);
    const uploads = page.getByRole('list', { name: 'Uploads' });
    // Generous waits here and below: on a loaded machine (the whole suite on two cores) an upload can take seconds.
    await expect.poll(async () => (await uploads.textContent()) ?? '', { timeout: 30_000 }).toMatch(/warranty\.md\s*added.*care\.txt\s*added|care\.txt\s*added.*warranty\.md\s*added/s);
    await row(page, /Warranty|warranty\.md/).waitFor({ timeout: 15_000 });

    // A website crawled from its start page, and a page that is missing (it fails, and says why).
    await page.getByRole('tab', { name: 'Website' }).click();
    await page.getByText('Crawl the site').click();
    await field(page, 'Address').fill(`${origin}/`);
    await field(page, 'Title').fill('Help center');
    const exclude = page.getByRole('combobox', { name: 'Never paths matching' });
    await exclude.fill('/shipping');
    await exclude.press('Enter');
    await page.getByRole('button', { name: 'Add website' }).click();
    await row(page, /Help center/).waitFor();
    await page.getByText('Single page').click();
    await field(page, 'Address').fill(`${origin}/missing`);
    await field(page, 'Title').fill('Old FAQ');
    await page.getByRole('button', { name: 'Add website' }).click();

    // The list polls while anything is being processed: everything reaches its final state without a reload.
    await row(page, /Old FAQ/).getByText('Failed').waitFor({ timeout: 30_000 });
    expect(await row(page, /Old FAQ/).textContent()).toMatch(/404/);
    for (const title of [/Opening hours/, /Help center/, /Warranty/, /care/]) await row(page, title).getByText('Processed').waitFor({ timeout: 30_000 });
    // The crawl kept the start page and /returns, and skipped /shipping by the exclude pattern.
    expect(await row(page, /Help center/).textContent()).toMatch(/2 pages, 1 skipped/);
    const stored = (await parley.api('GET', '/orgs/c/knowledge/contents')).body as { title: string; status: string }[];
    expect(stored.map((i) => `${i.title}: ${i.status}`).sort()).toEqual(['Help center: PROCESSED', 'Old FAQ: FAILED', 'Opening hours: PROCESSED', 'Warranty: PROCESSED', 'care.txt: PROCESSED']);
    await expect.poll(() => page.getByRole('definition').first().textContent(), { timeout: 15_000 }).toBe('5');

    // The search tester ranks the passages a question finds.
    await page.getByRole('textbox', { name: 'Question' }).fill('How long do refunds take?');
    await page.getByRole('button', { name: 'Search' }).click();
    const first = page.getByRole('list', { name: 'Ranked passages' }).getByRole('listitem').first();
    await first.waitFor();
    expect(await first.textContent()).toMatch(/^1\. Returns and refunds.*Refunds take 5 working days/s);
    expect(await first.textContent()).toMatch(/score \d\.\d{4}/);
    // No embedding model here: the full-text rank alone, no vector rank that could never be.
    expect(await first.textContent()).toMatch(/full-text #1$/);
    expect(await first.getByRole('link', { name: 'Returns and refunds' }).getAttribute('href')).toBe(`${origin}/returns`);
    await audit(page, 'knowledge-1280');

    // A re-sync reads the site again; a delete asks first.
    await row(page, /Help center/).getByRole('button', { name: 'Re-sync Help center' }).click();
    await row(page, /Help center/).getByText('Processed').waitFor({ timeout: 30_000 });
    await row(page, /Old FAQ/).getByRole('button', { name: 'Delete Old FAQ' }).click();
    await page.getByRole('dialog', { name: 'Delete Old FAQ?' }).getByRole('button', { name: 'Delete' }).click();
    await row(page, /Old FAQ/).waitFor({ state: 'detached' });

    // A phone.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('heading', { name: 'Knowledge', level: 1 }).waitFor();
    await audit(page, 'knowledge-390');
  }, 180_000);

  it('answers in the playground token by token, citing the website, then hands over when asked for a person', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Playground' }).click();
    await page.getByRole('heading', { name: 'Playground', level: 1 }).waitFor();
    expect(await page.getByLabel('Assistant', { exact: true }).first().inputValue()).toBe('Acme Help');
    await audit(page, 'playground-empty-1280');

    // Count the token events the page receives, to see that the reply streamed rather than came in one piece.
    const frames: string[] = [];
    page.on('response', async (r) => {
      if (r.url().endsWith('/invoke/stream')) frames.push(await r.text().catch(() => ''));
    });
    const message = page.getByRole('textbox', { name: 'Message' });
    await message.fill('How long do refunds take?');
    await message.press('Enter');
    const log = page.getByRole('log', { name: 'Conversation' });
    const reply = log.getByTestId('reply').last();
    await expect.poll(() => reply.textContent(), { timeout: 20_000 }).toMatch(/Refunds take 5 working days/);
    const sources = log.getByTestId('sources').last();
    await sources.waitFor();
    expect(await sources.getByRole('link', { name: 'Returns and refunds' }).getAttribute('href')).toBe(`${origin}/returns`);
    await expect.poll(() => frames.length, { timeout: 15_000 }).toBe(1);
    expect(frames[0]!.match(/"type":"token"/g)!.length).toBeGreaterThan(3);
    const chatId = /"chat_id":"(chat_\w+)"/.exec(frames[0]!)![1]!;
    await audit(page, 'playground-1280');

    // A follow-up stays in the same chat; asking for a person hands it over, and the page says so.
    await message.fill('I want to talk to a person');
    await message.press('Enter');
    await log.getByText('Handed over to a person').waitFor({ timeout: 20_000 });
    await expect.poll(() => frames.length, { timeout: 15_000 }).toBe(2);
    expect(frames[1]).toContain(`"chat_id":"${chatId}"`);
    const chat = (await parley.api('GET', `/chats/${chatId}`)).body;
    expect(chat.assistant_id).toBe(assistantId);

    await page.setViewportSize({ width: 390, height: 844 });
    await log.getByText('Handed over to a person').waitFor();
    await audit(page, 'playground-390');

    // A new chat starts empty; the next message opens another chat.
    await page.getByRole('button', { name: 'New chat' }).click();
    await log.getByText('Write a message below').waitFor();
  }, 120_000);

  it("shows one assistant's knowledge by the selector (and the address), and adds its own", async () => {
    const p = await newPage(1280);
    await signIn(p, parley);
    await p.goto(`${parley.url}/app/o/${orgId}/knowledge`);
    await row(p, /Opening hours/).waitFor();
    await p.getByRole('combobox', { name: 'Knowledge of' }).click();
    await p.getByRole('option', { name: 'Acme Help' }).click();
    await expect.poll(() => new URL(p.url()).searchParams.get('assistant')).toBe(assistantId);
    // Its knowledge scope is "all": the global items are listed, marked as the organization's.
    await row(p, /Opening hours/).getByText('Organization').waitFor();

    await field(p, 'Title').fill('Acme Help only');
    await field(p, 'Text').fill('The promo code of this assistant is ACME10.');
    await p.getByRole('button', { name: 'Add text' }).click();
    await row(p, /Acme Help only/).getByText('This assistant').waitFor();
    const own = (await parley.api('GET', `/orgs/c/assistants/${assistantId}/knowledge/contents`)).body as { title: string; assistant_id: string | null }[];
    expect(own.find((i) => i.title === 'Acme Help only')?.assistant_id).toBe(assistantId);
    await audit(p, 'knowledge-assistant-1280');

    // Back to the organization: its own item is not global knowledge.
    await p.getByRole('combobox', { name: 'Knowledge of' }).click();
    await p.getByRole('option', { name: 'The whole organization' }).click();
    await expect.poll(() => new URL(p.url()).searchParams.get('assistant')).toBe(null);
    // The page follows the address on its next render (without the assistant's "Belongs to" column); the assistant's
    // rows would stay on screen, marked busy, until the organization's have loaded.
    const settled = p.locator('table[aria-label="Knowledge items"]:not([aria-busy])');
    await settled.getByRole('row', { name: /Opening hours/ }).waitFor();
    await expect.poll(() => settled.getByRole('columnheader', { name: 'Belongs to' }).count()).toBe(0);
    expect(await settled.getByRole('row', { name: /Acme Help only/ }).count()).toBe(0);
  });
});
