import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch } from './browser.ts';
import { dashboardSession, SHOTS } from './dashboard-session.ts';
import { type Parley, signedInMember, startParley } from './parley.ts';
import { type Site, startSite } from './site.ts';

const AGENT = { name: 'Ana Agent', email: 'ana@example.com', password: 'correct horse battery staple' };

/**
 * The inbox journey: an AGENT joins by invite, a visitor asks the widget for a person, the agent sees it arrive live,
 * watches them type, takes over, replies (the visitor sees it), writes a note (the visitor does not), resolves (the
 * visitor is asked for stars). axe and screenshots at 1280 px and 390 px, light and dark.
 */
describe('the inbox in a browser', () => {
  let parley: Parley;
  let site: Site;
  let browser: Browser;
  let assistantId: string;
  let orgId: string;
  let agent: Page;
  const session = dashboardSession(() => browser, 'inbox');
  const { newPage, audit } = session;

  beforeAll(async () => {
    site = await startSite();
    parley = await startParley();
    orgId = (await parley.api('GET', '/user')).body.api_key.org_id;
    const bot = await parley.api('POST', '/orgs/c/assistants', {
      name: 'Acme Help',
      config: { widget: { enabled: true, allowed_origins: [site.origin] }, conversation: { enable_auto_csat: true } },
    });
    if (bot.status !== 200) throw new Error(`assistant: ${bot.status} ${bot.text}`);
    assistantId = bot.body.id;
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await session.close();
    await browser?.close();
    await parley?.close();
    await site?.close();
  });

  const widget = (p: Page) => p.locator('parley-assistant');

  it('an agent works a conversation from the widget: live arrival, typing, take over, reply, note, resolve', async () => {
    // The agent joins through the dashboard's invite screen, and is away: the handover waits for a person.
    const invite = await parley.api('POST', '/orgs/c/invites', { email: AGENT.email, role: 'AGENT' });
    expect(invite.status, invite.text).toBe(200);
    agent = await newPage(1280);
    await agent.goto(`${parley.url}/app/invite?token=${invite.body.token}`);
    // The invite says what it is for before anything is typed.
    const orgName = (await parley.api('GET', '/orgs/c')).body.name as string;
    await agent.getByRole('heading', { name: `Join ${orgName}`, level: 1 }).waitFor();
    await agent.getByText(`You are invited as AGENT with ${AGENT.email.toLowerCase()}.`).waitFor();
    await audit(agent, 'invite');
    await agent.getByRole('textbox', { name: 'Your name' }).fill(AGENT.name);
    await agent.getByRole('textbox', { name: 'Password' }).fill(AGENT.password);
    await agent.getByRole('button', { name: `Join ${orgName}` }).click();
    // An AGENT starts in the inbox.
    await agent.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    expect(new URL(agent.url()).pathname).toBe(`/app/o/${orgId}/inbox`);
    // The link is used: opened again, it says so at once.
    const again = await newPage(1280);
    await again.goto(`${parley.url}/app/invite?token=${invite.body.token}`);
    await again.getByRole('alert').filter({ hasText: 'This invite link no longer works' }).waitFor();
    await audit(again, 'invite-used');
    await again.close();
    await agent.getByText('No conversations yet').waitFor();
    const members = (await parley.api('GET', '/orgs/c/members')).body as { id: string; email: string }[];
    const away = await parley.api('PATCH', `/orgs/c/members/${members.find((m) => m.email === AGENT.email)!.id}`, { status: 'AWAY' });
    expect(away.status, away.text).toBe(200);

    // A visitor asks the widget for a person; the chat shows up in the inbox without a reload.
    const visitor = await newPage(1280);
    await visitor.goto(site.page(`<script src="${parley.url}/widget.js" data-assistant-id="${assistantId}" async></script>`));
    await widget(visitor).locator('.launcher').click();
    await widget(visitor).locator('textarea').fill('I want to talk to a person');
    await widget(visitor).locator('textarea').press('Enter');
    await widget(visitor).locator('.notice').waitFor();
    const list = agent.getByRole('navigation', { name: 'Conversations' });
    const row = list.getByRole('link', { name: /Visitor/ });
    await row.waitFor({ timeout: 15_000 });
    // An anonymous visitor is "Visitor" and the end of their contact id, in the list as in the thread.
    const contactId = (await parley.api('GET', '/orgs/c/inbox')).body[0].contact.id as string;
    const visitorName = `Visitor ${contactId.slice(-4)}`;
    expect(await row.textContent()).toContain(visitorName);
    expect(await row.textContent()).toMatch(/Waiting/);
    expect(await row.textContent()).toMatch(/Web/);
    await row.click();
    const thread = agent.getByRole('region', { name: /Conversation with/ });
    await thread.getByText('I want to talk to a person').waitFor();
    await agent.getByRole('region', { name: `Conversation with ${visitorName}` }).waitFor();
    const chatId = /inbox\/(chat_\w+)/.exec(agent.url())![1]!;
    await expect.poll(async () => (await parley.api('GET', `/chats/${chatId}`)).body.state.admin_unseen_count).toBe(0);

    // The visitor types: the agent sees it (the widget signals every few seconds, so keep typing until it shows).
    await expect
      .poll(async () => {
        await widget(visitor).locator('textarea').pressSequentially('My order', { delay: 20 });
        return agent.getByTestId('typing').textContent({ timeout: 1500 }).catch(() => null);
      }, { timeout: 20_000 })
      .toBe(`${visitorName} is typing…`);
    await widget(visitor).locator('textarea').fill('');

    // Take over, reply with Enter; the visitor sees it in the widget.
    await thread.getByRole('button', { name: 'Take over' }).click();
    await thread.getByRole('button', { name: 'Hand back' }).waitFor();
    await expect.poll(async () => (await parley.api('GET', `/chats/${chatId}`)).body.state.assigned_member?.name).toBe(AGENT.name);
    const reply = thread.getByRole('textbox', { name: 'Reply to the visitor' });
    await reply.fill('Hi, Ana here. Let me look at your order.');
    await reply.press('Enter');
    await thread.locator('[data-author=member]', { hasText: 'Ana here' }).waitFor();
    await widget(visitor).locator('.msg.human', { hasText: 'Ana here' }).waitFor();

    // A note: marked internal in the thread, never in the widget.
    await reply.press('Escape');
    await agent.keyboard.press('n');
    const note = thread.getByRole('textbox', { name: 'Internal note' });
    await expect.poll(() => note.evaluate((el) => el === document.activeElement)).toBe(true);
    await note.fill('Customer seems upset, offer a discount');
    await note.press('Enter');
    await thread.locator('[data-role=note]', { hasText: 'offer a discount' }).waitFor();
    expect(await thread.locator('[data-role=note]').textContent()).toMatch(/Internal note/);

    // Shortcuts: t hands back to the assistant, t takes over again; ? lists them.
    await note.press('Escape');
    await agent.keyboard.press('t');
    await thread.getByRole('button', { name: 'Take over' }).waitFor();
    await agent.keyboard.press('t');
    await thread.getByRole('button', { name: 'Hand back' }).waitFor();
    await agent.keyboard.press('Shift+?');
    await agent.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await agent.keyboard.press('Escape');
    await agent.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'detached' });

    await thread.getByText('Customer seems upset').waitFor();
    await audit(agent, 'inbox-1280');

    // Resolve: the visitor is asked for stars; the note never reached them.
    await thread.getByRole('button', { name: 'Resolve' }).click();
    await thread.getByRole('button', { name: 'Reopen' }).waitFor();
    await widget(visitor).locator('.stars').waitFor();
    expect(await widget(visitor).locator('[role=log]').textContent()).not.toContain('discount');
    expect((await parley.api('GET', `/chats/${chatId}`)).body.state.state).toBe('CLOSED');

    // A phone: the open chat fills the screen, with the way back to the list.
    await agent.setViewportSize({ width: 390, height: 844 });
    await thread.getByRole('link', { name: 'Back to the conversations' }).waitFor();
    expect(await agent.getByRole('region', { name: 'Conversation list' }).count()).toBe(0);
    await audit(agent, 'inbox-390');
    // The contact opens in a drawer on a phone.
    await thread.getByRole('button', { name: 'Contact details' }).click();
    const drawer = agent.getByRole('dialog', { name: 'Contact' });
    await drawer.getByText('Previous conversations').waitFor();
    await agent.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    await thread.getByRole('link', { name: 'Back to the conversations' }).click();
    await agent.getByRole('region', { name: 'Conversation list' }).waitFor();
    expect(new URL(agent.url()).pathname).toBe(`/app/o/${orgId}/inbox`);
    await agent.getByRole('combobox', { name: 'View' }).click();
    await agent.getByRole('option', { name: /^All \(1\)$/ }).click();
    await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: /Visitor/ }).waitFor();
    await agent.screenshot({ path: path.join(SHOTS, 'inbox-390-list-light.png') });
  });

  it('works from the keyboard and the filters: j, assign to me (a), views with counts, snooze (and a refused one, shown as text), unassign, the contact panel and their other chats', async () => {
    await agent.setViewportSize({ width: 1280, height: 800 });
    await agent.goto(`${parley.url}/app/o/${orgId}/inbox?view=all`);
    const list = agent.getByRole('navigation', { name: 'Conversations' });
    await list.getByRole('link').first().waitFor();

    // A person on a custom channel, with attributes and two conversations; they arrive live.
    const ada = await parley.api('POST', '/orgs/c/contacts', {
      name: 'Ada Lovelace',
      custom_attributes: { plan: 'pro' },
      channel: { type: 'CUSTOM', user_id: 'sms:+33600000001', phone: '+33600000001' },
    });
    expect(ada.status, ada.text).toBe(200);
    const open = (text: string) =>
      parley.api('POST', `/orgs/c/contacts/${ada.body.id}/channels/${ada.body.channels[0].id}/chats`, { assistant_id: assistantId, message: [{ type: 'text', text }] });
    const first = await open('Where is my parcel?');
    expect(first.status, first.text).toBe(200);
    await parley.api('PATCH', `/chats/${first.body.id}/state`, { state: 'CLOSED' });
    const second = await open('Can I change my address?');
    await expect.poll(() => list.getByRole('link', { name: /Ada Lovelace/ }).count(), { timeout: 15_000 }).toBe(2);

    // j opens the newest; the contact panel shows who it is and their other conversation.
    await agent.locator('body').press('j');
    await agent.waitForURL(new RegExp(`/inbox/${second.body.id}`));
    const contact = agent.getByRole('complementary', { name: 'Contact' });
    await contact.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
    await contact.getByText('+33600000001').first().waitFor();
    await contact.getByText('pro', { exact: true }).waitFor();
    await audit(agent, 'inbox-1280-contact');
    // a: assign to me.
    await agent.keyboard.press('a');
    await expect.poll(async () => (await parley.api('GET', `/chats/${second.body.id}`)).body.state.assigned_member?.name).toBe(AGENT.name);
    // The Mine view counts it and lists it.
    await agent.getByRole('combobox', { name: 'View' }).click();
    await agent.getByRole('option', { name: /^Mine \(1\)$/ }).click();
    expect(new URL(agent.url()).searchParams.get('view')).toBe('mine');
    await expect.poll(() => list.getByRole('link').count()).toBe(1);
    await list.getByRole('link', { name: /Ada Lovelace/ }).waitFor();

    // Snooze for an hour from the menu: it leaves Mine's open chats for Snoozed.
    const thread = agent.getByRole('region', { name: /Conversation with Ada Lovelace/ });
    await thread.getByRole('button', { name: 'Snooze' }).click();
    await agent.getByRole('menuitem', { name: 'For 1 hour' }).click();
    await expect.poll(async () => (await parley.api('GET', `/chats/${second.body.id}`)).body.state.state).toBe('SNOOZED');
    await thread.getByRole('button', { name: 'Reopen' }).waitFor();
    // A time in the past is refused by the server, whose reason is shown as text.
    await thread.getByRole('button', { name: 'Snoozed: change' }).click();
    await agent.getByRole('menuitem', { name: 'Pick a time…' }).click();
    const picker = agent.getByRole('dialog', { name: 'Snooze until' });
    await picker.getByLabel('Wake the conversation at').fill('2020-01-01T09:00');
    await picker.getByRole('button', { name: 'Snooze' }).click();
    expect(await picker.getByRole('alert').textContent()).toMatch(/future/);
    await picker.getByRole('button', { name: 'Cancel' }).click();
    // Unassign from the member picker.
    await thread.getByRole('button', { name: `Assign: ${AGENT.name}` }).click();
    await agent.getByRole('menuitem', { name: 'Unassign' }).click();
    await expect.poll(async () => (await parley.api('GET', `/chats/${second.body.id}`)).body.state.assigned_member).toBeNull();

    // The other conversation, from the contact panel; k goes back up the list.
    await contact.getByRole('link', { name: /Where is my parcel/ }).click();
    await agent.waitForURL(new RegExp(`/inbox/${first.body.id}`));
    await agent.getByRole('region', { name: /Conversation with Ada Lovelace/ }).getByText('Where is my parcel?').first().waitFor();
    await contact.getByRole('link', { name: /change my address/ }).waitFor();
    // A closed chat whose conversation went on elsewhere points to it.
    await agent.getByRole('link', { name: 'Open the newer chat' }).click();
    await agent.waitForURL(new RegExp(`/inbox/${second.body.id}`));
  });

  it('resumes after the last cursor it saw when the WebSocket drops', async () => {
    const c = await session.newContext();
    await c.addCookies(await agent.context().cookies());
    const urls: string[] = [];
    let droppedAt = 0;
    await c.routeWebSocket(/\/inbox\/ws/, (ws) => {
      urls.push(ws.url());
      const server = ws.connectToServer();
      // The first connection to carry an event drops right after passing it on.
      server.onMessage((m) => {
        ws.send(m);
        if (droppedAt) return;
        droppedAt = urls.length;
        ws.close();
        server.close();
      });
    });
    const p = await c.newPage();
    await p.goto(`${parley.url}/app/o/${orgId}/inbox?view=all`);
    const list = p.getByRole('navigation', { name: 'Conversations' });
    await list.getByRole('link').first().waitFor();
    await p.getByText('Live', { exact: true }).waitFor();
    const before = await list.getByRole('link').count();
    await parley.api('POST', `/api/agents/${assistantId}/invoke`, { message: 'First, before the drop' });
    await expect.poll(() => droppedAt > 0 && urls.length > droppedAt, { timeout: 15_000 }).toBe(true);
    expect(new URL(urls[droppedAt]!).searchParams.get('after')).toMatch(/^\d+\.evt_/);
    await parley.api('POST', `/api/agents/${assistantId}/invoke`, { message: 'Second, after the reconnect' });
    await expect.poll(() => list.getByRole('link').count(), { timeout: 15_000 }).toBe(before + 2);
  });

  it('follows the inbox over Server-Sent Events when the WebSocket cannot open', async () => {
    const c = await session.newContext();
    await c.addCookies(await agent.context().cookies());
    // A proxy that refuses upgrades: every WebSocket to the inbox closes at once.
    await c.routeWebSocket(/\/inbox\/ws/, (ws) => ws.close());
    const p = await c.newPage();
    const sse: string[] = [];
    p.on('request', (r) => r.url().includes('/inbox/stream') && sse.push(r.url()));
    await p.goto(`${parley.url}/app/o/${orgId}/inbox?view=all`);
    const list = p.getByRole('navigation', { name: 'Conversations' });
    await list.getByRole('link').first().waitFor();
    const before = await list.getByRole('link').count();
    await expect.poll(() => sse.length, { timeout: 15_000 }).toBeGreaterThan(0);
    await p.getByText('Live', { exact: true }).waitFor();
    const invoked = await parley.api('POST', `/api/agents/${assistantId}/invoke`, { message: 'Hello from the runtime API' });
    expect(invoked.status, invoked.text).toBe(200);
    await expect.poll(() => list.getByRole('link').count(), { timeout: 15_000 }).toBe(before + 1);
  });

  it('loads a long inbox a page at a time', async () => {
    for (let i = 0; i < 5; i++) {
      await Promise.all(Array.from({ length: 10 }, (_, j) => parley.api('POST', `/api/agents/${assistantId}/invoke`, { message: `Question ${i * 10 + j}` })));
    }
    const total = (await parley.api('GET', '/orgs/c/inbox/counts')).body.all as number;
    expect(total).toBeGreaterThan(50);
    await agent.goto(`${parley.url}/app/o/${orgId}/inbox?view=all`);
    const list = agent.getByRole('navigation', { name: 'Conversations' });
    // A fresh load of the app and its inbox chunk: under the whole suite's load it can take longer than poll's 5 s.
    await expect.poll(() => list.getByRole('link').count(), { timeout: 20_000 }).toBe(50);
    await agent.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => list.getByRole('link').count()).toBe(total);
    expect(await agent.getByRole('button', { name: 'Load more' }).count()).toBe(0);
  });

  it('is not offered to a DEVELOPER, who does not work conversations', async () => {
    const dev = await signedInMember(parley, 'DEVELOPER');
    const c = await session.newContext();
    const [name, value] = dev.headers.cookie!.split('=') as [string, string];
    await c.addCookies([{ name, value, url: parley.url }]);
    const p = await c.newPage();
    await p.goto(`${parley.url}/app`);
    const nav = p.getByRole('navigation', { name: 'Sections' });
    await nav.getByRole('link', { name: 'Assistants' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Inbox' }).count()).toBe(0);
  });
});
