import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, seriousViolations } from './browser.ts';
import { type Parley, signedInMember, startParley } from './parley.ts';
import { type Site, startSite } from './site.ts';

const SHOTS = path.resolve(import.meta.dirname, 'screenshots');
const RETURNS = 'You can return any item within 30 days of delivery for a full refund. Items must be unused and in their original packaging. Refunds are issued to the original payment method within 5 business days.';

describe('the web widget in a browser, on another site', () => {
  let parley: Parley;
  let site: Site;
  let browser: Browser;
  let assistantId: string;
  let secretKey: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    site = await startSite({ '/help/returns': `<!doctype html><html><head><title>Returns policy</title></head><body><main><h1>Returns policy</h1><p>${RETURNS}</p></main></body></html>` });
    parley = await startParley({ PARLEY_EGRESS_ALLOW: '127.0.0.1' });
    const bot = await parley.api('POST', '/orgs/c/assistants', {
      name: 'Acme Help',
      generate_secret_key: true,
      config: {
        widget: { enabled: true, allowed_origins: [site.origin] },
        conversation: { welcome_banner: 'Welcome to Acme! Ask us anything.', suggested_messages: ['How long do I have to return an item?'], auto_intro_message: 'Hi! I am the Acme assistant.', enable_auto_csat: true },
      },
    });
    if (bot.status !== 200) throw new Error(`assistant: ${bot.status} ${bot.text}`);
    assistantId = bot.body.id;
    secretKey = bot.body.secret_key;
    const kn = await parley.api('POST', '/orgs/c/knowledge/contents', { title: 'Returns policy', content: { type: 'URL', url: `${site.origin}/help/returns` } });
    if (kn.status !== 201) throw new Error(`knowledge: ${kn.status} ${kn.text}`);
    for (let i = 0; ; i++) {
      const item = await parley.api('GET', `/orgs/c/knowledge/contents/${kn.body.id}`);
      if (item.body.status === 'PROCESSED') break;
      if (item.body.status === 'FAILED' || i > 200) throw new Error(`knowledge not processed: ${item.text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await parley?.close();
    await site?.close();
  });

  const embed = (attrs = '', form: 'script' | 'element' = 'script', id = assistantId) =>
    form === 'script'
      ? `<script src="${parley.url}/widget.js" data-assistant-id="${id}" ${attrs.replace(/(^|\s)([a-z-]+=)/g, '$1data-$2')} async></script>`
      : `<parley-assistant assistant-id="${id}" ${attrs}></parley-assistant><script src="${parley.url}/widget.js" async></script>`;

  async function visit(url: string, opts: { width?: number; height?: number; colorScheme?: 'light' | 'dark'; context?: BrowserContext } = {}): Promise<Page> {
    const context = opts.context ?? (await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 }, colorScheme: opts.colorScheme ?? 'light' }));
    if (!opts.context) contexts.push(context);
    const page = await context.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(`console.${m.type()}: ${m.text()}`));
    page.on('requestfailed', (r) => logs.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => r.status() >= 400 && logs.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`));
    onTestFailed(async () => {
      const text = await page.evaluate(() => document.querySelector('parley-assistant')?.shadowRoot?.querySelector('.theme')?.textContent ?? '(no widget)').catch((e) => String(e));
      process.stderr.write(`\n--- ${page.url()}\nwidget text: ${text}\n${logs.join('\n')}\n`);
    });
    await page.goto(url);
    await page.locator('parley-assistant .launcher').waitFor();
    return page;
  }
  const w = (page: Page) => page.locator('parley-assistant');
  const open = async (page: Page) => {
    await w(page).locator('.launcher').click();
    await w(page).locator('[role=dialog]').waitFor();
    // Let the opening animation end (axe measures contrast through its opacity; boxes move during it).
    await w(page).locator('.panel').evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
  };
  const ask = async (page: Page, text: string) => {
    await w(page).locator('textarea').fill(text);
    await w(page).locator('textarea').press('Enter');
  };
  const lastChatId = async (page: Page) => page.evaluate((id) => localStorage.getItem(`parley.${id}.chat`), assistantId);

  it('opens from the bubble and streams an answer with its source link; the page and the widget do not restyle each other; no serious axe findings', async () => {
    const page = await visit(site.page(embed()));
    expect(await seriousViolations(page), 'closed').toEqual([]);
    await open(page);
    const dialog = w(page).locator('[role=dialog]');
    await expect.poll(() => dialog.getAttribute('aria-labelledby')).toBeTruthy();
    expect(await dialog.locator('h2').textContent()).toBe('Acme Help');
    expect(await dialog.locator('.banner').textContent()).toBe('Welcome to Acme! Ask us anything.');
    expect(await dialog.textContent()).toContain('Hi! I am the Acme assistant.');
    expect(await w(page).locator('.suggested button').textContent()).toBe('How long do I have to return an item?');
    expect(await seriousViolations(page), 'open').toEqual([]);

    // Count the partial states of the reply as it streams in.
    await page.evaluate(() => {
      const root = document.querySelector('parley-assistant')!.shadowRoot!;
      const seen = new Set<string>();
      (window as unknown as { partials: Set<string> }).partials = seen;
      new MutationObserver(() => {
        const t = root.querySelector('[aria-busy=true] .text')?.textContent;
        if (t) seen.add(t);
      }).observe(root, { subtree: true, childList: true, characterData: true });
    });
    await w(page).locator('.suggested button').click();
    const answer = w(page).locator('.msg.theirs', { has: page.locator('.sources') });
    await answer.waitFor({ timeout: 20_000 });
    expect(await answer.locator('.text').textContent()).toMatch(/30 days/);
    const link = answer.locator('.sources a');
    expect(await link.getAttribute('href')).toBe(`${site.origin}/help/returns`);
    expect(await link.textContent()).toBe('Returns policy');
    expect(await page.evaluate(() => (window as unknown as { partials: Set<string> }).partials.size)).toBeGreaterThanOrEqual(2);
    expect(await w(page).locator('.msg.mine .text').textContent()).toBe('How long do I have to return an item?');

    // The page's hostile CSS does not reach in...
    const inside = await page.evaluate(() => {
      const root = document.querySelector('parley-assistant')!.shadowRoot!;
      const s = (sel: string) => getComputedStyle(root.querySelector(sel)!);
      return { launcher: s('.launcher').display, sendColor: s('.text').color, fontSize: s('.text').fontSize, panelWidth: s('.panel').width, bg: s('.log').backgroundColor };
    });
    expect(inside).toEqual({ launcher: 'grid', sendColor: expect.not.stringMatching(/^rgb\(255, 0, 0\)$/), fontSize: '15px', panelWidth: '380px', bg: 'rgba(0, 0, 0, 0)' });
    // ...and the widget's does not reach out.
    const outside = await page.evaluate(() => {
      const s = (sel: string) => getComputedStyle(document.querySelector(sel)!);
      return { button: s('#page-button').display, h2: s('#page-h2').fontSize, h2Color: s('#page-h2').color, panel: s('#page-panel').width, panelBorder: s('#page-panel').borderTopStyle };
    });
    expect(outside).toEqual({ button: 'none', h2: '40px', h2Color: 'rgb(255, 0, 0)', panel: '10px', panelBorder: 'dashed' });
    await page.screenshot({ path: path.join(SHOTS, 'desktop-light.png') });

    // Escape closes the panel and gives focus back to the launcher.
    await w(page).locator('textarea').press('Escape');
    expect(await w(page).locator('[role=dialog]').count()).toBe(0);
    expect(await page.evaluate(() => document.querySelector('parley-assistant')!.shadowRoot!.activeElement?.className)).toBe('launcher');
  });

  it('hands over to a person, shows their reply live with an unread badge, and asks for stars when the chat is resolved', async () => {
    const agent = await signedInMember(parley, 'AGENT');
    const page = await visit(site.page(embed()));
    await open(page);
    await ask(page, 'I want to talk to a person');
    await w(page).locator('.notice').waitFor();
    expect(await w(page).locator('.notice').textContent()).toMatch(/Ana Agent has joined|person from the team/);
    const chatId = (await lastChatId(page))!;
    expect(chatId).toMatch(/^chat_/);

    // The agent types: the visitor sees who, until the reply arrives.
    // Like the dashboard, signal again every couple of seconds: a signal sent before the widget's stream opened is gone.
    await expect
      .poll(async () => {
        const typed = await parley.api('POST', `/chats/${chatId}/typing`, { typing: true }, agent.headers);
        expect(typed.status, typed.text).toBe(200);
        return w(page).locator('.is-typing').waitFor({ timeout: 2000 }).then(() => true, () => false);
      }, { timeout: 20_000 })
      .toBe(true);
    expect(await w(page).locator('.is-typing .who').textContent()).toBe('Ana Agent');
    expect(await w(page).locator('.is-typing .sr').textContent()).toBe('Ana Agent is typing…');
    await page.screenshot({ path: path.join(SHOTS, 'widget-typing.png') });

    await w(page).locator('.launcher').click();
    const reply = await parley.api('POST', `/chats/${chatId}/messages`, { message: [{ type: 'text', text: 'Hi, Ana here. How can I help?' }] }, agent.headers);
    expect(reply.status, reply.text).toBe(200);
    await w(page).locator('.badge').waitFor();
    expect(await w(page).locator('.badge').textContent()).toBe('1');
    expect(await w(page).locator('.launcher').getAttribute('aria-label')).toMatch(/1 unread/);
    await open(page);
    const human = w(page).locator('.msg.human');
    expect(await human.locator('.text').textContent()).toBe('Hi, Ana here. How can I help?');
    expect(await human.locator('.who').textContent()).toBe('Ana Agent');
    expect(await w(page).locator('.is-typing').count()).toBe(0);

    const resolved = await parley.api('PATCH', `/chats/${chatId}/state`, { state: 'CLOSED' }, agent.headers);
    expect(resolved.status, resolved.text).toBe(200);
    await w(page).locator('.stars').waitFor();
    // The "Ana Agent has joined the conversation." status line is gone with the resolved chat.
    expect(await w(page).locator('.notice').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await w(page).getByRole('button', { name: '4 out of 5 stars' }).click();
    await w(page).locator('.thanks').waitFor();
    await expect.poll(async () => (await parley.api('GET', `/chats/${chatId}`)).body.state.csat_score).toBe(4);
  });

  it('keeps the conversation over a reload and in a new tab, and starts a new one on request', async () => {
    const page = await visit(site.page(embed()));
    await open(page);
    await ask(page, 'Do you ship abroad? (reload test)');
    await w(page).locator('.msg.mine', { hasText: 'reload test' }).waitFor();
    await w(page).locator('[aria-busy=true]').waitFor({ state: 'detached' });
    await page.reload();
    await open(page);
    await w(page).locator('.msg.mine', { hasText: 'reload test' }).waitFor();
    const tab = await page.context().newPage();
    await tab.goto(page.url());
    await open(tab);
    await w(tab).locator('.msg.mine', { hasText: 'reload test' }).waitFor();
    await w(tab).getByRole('button', { name: 'Start a new conversation' }).click();
    expect(await w(tab).locator('.msg.mine').count()).toBe(0);
    expect(await w(tab).locator('.suggested button').count()).toBe(1);
  });

  it("chats on Parley's own demo page, whose same-origin requests carry no Origin header, and keeps the chat over a reload", async () => {
    const page = await visit(`${parley.url}/widget/demo?assistant_id=${assistantId}`);
    await open(page);
    await ask(page, 'How long do I have to return an item? (demo page)');
    const answer = w(page).locator('.msg.theirs', { has: page.locator('.sources') });
    await answer.waitFor({ timeout: 20_000 });
    expect(await answer.locator('.text').textContent()).toMatch(/30 days/);
    await w(page).locator('[aria-busy=true]').waitFor({ state: 'detached' });
    // The reload reads the visitor's chats and messages back with GETs: the requests a browser sends without Origin.
    await page.reload();
    await open(page);
    await w(page).locator('.msg.mine', { hasText: '(demo page)' }).waitFor();
    expect(await w(page).locator('[role=alert]').count()).toBe(0);
  });

  it('never shows one visitor the chats of another', async () => {
    const url = site.page(embed());
    const a = await visit(url);
    const b = await visit(url);
    await open(a);
    await ask(a, 'Visitor A secret question');
    await w(a).locator('.msg.mine', { hasText: 'Visitor A' }).waitFor();
    await open(b);
    await ask(b, 'Visitor B other question');
    await w(b).locator('.msg.mine', { hasText: 'Visitor B' }).waitFor();
    await w(b).locator('[aria-busy=true]').waitFor({ state: 'detached' });
    await b.reload();
    await open(b);
    await w(b).locator('.msg.mine', { hasText: 'Visitor B' }).waitFor();
    expect(await w(b).locator('[role=log]').textContent()).not.toContain('Visitor A');
    expect(await w(a).locator('[role=log]').textContent()).not.toContain('Visitor B');
    expect(await lastChatId(a)).not.toBe(await lastChatId(b));
  });

  it('is refused on a site that is not allowed, and says so', async () => {
    const other = await parley.api('POST', '/orgs/c/assistants', { name: 'Elsewhere', config: { widget: { enabled: true, allowed_origins: ['https://elsewhere.example'] } } });
    const page = await visit(site.page(embed('', 'script', other.body.id)));
    await open(page);
    const alert = w(page).locator('.error[role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/not allowed|origin/i);
    expect(await w(page).locator('textarea').isDisabled()).toBe(true);
  });

  it('refuses a wrong user-hash and accepts the right one (custom element form)', async () => {
    const wrong = 'a'.repeat(64);
    const page = await visit(site.page(embed(`user-id="user-42" user-hash="${wrong}" user-name="Ada"`, 'element')));
    await open(page);
    await w(page).locator('.error[role=alert]').waitFor();
    expect(await w(page).locator('.error').textContent()).toMatch(/hash|identity|verif/i);

    const right = createHmac('sha256', secretKey).update('user-42').digest('hex');
    const ok = await visit(site.page(embed(`user-id="user-42" user-hash="${right}" user-name="Ada"`, 'element')));
    await open(ok);
    await expect.poll(() => w(ok).locator('textarea').isDisabled()).toBe(false);
    expect(await w(ok).locator('.error').count()).toBe(0);
  });

  it('takes screenshots: dark, 390 px mobile (full screen) and right-to-left', async () => {
    const dark = await visit(site.page(embed('theme-appearance="dark"')), { colorScheme: 'dark' });
    await open(dark);
    await ask(dark, 'How long do I have to return an item?');
    await w(dark).locator('.sources a').waitFor({ timeout: 20_000 });
    await dark.screenshot({ path: path.join(SHOTS, 'desktop-dark.png') });

    const mobile = await visit(site.page(embed()), { width: 390, height: 844 });
    await open(mobile);
    const box = await w(mobile).locator('.panel').boundingBox();
    expect([box!.x, box!.y, box!.width, box!.height].map(Math.round)).toEqual([0, 0, 390, 844]);
    await ask(mobile, 'How long do I have to return an item?');
    await w(mobile).locator('.sources a').waitFor({ timeout: 20_000 });
    await mobile.screenshot({ path: path.join(SHOTS, 'mobile-390.png') });

    const rtl = await visit(site.page(embed('locale="ar"'), { lang: 'ar' }));
    await open(rtl);
    expect(await w(rtl).locator('.theme').getAttribute('dir')).toBe('rtl');
    // Mirrored: the panel and the launcher sit in the bottom-left corner, their left edges aligned.
    const [panel, launcher] = [await w(rtl).locator('.panel').boundingBox(), await w(rtl).locator('.launcher').boundingBox()];
    expect(Math.round(panel!.x)).toBe(20);
    expect(Math.round(launcher!.x)).toBe(20);
    await ask(rtl, 'كيف يمكنني إرجاع طلبي؟');
    await w(rtl).locator('.msg.mine', { hasText: 'إرجاع' }).waitFor();
    await w(rtl).locator('[aria-busy=true]').waitFor({ state: 'detached', timeout: 20_000 });
    expect(await seriousViolations(rtl)).toEqual([]);
    await rtl.screenshot({ path: path.join(SHOTS, 'rtl-arabic.png') });
  });

  it('Enter sends, Shift+Enter makes a new line, Tab stays inside the open panel', async () => {
    const page = await visit(site.page(embed()));
    await open(page);
    const box = w(page).locator('textarea');
    await box.press('Shift+Tab');
    const focusedIn = () => page.evaluate(() => !!document.querySelector('parley-assistant')!.shadowRoot!.activeElement?.closest('[role=dialog]'));
    expect(await focusedIn()).toBe(true);
    for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
    expect(await focusedIn()).toBe(true);
    await box.fill('first line');
    await box.press('Shift+Enter');
    await box.pressSequentially('second line');
    expect(await box.inputValue()).toBe('first line\nsecond line');
    await box.press('Enter');
    await w(page).locator('.msg.mine', { hasText: 'second line' }).waitFor();
    expect(await box.inputValue()).toBe('');
  });

  it('answers to window.Parley: open, close, and on(message | open | close), also when called before it loaded', async () => {
    const url = site.page(`<script>
      window.events = [];
      // Called before widget.js has run: defined by the loader's queue or not at all yet.
      document.addEventListener('DOMContentLoaded', () => {
        Parley.on('open', () => events.push('open'));
        Parley.on('close', () => events.push('close'));
        Parley.on('message', (m) => events.push('message:' + m.parts.map((p) => p.text).join('')));
      });
    </script>${embed().replace(' async', '')}`);
    const page = await visit(url);
    const events = () => page.evaluate(() => (window as unknown as { events: string[] }).events);
    await page.evaluate(() => (window as unknown as { Parley: { open(): void } }).Parley.open());
    await w(page).locator('[role=dialog]').waitFor();
    await ask(page, 'How long do I have to return an item?');
    await expect.poll(events).toContain('open');
    await expect.poll(async () => (await events()).some((e) => e.startsWith('message:') && e.includes('30 days'))).toBe(true);
    await page.evaluate(() => (window as unknown as { Parley: { close(): void } }).Parley.close());
    expect(await w(page).locator('[role=dialog]').count()).toBe(0);
    expect(await events()).toContain('close');
  });

  it('says when it is offline and comes back with Try again', async () => {
    const page = await visit(site.page(embed()));
    await open(page);
    await page.context().setOffline(true);
    await ask(page, 'Are you there?');
    const alert = w(page).locator('.error[role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/offline/i);
    await page.context().setOffline(false);
    await alert.getByRole('button', { name: 'Try again' }).click();
    await alert.waitFor({ state: 'detached' });
    await expect.poll(() => w(page).locator('textarea').isDisabled()).toBe(false);
    // The message that could not go is still in the composer, ready to send again.
    expect(await w(page).locator('textarea').inputValue()).toBe('Are you there?');
  });
  it('identify() signs the visitor in with a verified hash and keeps their chats; reset() forgets them', async () => {
    const hash = createHmac('sha256', secretKey).update('user-77').digest('hex');
    const page = await visit(site.page(embed()));
    await open(page);
    await ask(page, 'Anonymous question before sign-in');
    await w(page).locator('[aria-busy=true]').waitFor({ state: 'detached' });
    const anonymous = await lastChatId(page);
    await page.evaluate((h) => (window as unknown as { Parley: { identify(u: object): Promise<void> } }).Parley.identify({ userId: 'user-77', userHash: h, name: 'Grace', email: 'grace@example.com' }), hash);
    // The visitor who signs in keeps the conversation they had.
    await expect.poll(() => lastChatId(page)).toBe(anonymous);
    await w(page).locator('.msg.mine', { hasText: 'Anonymous question' }).waitFor();
    const contacts = await parley.api('GET', '/orgs/c/contacts?user_id=user-77');
    expect(contacts.status, contacts.text).toBe(200);
    expect(contacts.body).toHaveLength(1);
    expect(contacts.body[0]).toMatchObject({ name: 'Grace' });
    expect(contacts.body[0].channels).toContainEqual(expect.objectContaining({ type: 'WEB', user_id: 'user-77', email: 'grace@example.com' }));
    expect((await parley.api('GET', `/chats/${anonymous}`)).body.contact_id).toBe(contacts.body[0].id);

    await page.evaluate(() => (window as unknown as { Parley: { reset(): Promise<void> } }).Parley.reset());
    await expect.poll(() => w(page).locator('.msg.mine').count()).toBe(0);
    await expect.poll(() => lastChatId(page)).not.toBe(anonymous);
    expect(await w(page).locator('textarea').isDisabled()).toBe(false);
    // A wrong hash through identify() is refused like the attribute.
    await page.evaluate(() => (window as unknown as { Parley: { identify(u: object): Promise<void> } }).Parley.identify({ userId: 'user-77', userHash: 'b'.repeat(64) }));
    await w(page).locator('.error[role=alert]').waitFor();
  });
});
