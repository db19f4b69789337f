import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch } from './browser.ts';
import { type Parley, startParley } from './parley.ts';
import { dashboardSession } from './dashboard-session.ts';

const OWNER = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'correct horse battery staple' };

/** The dashboard's journeys on a fresh `parley start`: first run, assistants, keys, sign-out and in, an AGENT by invite. */
describe('the dashboard in a browser', () => {
  let parley: Parley;
  let browser: Browser;
  let owner: BrowserContext;
  let page: Page;
  let orgId: string;
  const session = dashboardSession(() => browser, 'dashboard');
  const newContext = () => session.newContext();

  beforeAll(async () => {
    parley = await startParley();
    orgId = (await parley.api('GET', '/user')).body.api_key.org_id;
    browser = await launch();
    owner = await newContext();
    page = await owner.newPage();
  }, 180_000);

  afterAll(async () => {
    await session.close();
    await browser?.close();
    await parley?.close();
  });

  /** The session's audit (axe in light and dark mode, a screenshot of each) once the screen's requests are done, from its top. */
  async function audit(p: Page, name: string) {
    await p.waitForLoadState('networkidle');
    await p.evaluate(() => window.scrollTo(0, 0));
    await session.audit(p, `dashboard-${name}`);
  }

  /** A form field by its label; Mantine adds " *" to the label of a required one. */
  const field = (p: Page, label: string) => p.getByLabel(new RegExp(`^${label}( \\*)?$`));
  const heading = (p: Page, name: string | RegExp) => p.getByRole('heading', { name, level: 1 }).waitFor();

  it('first run: the setup screen takes the admin key and the owner, and lands in the app signed in', async () => {
    const started = Date.now();
    await page.goto(`${parley.url}/app`);
    await heading(page, 'Set up Parley');
    // For the record (not asserted: timing lives in bench/): a cold load of the app on the embedded server.
    process.stdout.write(`dashboard first load (cold cache, to the setup screen): ${Date.now() - started} ms\n`);
    expect(await page.title()).toBe('Set up Parley · Parley');
    await audit(page, 'setup');
    await field(page, 'Admin API key').fill('apk_wrong');
    await field(page, 'Your name').fill(OWNER.name);
    await field(page, 'Email').fill(OWNER.email);
    await field(page, 'Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/wrong admin key/);
    await field(page, 'Admin API key').fill(parley.key);
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await heading(page, 'Assistants');
    expect(new URL(page.url()).pathname).toBe(`/app/o/${orgId}/assistants`);
    await page.getByText('No assistants yet').waitFor();
    // The owner is ADMIN: both built sections are in the navigation.
    const nav = page.getByRole('navigation', { name: 'Sections' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Inbox', 'Contacts', 'Assistants', 'Knowledge', 'Playground', 'Usage', 'Webhooks', 'API keys', 'Providers', 'Members', 'Audit log']);
    await audit(page, 'assistants-empty');
    expect((await parley.api('GET', '/setup')).body).toEqual({ needs_setup: false });
  });

  it('creates an assistant, edits it, and deletes another after a confirmation', async () => {
    await page.getByRole('link', { name: 'New assistant' }).click();
    await heading(page, 'New assistant');
    await audit(page, 'assistant-new');
    await field(page, 'Name').fill('Acme Help');
    await field(page, 'Instructions').fill('You are the support assistant of Acme. Answer briefly.');
    await page.getByRole('button', { name: 'Create assistant' }).click();
    await heading(page, 'Acme Help');
    const id = /assistants\/(ast_\w+)/.exec(page.url())![1]!;

    await field(page, 'Welcome banner').fill('Welcome to Acme!');
    await page.getByRole('switch', { name: 'Ask for a rating' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    // The confirmation covers none of the page's actions (it once sat on Delete, top right).
    const toast = (await page.locator('.mantine-Notification-root', { hasText: 'Saved' }).boundingBox())!;
    for (const name of ['Delete', 'Save', 'Discard changes']) {
      const b = (await page.getByRole('button', { name, exact: true }).boundingBox())!;
      const overlaps = toast.x < b.x + b.width && b.x < toast.x + toast.width && toast.y < b.y + b.height && b.y < toast.y + toast.height;
      expect(overlaps, `the "Saved" notification covers ${name}`).toBe(false);
    }
    const stored = (await parley.api('GET', `/orgs/c/assistants/${id}`)).body;
    expect(stored.config.conversation).toMatchObject({ welcome_banner: 'Welcome to Acme!', enable_auto_csat: true });
    expect(stored.config.instructions).toBe('You are the support assistant of Acme. Answer briefly.');
    await audit(page, 'assistant-edit');
    // axe measures a toast caught fading out under the next dialog's overlay as low contrast: let it go first.
    await expect.poll(() => page.locator('.mantine-Notification-root').count(), { timeout: 10_000 }).toBe(0);

    // A save the server refuses says why where the Save button is, in view (it was drawn below the form).
    const origins = page.getByRole('combobox', { name: 'Allowed origins' });
    await origins.fill('www.bikeshop.test/shop');
    await origins.press('Enter');
    await page.getByRole('button', { name: 'Save' }).click();
    const refused = page.getByRole('alert', { name: 'Invalid input' });
    await expect.poll(() => refused.textContent()).toMatch(/^Invalid input.*config\.widget\.allowed_origins\[0\]: must be an origin/);
    expect(await refused.isVisible()).toBe(true);
    const [alertBox, saveBox] = [(await refused.boundingBox())!, (await page.getByRole('button', { name: 'Save' }).boundingBox())!];
    expect(alertBox.y + alertBox.height, 'the alert is above the Save button, in the viewport').toBeLessThanOrEqual(saveBox.y);
    expect(alertBox.y).toBeGreaterThanOrEqual(0);
    await audit(page, 'assistant-save-refused');
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await expect.poll(() => refused.count()).toBe(0);

    // A required field left empty: the browser brings it into view below the fixed header, not under it.
    await field(page, 'Name').fill('');
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => field(page, 'Name').evaluate((el) => el === document.activeElement)).toBe(true);
    const nameBox = (await field(page, 'Name').boundingBox())!;
    expect(nameBox.y, 'the empty Name field is below the 56 px header').toBeGreaterThanOrEqual(56);
    await page.getByRole('button', { name: 'Discard changes' }).click();

    const doomed = (await parley.api('POST', '/orgs/c/assistants', { name: 'Old bot' })).body;
    await page.getByRole('link', { name: 'Assistants' }).click();
    await page.getByRole('link', { name: 'Old bot' }).click();
    await heading(page, 'Old bot');
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete Old bot?' }).waitFor();
    await audit(page, 'assistant-delete-confirm');
    await page.getByRole('button', { name: 'Delete assistant' }).click();
    await heading(page, 'Assistants');
    await page.getByRole('link', { name: 'Acme Help' }).waitFor();
    await expect.poll(() => page.getByRole('link', { name: 'Old bot' }).count()).toBe(0);
    expect((await parley.api('GET', `/orgs/c/assistants/${doomed.id}`)).status).toBe(404);
    await audit(page, 'assistants');
  });

  it('creates an API key, shows its secret once, and revokes it after a confirmation', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await heading(page, 'API keys');
    await page.getByRole('button', { name: 'Create key' }).click();
    await field(page, 'Name').fill('Website backend');
    await field(page, 'Assistant').first().click();
    await page.getByRole('option', { name: 'Acme Help' }).click();
    await page.getByRole('button', { name: 'Create key' }).last().click();
    const secret = (await page.getByTestId('new-key-secret').textContent())!;
    expect(secret).toMatch(/^apk_/);
    await audit(page, 'api-key-created');
    const probe = await fetch(`${parley.url}/user`, { headers: { authorization: `Bearer ${secret}` } });
    expect(await probe.json()).toMatchObject({ kind: 'api_key', api_key: { scope: 'runtime' } });
    await page.getByRole('button', { name: 'Done' }).click();

    const row = page.getByRole('row', { name: /Website backend/ });
    await row.getByText('Active').waitFor();
    await audit(page, 'api-keys');
    await row.getByRole('button', { name: 'Revoke Website backend' }).click();
    await page.getByRole('dialog', { name: 'Revoke Website backend?' }).waitFor();
    await page.getByRole('button', { name: 'Revoke key' }).click();
    // The list shows the keys in use: the revoked one leaves it.
    await row.waitFor({ state: 'detached' });
    expect((await fetch(`${parley.url}/user`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
  });

  it('lists the sessions, signs out, and signs in again', async () => {
    await page.getByRole('button', { name: OWNER.name }).click();
    await page.getByRole('menuitem', { name: 'Sessions' }).click();
    await heading(page, 'Sessions');
    await page.getByText('This browser').waitFor();
    await audit(page, 'sessions');

    await page.getByRole('button', { name: OWNER.name }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await heading(page, 'Sign in');
    await audit(page, 'sign-in');
    await field(page, 'Email').fill(OWNER.email);
    await field(page, 'Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // By its title: the previous test's confirmation (also role=alert) can still be fading out.
    await expect.poll(() => page.getByRole('alert', { name: 'Something went wrong' }).textContent()).toMatch(/wrong email or password/);
    await field(page, 'Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(page, 'Sessions');
  });

  it('keeps the dark mode chosen with the toggle across reloads', async () => {
    await page.goto(`${parley.url}/app/o/${orgId}/assistants`);
    await heading(page, 'Assistants');
    await page.getByRole('button', { name: 'Switch to dark mode' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.mantineColorScheme)).toBe('dark');
    await page.reload();
    await heading(page, 'Assistants');
    expect(await page.evaluate(() => document.documentElement.dataset.mantineColorScheme)).toBe('dark');
    await page.getByRole('button', { name: 'Switch to light mode' }).click();
  });

  it('switches to a sub-organization with the organization switcher; the org is in the address', async () => {
    const sub = await parley.api('POST', '/orgs/c/orgs', { name: 'Acme EU' });
    expect(sub.status, sub.text).toBe(200);
    await page.goto(`${parley.url}/app/o/${orgId}/api-keys`);
    await heading(page, 'API keys');
    await field(page, 'Organization').first().click();
    await page.getByRole('option', { name: 'Acme EU (in Default)' }).click();
    await heading(page, 'API keys');
    expect(new URL(page.url()).pathname).toBe(`/app/o/${sub.body.id}/api-keys`);
    await page.getByRole('link', { name: 'Assistants' }).click();
    await page.getByText('No assistants yet').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/app/o/${sub.body.id}/assistants`);
  });

  it('lets an invited AGENT join on the invite screen; the keys page, opened by URL, says "not allowed"', async () => {
    const invite = await parley.api('POST', '/orgs/c/invites', { email: 'ana@example.com', role: 'AGENT' });
    expect(invite.status, invite.text).toBe(200);
    const agent = await (await newContext()).newPage();
    await agent.goto(`${parley.url}/app/invite?token=${invite.body.token}`);
    const orgName = (await parley.api('GET', '/orgs/c')).body.name as string;
    await heading(agent, `Join ${orgName}`);
    await audit(agent, 'invite');
    await field(agent, 'Your name').fill('Ana Agent');
    await field(agent, 'Password').fill('another good password');
    await agent.getByRole('button', { name: `Join ${orgName}` }).click();
    // An AGENT starts in the inbox.
    await heading(agent, 'Inbox');
    // AGENT works the inbox and contacts and may read assistants, not manage them nor keys.
    const nav = agent.getByRole('navigation', { name: 'Sections' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Inbox', 'Contacts', 'Assistants', 'Members']);
    expect(await agent.getByRole('link', { name: 'New assistant' }).count()).toBe(0);

    await agent.goto(`${parley.url}/app/o/${orgId}/api-keys`);
    const alert = agent.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^Not allowed.*"keys:manage".*AGENT/);
    expect(await agent.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    await audit(agent, 'api-keys-not-allowed');
    // Knowledge is not theirs either: the screen says why, and offers nothing that would fail.
    await agent.goto(`${parley.url}/app/o/${orgId}/knowledge`);
    await agent.getByRole('alert').waitFor();
    expect(await agent.getByRole('alert').textContent()).toMatch(/^Not allowed.*"knowledge:read".*AGENT/);
    expect(await agent.getByRole('heading', { name: 'Add knowledge' }).count()).toBe(0);

    // The session ends elsewhere (signed out from another tab, revoked, expired): the next request returns to sign-in.
    const jar = Object.fromEntries((await agent.context().cookies()).map((c) => [c.name, c.value]));
    const out = await fetch(`${parley.url}/auth/sign-out`, { method: 'POST', headers: { cookie: `parley_session=${jar.parley_session}`, 'x-csrf-token': jar.parley_csrf! } });
    expect(out.status).toBe(200);
    await agent.getByRole('link', { name: 'Assistants' }).click();
    await heading(agent, 'Sign in');
  });
});
