import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launch } from './browser.ts';
import { createOwner, dashboardSession, OWNER, signIn } from './dashboard-session.ts';
import { type Parley, startParley } from './parley.ts';


interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * The operations journey: the owner adds a webhook endpoint (a local receiver), sends a test ping, sees it in the
 * delivery log with its status and redelivers it; reads the usage of a few runtime calls in a chart, totals and a CSV;
 * finds those changes in the audit log; and finds a contact and puts it in a segment. axe and screenshots at 1280 px
 * and 390 px, light and dark.
 */
describe('webhooks, usage, the audit log and contacts in a browser', () => {
  let parley: Parley;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let browser: Browser;
  let orgId: string;
  let assistantId: string;
  const session = dashboardSession(() => browser, 'ops');
  const newPage = (width: number) => session.newPage(width, { acceptDownloads: true });
  const audit = (p: Page, name: string) => session.audit(p, name, { fullPage: true });

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, seen: received.length }));
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;
    // Webhooks go through the egress guard, which refuses loopback addresses unless allowed; the receiver is on one.
    parley = await startParley({ PARLEY_EGRESS_ALLOW: '127.0.0.1/32' });
    orgId = (await parley.api('GET', '/user')).body.api_key.org_id;
    const bot = await parley.api('POST', '/orgs/c/assistants', { name: 'Acme Help', config: { instructions: 'Answer questions about Acme.' } });
    expect(bot.status, bot.text).toBe(200);
    assistantId = bot.body.id;
    await createOwner(parley);
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await session.close();
    await browser?.close();
    await parley?.close();
    await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  });

  const field = (p: Page | Locator, label: string) => p.getByRole('textbox', { name: new RegExp(`^${label}( \\*)?$`) });

  it('adds a webhook endpoint, sends a test, sees the delivery in the log and redelivers it', async () => {
    const page = await newPage(1280);
    await signIn(page, parley);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/app/o/${orgId}/webhooks`);
    await page.getByText('No webhook endpoints').waitFor();

    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a webhook endpoint' });
    await field(dialog, 'URL').fill(receiverUrl);
    const types = dialog.getByRole('combobox', { name: /^Event types/ });
    await types.click();
    await types.fill('contact.cre');
    await page.getByRole('option', { name: 'contact.created' }).click();
    await types.fill('segment.');
    await page.getByRole('option', { name: 'segment.created' }).click();
    await page.keyboard.press('Escape');
    await field(dialog, 'Description').fill('Our CRM');
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();

    // The secret once, with a copy button.
    const secretDialog = page.getByRole('dialog', { name: 'Signing secret' });
    await secretDialog.waitFor();
    expect(await secretDialog.getByTestId('webhook-secret').textContent()).toMatch(/^whsec_/);
    await expect.poll(() => secretDialog.getByRole('button', { name: 'Copy the secret' }).count()).toBe(1);
    await audit(page, 'ops-webhook-secret-1280');
    await secretDialog.getByRole('button', { name: 'Done' }).click();

    const table = page.getByRole('table', { name: 'Webhook endpoints' });
    await table.getByRole('link', { name: receiverUrl }).waitFor();
    await expect.poll(async () => (await table.textContent()) ?? '').toMatch(/contact\.created, segment\.created/);
    await audit(page, 'ops-webhooks-1280');

    // Disable and enable from the list.
    const toggle = table.getByRole('switch', { name: `Enabled: ${receiverUrl}` });
    await toggle.click({ force: true });
    await table.getByText('Disabled', { exact: true }).waitFor();
    await toggle.click({ force: true });
    await table.getByText('Enabled', { exact: true }).waitFor();

    // The endpoint: a test ping reaches the receiver and shows in the log, succeeded with its HTTP status.
    await table.getByRole('link', { name: receiverUrl }).click();
    await page.getByRole('heading', { name: 'Webhook endpoint', level: 1 }).waitFor();
    await page.getByText('No deliveries yet').waitFor();
    await page.getByRole('button', { name: 'Send test' }).click();
    const log = page.getByRole('table', { name: 'Deliveries' });
    const row = log.getByRole('row', { name: /webhook\.test/ });
    await row.getByText('succeeded').waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await row.textContent()) ?? '').toMatch(/200/);
    expect(received.length).toBe(1);
    expect(received[0]!.headers['webhook-signature']).toMatch(/^v1,/);
    const messageId = received[0]!.headers['webhook-id'];

    // Open it: the body sent and the receiver's answer, as text.
    await row.getByRole('button', { name: /Open the webhook\.test delivery/ }).click();
    const detail = page.getByRole('dialog', { name: 'Delivery: webhook.test' });
    await detail.getByText(received[0]!.body).waitFor();
    await detail.getByText('{"ok":true,"seen":1}').waitFor();
    await audit(page, 'ops-webhook-delivery-1280');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden' });

    // Redeliver: one more attempt with the same webhook-id.
    await row.getByRole('button', { name: /Redeliver webhook\.test/ }).click();
    await expect.poll(() => received.length, { timeout: 30_000 }).toBe(2);
    expect(received[1]!.headers['webhook-id']).toBe(messageId);
    await expect.poll(async () => (await row.textContent()) ?? '', { timeout: 15_000 }).toMatch(/succeeded.*200.*2/);
    await audit(page, 'ops-webhook-detail-1280');

    const phone = await newPage(390);
    await signIn(phone, parley);
    await phone.goto(page.url());
    await phone.getByRole('table', { name: 'Deliveries' }).waitFor();
    await audit(phone, 'ops-webhook-detail-390');
    await phone.goto(`${parley.url}/app/o/${orgId}/webhooks`);
    await phone.getByRole('table', { name: 'Webhook endpoints' }).waitFor();
    await audit(phone, 'ops-webhooks-390');
  });

  it('shows the usage of runtime calls in a chart, totals and per assistant, and exports them as CSV', async () => {
    for (const message of ['Where is my order?', 'Do you ship to Porto?', 'Can I return a kettle?']) {
      const invoked = await parley.api('POST', `/api/agents/${assistantId}/invoke`, { message });
      expect(invoked.status, invoked.text).toBe(200);
    }
    const usage = (await parley.api('GET', '/orgs/c/usage')).body;
    expect(usage.totals.requests).toBe(3);

    const page = await newPage(1280);
    await signIn(page, parley);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Usage' }).click();
    await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/app/o/${orgId}/usage`);
    await expect.poll(() => page.getByTestId('usage-requests').textContent()).toBe('3');
    expect(await page.getByTestId('usage-total-tokens').textContent()).toBe(usage.totals.total_tokens.toLocaleString('en-US'));
    await page.locator('.recharts-surface').first().waitFor();
    await page.getByRole('table', { name: 'Usage per assistant' }).getByRole('row', { name: /Acme Help/ }).waitFor();
    await page.getByText('7 days', { exact: true }).click();
    await expect.poll(() => page.getByTestId('usage-requests').textContent()).toBe('3');
    await audit(page, 'ops-usage-1280');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^parley-usage-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await new Promise<string>((resolve, reject) =>
      download.createReadStream().then((s) => {
        let text = '';
        s.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(text)).on('error', reject);
      }, reject),
    );
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('group,key,name,requests,errors,prompt_tokens,completion_tokens,total_tokens');
    expect(lines.filter((l) => l.startsWith('day,'))).toHaveLength(7);
    expect(lines).toContain(`assistant,${assistantId},Acme Help,3,0,${usage.totals.prompt_tokens},${usage.totals.completion_tokens},${usage.totals.total_tokens}`);
    expect(lines.at(-1)).toMatch(new RegExp(`^total,,\\d{4}-\\d{2}-\\d{2} to \\d{4}-\\d{2}-\\d{2},3,0,${usage.totals.prompt_tokens},`));

    const phone = await newPage(390);
    await signIn(phone, parley);
    await phone.goto(page.url());
    await phone.locator('.recharts-surface').first().waitFor();
    await audit(phone, 'ops-usage-390');
  });

  it('lists changes in the audit log, filtered by type and by actor', async () => {
    const page = await newPage(1280);
    await signIn(page, parley);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/app/o/${orgId}/audit-log`);
    const log = page.getByRole('table', { name: 'Audit log' });
    await log.getByRole('row', { name: /assistant\.created/ }).waitFor();
    await log.getByRole('row', { name: /webhook_endpoint\.created/ }).first().waitFor();
    await audit(page, 'ops-audit-1280');

    // By type family.
    const type = page.getByRole('combobox', { name: 'Event type' });
    await type.click();
    await type.fill('webhook_endpoint.*');
    await page.getByRole('option', { name: 'webhook_endpoint.*' }).click();
    await expect.poll(async () => (await log.getByRole('row').allTextContents()).slice(1).every((r) => r.includes('webhook_endpoint.'))).toBe(true);
    await expect.poll(() => log.getByRole('row', { name: /assistant\.created/ }).count()).toBe(0);

    // By actor: the owner's changes, not the bootstrap key's.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await log.getByRole('row', { name: /assistant\.created/ }).waitFor();
    await log.getByRole('button', { name: `Only changes by ${OWNER.name}` }).first().click();
    await page.getByRole('button', { name: `Clear the actor filter: ${OWNER.name}` }).waitFor();
    await expect.poll(() => log.getByRole('row', { name: /assistant\.created/ }).count()).toBe(0);
    await log.getByRole('row', { name: /webhook_endpoint\.created/ }).first().waitFor();

    const phone = await newPage(390);
    await signIn(phone, parley);
    await phone.goto(`${parley.url}/app/o/${orgId}/audit-log`);
    await phone.getByRole('table', { name: 'Audit log' }).waitFor();
    await audit(phone, 'ops-audit-390');
  });

  it('finds a contact, puts it in a new segment, blocks it and takes it out again', async () => {
    for (const [name, email] of [['Ada Lovelace', 'ada@example.com'], ['Grace Hopper', 'grace@example.com'], ['Alan Turing', 'alan@example.com']]) {
      const made = await parley.api('POST', '/orgs/c/contacts', { name, channel: { type: 'CUSTOM', email } });
      expect(made.status, made.text).toBe(200);
    }
    const page = await newPage(1280);
    await signIn(page, parley);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/app/o/${orgId}/contacts`);

    // A segment first.
    await page.getByRole('tab', { name: 'Segments' }).click();
    await page.getByText('No segments').waitFor();
    await field(page, 'New segment').fill('VIP');
    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.getByRole('table', { name: 'Segments' }).getByRole('row', { name: /VIP/ }).waitFor();
    await audit(page, 'ops-segments-1280');
    await page.getByRole('tab', { name: 'Contacts' }).click();

    const list = page.getByRole('table', { name: 'Contacts' });
    await expect.poll(() => list.getByRole('row').count()).toBe(4);
    await field(page, 'Search').fill('grace');
    await expect.poll(() => list.getByRole('row').count()).toBe(2);
    await audit(page, 'ops-contacts-1280');
    await list.getByRole('link', { name: 'Grace Hopper' }).click();
    await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
    await page.getByRole('table', { name: 'Channels' }).getByText('grace@example.com').first().waitFor();
    await page.getByText('No conversations yet.').waitFor();

    // Into the segment, and blocked.
    const add = page.getByRole('combobox', { name: 'Add to a segment' });
    await add.click();
    await page.getByRole('option', { name: 'VIP' }).click();
    await page.getByRole('button', { name: 'Remove from VIP' }).waitFor();
    await page.getByRole('switch', { name: /^Blocked/ }).click({ force: true });
    await expect.poll(() => page.getByRole('switch', { name: /^Blocked/ }).isChecked()).toBe(true);
    const grace = (await parley.api('GET', '/orgs/c/contacts?search=grace')).body[0];
    expect(grace.blocked).toBe(true);
    expect(grace.segments.map((s: { name: string }) => s.name)).toEqual(['VIP']);
    await audit(page, 'ops-contact-1280');

    // The segment filter of the list finds her.
    await page.getByRole('link', { name: 'Contacts' }).first().click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await page.getByRole('combobox', { name: 'Segment' }).click();
    await page.getByRole('option', { name: 'VIP' }).click();
    await expect.poll(async () => (await list.getByRole('row').allTextContents()).slice(1)).toEqual([expect.stringMatching(/Grace Hopper/)]);

    const phone = await newPage(390);
    await signIn(phone, parley);
    await phone.goto(`${parley.url}/app/o/${orgId}/contacts/${grace.id}`);
    await phone.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
    await phone.getByRole('button', { name: 'Remove from VIP' }).click();
    await phone.getByText('In no segment.').waitFor();
    await audit(phone, 'ops-contact-390');
    await phone.goto(`${parley.url}/app/o/${orgId}/contacts`);
    await phone.getByRole('table', { name: 'Contacts' }).waitFor();
    await audit(phone, 'ops-contacts-390');
  });

  it('shows a long contact list a page at a time', async () => {
    for (let i = 1; i <= 52; i++) {
      const made = await parley.api('POST', '/orgs/c/contacts', { name: `Pager ${String(i).padStart(2, '0')}`, channel: { type: 'CUSTOM', email: `pager${i}@example.com` } });
      expect(made.status, made.text).toBe(200);
    }
    const page = await newPage(1280);
    await signIn(page, parley);
    await page.goto(`${parley.url}/app/o/${orgId}/contacts`);
    const list = page.getByRole('table', { name: 'Contacts' });
    await field(page, 'Search').fill('pager');
    await page.getByText('Showing 50 of 52').waitFor();
    expect(await list.getByRole('row').count()).toBe(51); // the header and the first page
    await page.getByRole('button', { name: 'Load more' }).scrollIntoViewIfNeeded();
    await audit(page, 'ops-contacts-paged-1280');
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => list.getByRole('row').count()).toBe(53);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    expect(await page.getByText(/^Showing/).count()).toBe(0);
  });

  it('shows long lists of segments and invites a page at a time', async () => {
    for (let i = 1; i <= 51; i++) {
      const segment = await parley.api('POST', '/orgs/c/segments', { name: `Tier ${String(i).padStart(2, '0')}` });
      expect(segment.status, segment.text).toBe(200);
      const invite = await parley.api('POST', '/orgs/c/invites', { email: `invitee${i}@example.com`, role: 'AGENT' });
      expect(invite.status, invite.text).toBe(200);
    }
    const page = await newPage(1280);
    await signIn(page, parley);
    await page.goto(`${parley.url}/app/o/${orgId}/contacts`);
    await page.getByRole('tab', { name: 'Segments' }).click();
    const segments = page.getByRole('table', { name: 'Segments' });
    await page.getByText(/^Showing 50 of 5\d$/).waitFor();
    const total = Number(/of (\d+)/.exec((await page.getByText(/^Showing 50 of/).textContent())!)![1]);
    expect(total).toBeGreaterThanOrEqual(52); // and the segment of the earlier test
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => segments.getByRole('row').count()).toBe(total + 1);

    await page.goto(`${parley.url}/app/o/${orgId}/members`);
    const invites = page.getByRole('table', { name: 'Pending invites' });
    await page.getByText('Showing 50 of 51').waitFor();
    expect(await invites.getByRole('row').count()).toBe(51);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => invites.getByRole('row').count()).toBe(52);
    expect(await page.getByText(/^Showing/).count()).toBe(0);
  });
});
