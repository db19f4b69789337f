import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch } from './browser.ts';
import { createOwner, dashboardSession, OWNER, signIn } from './dashboard-session.ts';
import { type Parley, signedInMember, startParley } from './parley.ts';

const OPENAI_KEY = 'sk-test-e2e-Zq7Lm2Tn8Vb4Kx9w';

/**
 * The team journey: the owner sets up an assistant's widget (seeing the real widget in the preview and the embed
 * code change with the settings), adds a provider credential and picks one of its models, invites someone, sees the
 * invite pending and revokes it, and changes a member's role. axe and screenshots at 1280 px and 390 px, light and dark.
 */
describe('widget settings, providers and members in a browser', () => {
  let parley: Parley;
  let browser: Browser;
  let orgId: string;
  let assistantId: string;
  let page: Page;
  const session = dashboardSession(() => browser, 'team');
  const newPage = (width: number) => session.newPage(width, { permissions: ['clipboard-read', 'clipboard-write'] });
  const audit = (p: Page, name: string) => session.audit(p, name, { fullPage: true });

  beforeAll(async () => {
    parley = await startParley();
    orgId = (await parley.api('GET', '/user')).body.api_key.org_id;
    const bot = await parley.api('POST', '/orgs/c/assistants', { name: 'Acme Help', config: { instructions: 'Answer Acme customers.', model: 'builtin/extractive' } });
    expect(bot.status, bot.text).toBe(200);
    assistantId = bot.body.id;
    await createOwner(parley);
    browser = await launch();
    page = await newPage(1280);
    await signIn(page, parley);
  }, 180_000);

  afterAll(async () => {
    await session.close();
    await browser?.close();
    await parley?.close();
  });

  const nav = (p: Page, label: string) => p.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: label });
  const option = (p: Page, name: string) => p.getByRole('option', { name, exact: true });

  it('edits the widget settings and sees them in the live preview and the embed code', async () => {
    await page.goto(`${parley.url}/app/o/${orgId}/assistants/${assistantId}`);
    await page.getByRole('heading', { name: 'Acme Help', level: 1 }).waitFor();
    const widget = page.getByRole('group', { name: 'Widget', exact: true });
    await widget.getByRole('switch', { name: /Widget enabled/ }).check({ force: true });
    const origins = widget.getByRole('combobox', { name: 'Allowed origins' });
    await origins.fill('https://shop.example.com');
    await origins.press('Enter');
    await widget.getByRole('combobox', { name: 'Position' }).click();
    await option(page, 'Bottom left').click();
    const bg = widget.getByRole('textbox', { name: 'Button background' });
    await bg.fill('#aa3300');
    await bg.press('Tab');

    // The embed code follows the unsaved settings.
    const script = page.getByLabel('Embed code: script tag');
    await expect.poll(() => script.textContent()).toContain('data-position="bottom-left"');
    const code = (await script.textContent())!;
    expect(code).toContain(`<script src="${parley.url}/widget.js" data-assistant-id="${assistantId}"`);
    expect(code).toContain('data-theme-button-background-color="#aa3300"');
    await page.getByRole('button', { name: 'Copy the script tag' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
    await page.getByRole('tab', { name: 'Custom element' }).click();
    const element = (await page.getByLabel('Embed code: custom element').textContent())!;
    expect(element).toContain(`<parley-assistant assistant-id="${assistantId}"`);
    expect(element).toContain('position="bottom-left"');

    // The preview is the real widget, laid out as set (its launcher is in the Shadow DOM of the frame's element).
    const preview = page.frameLocator('iframe[title="Widget preview"]');
    await preview.getByRole('button', { name: 'Open chat' }).waitFor({ timeout: 15_000 });
    await preview.locator('[data-position="bottom-left"]').waitFor({ state: 'attached' });
    await page.getByRole('combobox', { name: /Widget language/ }).click();
    await option(page, 'French').click();
    await preview.getByRole('button', { name: 'Ouvrir le chat' }).waitFor({ timeout: 15_000 });

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    const saved = await parley.api('GET', `/orgs/c/assistants/${assistantId}`);
    expect(saved.body.config.widget).toMatchObject({ enabled: true, allowed_origins: ['https://shop.example.com'], position: 'bottom-left', button_background_color: '#aa3300' });
    await audit(page, 'assistant-widget-1280');
  });

  it('adds a provider credential without showing its key again, and picks one of its models', async () => {
    await nav(page, 'Providers').click();
    await page.getByRole('heading', { name: 'Providers', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/app/o/${orgId}/providers`);
    await page.getByText('No provider credentials yet').waitFor();
    await page.getByRole('button', { name: 'Add provider' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a provider' });
    const key = dialog.getByLabel(/^API key/);
    expect(await key.getAttribute('type')).toBe('password');
    await key.fill(OPENAI_KEY);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByRole('table', { name: 'Provider credentials' }).getByRole('row', { name: /OpenAI/ });
    await row.getByText(OPENAI_KEY.slice(-4)).waitFor();
    expect(await page.content()).not.toContain(OPENAI_KEY);
    const stored = await parley.api('GET', '/orgs/c/providers');
    expect(stored.body).toMatchObject([{ provider: 'openai', has_api_key: true }]);
    await audit(page, 'providers-1280');

    // The assistant's model is now chosen among the built-in model and OpenAI's.
    await nav(page, 'Assistants').click();
    await page.getByRole('link', { name: 'Acme Help' }).click();
    await page.getByRole('combobox', { name: 'Model provider' }).click();
    await option(page, 'OpenAI').click();
    await expect.poll(() => page.getByRole('combobox', { name: 'Model', exact: true }).inputValue()).toBe('gpt-4o-mini');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    await expect.poll(async () => (await parley.api('GET', `/orgs/c/assistants/${assistantId}`)).body.config.model).toBe('openai/gpt-4o-mini');
  });

  it('invites a member, sees the invite pending and revokes it, and changes a member role', async () => {
    const agent = await signedInMember(parley, 'AGENT');
    await nav(page, 'Members').click();
    await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/app/o/${orgId}/members`);
    const members = page.getByRole('table', { name: 'Members' });
    await members.getByRole('row', { name: new RegExp(OWNER.name) }).getByText('You').waitFor();

    await page.getByRole('textbox', { name: /^Email/ }).fill('dora@example.com');
    await page.getByRole('combobox', { name: 'Role', exact: true }).click();
    await option(page, 'Developer').click();
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    const link = page.getByLabel('Invite link');
    await link.waitFor();
    expect(await link.textContent()).toMatch(new RegExp(`^${parley.url}/app/invite\\?token=`));
    const invites = page.getByRole('table', { name: 'Pending invites' });
    await invites.getByRole('row', { name: /dora@example\.com/ }).waitFor();
    await audit(page, 'members-1280');

    await invites.getByRole('button', { name: 'Revoke the invite of dora@example.com' }).click();
    await page.getByRole('dialog', { name: 'Revoke the invite of dora@example.com?' }).getByRole('button', { name: 'Revoke invite' }).click();
    await page.getByText('No pending invites.').waitFor();
    expect((await parley.api('GET', '/orgs/c/invites')).body).toEqual([]);

    await members.getByRole('combobox', { name: `Role of ${agent.name}` }).click();
    await option(page, 'Manager').click();
    await page.getByText(`${agent.name} is now Manager`).waitFor();
    const list = await parley.api('GET', '/orgs/c/members');
    expect(list.body.find((m: { name: string }) => m.name === agent.name)?.role).toBe('MANAGER');
  });

  it('reads well on a phone', async () => {
    const phone = await newPage(390);
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${parley.url}/app`);
    await phone.getByRole('textbox', { name: 'Email' }).fill(OWNER.email);
    await phone.getByLabel(/^Password/).fill(OWNER.password);
    await phone.getByRole('button', { name: 'Sign in' }).click();
    await phone.getByRole('heading', { name: 'Assistants', level: 1 }).waitFor();
    await phone.goto(`${parley.url}/app/o/${orgId}/assistants/${assistantId}`);
    await phone.frameLocator('iframe[title="Widget preview"]').getByRole('button', { name: 'Open chat' }).waitFor({ timeout: 15_000 });
    await audit(phone, 'assistant-widget-390');
    await phone.goto(`${parley.url}/app/o/${orgId}/providers`);
    await phone.getByRole('table', { name: 'Provider credentials' }).waitFor();
    await audit(phone, 'providers-390');
    await phone.goto(`${parley.url}/app/o/${orgId}/members`);
    await phone.getByRole('table', { name: 'Pending invites' }).or(phone.getByText('No pending invites.')).waitFor();
    await audit(phone, 'members-390');
  });
});
