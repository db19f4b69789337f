import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chats } from '../src/db/schema.ts';
import { resolveContactByChannel } from '../src/features/contacts/index.ts';
import { call, client, ENGINE, seedOrg, signedInMember, startServer, type Tenant, type TestServer } from './harness.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

const api = (t: Tenant) => client(server, t.key);
const ok = <T = any>(res: { status: number; text: string; body: T }, status = 200): T => {
  expect(res.status, res.text.slice(0, 500)).toBe(status);
  return res.body;
};

/** A chat of the org (through invoke), attached to `contactId` as the runtime will once it resolves contacts. */
async function chatWith(t: Tenant, contactId: string | null): Promise<string> {
  const agents = ok(await api(t).get('/orgs/c/assistants'));
  const agentId = agents[0]?.id ?? ok(await api(t).post('/orgs/c/assistants', { name: 'Helper' })).id;
  const chatId = ok(await api(t).post(`/api/agents/${agentId}/invoke`, { message: 'Hello' })).chat_id as string;
  await server.deps.recorder.settle();
  await server.deps.database.db.update(chats).set({ contactId }).where(eq(chats.id, chatId));
  return chatId;
}

async function contactIdOfChat(chatId: string): Promise<string | null | undefined> {
  const [row] = await server.deps.database.db.select({ contactId: chats.contactId }).from(chats).where(eq(chats.id, chatId));
  return row?.contactId;
}

const auditTypes = async (t: Tenant, type: string) =>
  ok(await api(t).get(`/orgs/c/audit-log?type=${encodeURIComponent(type)}`)).map((e: any) => [e.type, e.subject.id, e.data]);

describe(`contacts (${ENGINE})`, () => {
  it('creates a contact with a first channel, segments and custom attributes, and reads it back', async () => {
    const t = await seedOrg(server);
    const vip = ok(await api(t).post('/orgs/c/segments', { name: 'VIP', color: 'amber' }));
    const created = ok(
      await api(t).post('/orgs/c/contacts', {
        name: 'Ada Lovelace',
        channel: { type: 'CUSTOM', phone: '+33612345678', email: 'ada@example.com', name: 'Ada on WhatsApp' },
        segment_ids: [vip.id],
        custom_attributes: { plan: 'pro', seats: 12, vip: true },
      }),
    );
    expect(created).toMatchObject({
      id: expect.stringMatching(/^cnt_/),
      org_id: t.orgId,
      name: 'Ada Lovelace',
      blocked: false,
      unsubscribed: false,
      ai_replies_disabled: false,
      is_admin: false,
      custom_attributes: { plan: 'pro', seats: 12, vip: true },
      last_seen_at: null,
      blocked_at: null,
    });
    // user_id defaults to the email (else the phone): the identity inside that transport.
    expect(created.channels).toEqual([
      expect.objectContaining({ id: expect.stringMatching(/^cch_/), contact_id: created.id, type: 'CUSTOM', user_id: 'ada@example.com', phone: '+33612345678', name: 'Ada on WhatsApp' }),
    ]);
    expect(created.segments).toEqual([expect.objectContaining({ id: vip.id, name: 'VIP', color: 'amber', contacts_count: 1, boards: [] })]);
    expect(ok(await api(t).get(`/orgs/c/contacts/${created.id}`))).toEqual(created);

    const bad = await api(t).post('/orgs/c/contacts', { name: 'X', segment_ids: ['seg_nope'] });
    expect([bad.status, bad.body.message]).toEqual([400, 'segment_ids[0]: no such segment in this organization']);
    expect((await api(t).post('/orgs/c/contacts', {})).status).toBe(400);
    const noIdentity = await api(t).post('/orgs/c/contacts', { channel: { type: 'CUSTOM', name: 'Nobody' } });
    expect([noIdentity.status, noIdentity.body.message]).toEqual([400, 'channel.user_id: give user_id, email or phone: a channel needs an identity']);
  });

  it('lists newest first with search, status, email, user_id and segment filters, paginated', async () => {
    const t = await seedOrg(server);
    const seg = ok(await api(t).post('/orgs/c/segments', { name: 'Beta' }));
    const mk = (body: unknown) => api(t).post('/orgs/c/contacts', body).then((r) => ok(r));
    const ada = await mk({ name: 'Ada Lovelace', channel: { type: 'CUSTOM', user_id: 'u-ada', email: 'Ada@Example.com' }, segment_ids: [seg.id] });
    const bob = await mk({ name: 'Bob 100%', channel: { type: 'API', user_id: 'u-bob', phone: '+4915112345678' }, blocked: true });
    const cy = await mk({ name: 'Cy', unsubscribed: true, ai_replies_disabled: true });
    const names = async (q: string) => {
      const res = await api(t).get(`/orgs/c/contacts${q}`);
      ok(res);
      return { names: res.body.map((c: any) => c.name), count: res.headers.get('pagination-count') };
    };
    expect(await names('')).toEqual({ names: ['Cy', 'Bob 100%', 'Ada Lovelace'], count: '3' });
    expect((await names('?search=LOVE')).names).toEqual(['Ada Lovelace']);
    expect((await names('?search=example.COM')).names).toEqual(['Ada Lovelace']);
    expect((await names('?search=4915')).names).toEqual(['Bob 100%']);
    // LIKE wildcards are taken literally.
    expect((await names('?search=%25')).names).toEqual(['Bob 100%']);
    expect((await names('?search=_')).names).toEqual([]);
    expect((await names('?status=BLOCKED')).names).toEqual(['Bob 100%']);
    expect((await names('?status=UNSUBSCRIBED')).names).toEqual(['Cy']);
    expect((await names('?status=SUBSCRIBED')).names).toEqual(['Bob 100%', 'Ada Lovelace']);
    expect((await names('?status=AI_REPLIES_DISABLED')).names).toEqual(['Cy']);
    expect((await names('?email=ada@example.com')).names).toEqual(['Ada Lovelace']);
    expect((await names('?user_id=u-bob')).names).toEqual(['Bob 100%']);
    expect((await names(`?segment_id=${seg.id}`)).names).toEqual(['Ada Lovelace']);
    expect((await names(`?segment_id=${seg.id}&status=BLOCKED`)).names).toEqual([]);
    const unknown = await api(t).get('/orgs/c/contacts?segment_id=seg_missing');
    expect([unknown.status, unknown.body.message]).toEqual([400, 'segment_id: no such segment in this organization']);
    const page2 = await api(t).get('/orgs/c/contacts?take=2&page=2');
    expect(ok(page2).map((c: any) => c.id)).toEqual([ada.id]);
    expect([page2.headers.get('pagination-count'), page2.headers.get('pagination-page'), page2.headers.get('pagination-take')]).toEqual(['3', '2', '2']);
    expect([bob.blocked, typeof bob.blocked_at, cy.unsubscribed_at !== null]).toEqual([true, 'string', true]);
  });

  it('updates name and flags, and merges custom attributes within their limits', async () => {
    const t = await seedOrg(server);
    const c = ok(await api(t).post('/orgs/c/contacts', { name: 'Ada', custom_attributes: { plan: 'pro', trial_ends: '2027-01-01' } }));
    const blocked = ok(await api(t).patch(`/orgs/c/contacts/${c.id}`, { blocked: true, name: 'Ada King', custom_attributes: { plan: 'enterprise', trial_ends: null, seats: 3 } }));
    expect(blocked).toMatchObject({ name: 'Ada King', blocked: true, custom_attributes: { plan: 'enterprise', seats: 3 } });
    expect(blocked.custom_attributes).not.toHaveProperty('trial_ends');
    expect(Date.parse(blocked.blocked_at)).toBeGreaterThan(0);
    // Setting a flag again keeps when it was set; clearing it clears the time.
    expect(ok(await api(t).patch(`/orgs/c/contacts/${c.id}`, { blocked: true })).blocked_at).toBe(blocked.blocked_at);
    expect(ok(await api(t).patch(`/orgs/c/contacts/${c.id}`, { blocked: false, name: null }))).toMatchObject({ blocked: false, blocked_at: null, name: null });
    expect(ok(await api(t).patch(`/orgs/c/contacts/${c.id}`, { unsubscribed: true, ai_replies_disabled: true }))).toMatchObject({
      unsubscribed: true,
      unsubscribed_at: expect.any(String),
      ai_replies_disabled: true,
    });

    const many = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, i]));
    expect((await api(t).patch(`/orgs/c/contacts/${c.id}`, { custom_attributes: many })).status).toBe(400); // 2 + 49 keys
    const bad = async (attrs: unknown) => (await api(t).patch(`/orgs/c/contacts/${c.id}`, { custom_attributes: attrs })).status;
    expect(await bad({ nested: { a: 1 } })).toBe(400);
    expect(await bad({ list: [1] })).toBe(400);
    expect(await bad({ '1bad': 'x' })).toBe(400);
    expect(await bad({ long: 'x'.repeat(1025) })).toBe(400);
    expect(await bad(['x'])).toBe(400);
    expect(ok(await api(t).get(`/orgs/c/contacts/${c.id}`)).custom_attributes).toEqual({ plan: 'enterprise', seats: 3 });
    expect((await api(t).patch(`/orgs/c/contacts/${c.id}`, { name: 'x'.repeat(513) })).status).toBe(400);
  });

  it('adds custom channels, refuses an identity in use with 409, and edits only custom channels', async () => {
    const t = await seedOrg(server);
    const ada = ok(await api(t).post('/orgs/c/contacts', { name: 'Ada' }));
    const bob = ok(await api(t).post('/orgs/c/contacts', { name: 'Bob' }));
    const ch = ok(await api(t).post(`/orgs/c/contacts/${ada.id}/channels`, { type: 'CUSTOM', user_id: '+33612345678', name: 'Ada (SMS)' }));
    expect(ch).toMatchObject({ contact_id: ada.id, type: 'CUSTOM', user_id: '+33612345678', name: 'Ada (SMS)', platform_data: {} });
    for (const contact of [ada, bob]) {
      const dup = await api(t).post(`/orgs/c/contacts/${contact.id}/channels`, { type: 'CUSTOM', user_id: '+33612345678' });
      expect([dup.status, dup.body.message]).toEqual([409, `the CUSTOM channel with user_id "+33612345678" already belongs to contact ${ada.id}`]);
    }
    const dupOnCreate = await api(t).post('/orgs/c/contacts', { name: 'Eve', channel: { type: 'CUSTOM', user_id: '+33612345678' } });
    expect(dupOnCreate.status).toBe(409);
    expect(ok(await api(t).get('/orgs/c/contacts')).map((c: any) => c.name)).toEqual(['Bob', 'Ada']); // nothing half-made
    // The same user id on another channel type is another identity.
    ok(await api(t).post(`/orgs/c/contacts/${bob.id}/channels`, { type: 'API', user_id: '+33612345678' }));

    const edited = ok(await api(t).patch(`/orgs/c/contacts/${ada.id}/channels/${ch.id}`, { email: 'ada@example.com', name: null, avatar: 'https://example.com/a.png' }));
    expect(edited).toMatchObject({ email: 'ada@example.com', name: null, avatar: 'https://example.com/a.png', user_id: '+33612345678' });
    expect(ok(await api(t).get(`/orgs/c/contacts/${ada.id}`)).channels).toEqual([edited]);
    // A channel is addressed under its own contact only.
    expect((await api(t).patch(`/orgs/c/contacts/${bob.id}/channels/${ch.id}`, { name: 'x' })).status).toBe(404);
    const web = await server.deps.contacts.resolve({ orgId: t.orgId, type: 'WEB', userId: 'visitor-1', name: 'Visitor' });
    const refused = await api(t).patch(`/orgs/c/contacts/${web.contactId}/channels/${web.channelId}`, { name: 'Renamed' });
    expect([refused.status, refused.body.message]).toEqual([400, 'only CUSTOM channels can be edited; this is a WEB channel, kept up to date by its transport']);
  });

  it('lists the built-in contact fields', async () => {
    const t = await seedOrg(server);
    const res = await api(t).get('/orgs/c/contacts/fields?take=3');
    expect(ok(res).map((f: any) => f.key)).toEqual(['name', 'email', 'phone']);
    expect(res.headers.get('pagination-count')).toBe('11');
    expect(res.body[0]).toEqual({
      id: 'contacts.name',
      table_id: 'contacts',
      key: 'name',
      readonly: false,
      kind: 'system',
      schema: { type: 'string', name: 'Name', description: 'Full name of the contact.', optional: true, array: false, order: 1, hidden: false },
    });
  });

  it('deletes a contact with its channels and memberships, keeping its chats without a contact', async () => {
    const t = await seedOrg(server);
    const seg = ok(await api(t).post('/orgs/c/segments', { name: 'Leads' }));
    const c = ok(await api(t).post('/orgs/c/contacts', { name: 'Ada', channel: { type: 'CUSTOM', user_id: 'ada' }, segment_ids: [seg.id] }));
    const chatId = await chatWith(t, c.id);
    expect(await contactIdOfChat(chatId)).toBe(c.id);
    expect(ok(await api(t).del(`/orgs/c/contacts/${c.id}`))).toEqual({ id: c.id, deleted: true });
    expect((await api(t).get(`/orgs/c/contacts/${c.id}`)).status).toBe(404);
    expect((await api(t).del(`/orgs/c/contacts/${c.id}`)).status).toBe(404);
    expect(ok(await api(t).get(`/chats/${chatId}`)).id).toBe(chatId);
    expect(await contactIdOfChat(chatId)).toBeNull();
    expect(ok(await api(t).get(`/orgs/c/segments/${seg.id}`)).contacts_count).toBe(0);
    // The identity is free again.
    ok(await api(t).post('/orgs/c/contacts', { channel: { type: 'CUSTOM', user_id: 'ada' } }));
  });

  it('merges a contact into another: channels, segments and every chat move in one go, and an event says so', async () => {
    const t = await seedOrg(server);
    const [s1, s2, s3] = await Promise.all(['One', 'Two', 'Three'].map(async (name) => ok(await api(t).post('/orgs/c/segments', { name }))));
    const into = ok(
      await api(t).post('/orgs/c/contacts', { name: 'Ada', channel: { type: 'CUSTOM', user_id: 'ada-sms' }, segment_ids: [s1.id, s2.id], custom_attributes: { plan: 'pro' } }),
    );
    const web = await server.deps.contacts.resolve({ orgId: t.orgId, type: 'WEB', userId: 'visitor-9', email: 'ada@example.com' });
    const fromId = web.contactId;
    ok(await api(t).post(`/orgs/c/contacts/${fromId}/segments/${s2.id}`));
    ok(await api(t).post(`/orgs/c/contacts/${fromId}/segments/${s3.id}`));
    ok(await api(t).patch(`/orgs/c/contacts/${fromId}`, { unsubscribed: true, custom_attributes: { plan: 'free', company: 'Acme' } }));
    const chatsOfInto = [await chatWith(t, into.id)];
    const chatsOfFrom = [await chatWith(t, fromId), await chatWith(t, fromId)];
    const other = await chatWith(t, null);

    const merged = ok(await api(t).post(`/orgs/c/contacts/${into.id}/merge`, { from_contact_id: fromId }));
    expect(merged).toMatchObject({ id: into.id, name: 'Ada', unsubscribed: true, blocked: false, custom_attributes: { plan: 'pro', company: 'Acme' } });
    expect(merged.unsubscribed_at).toEqual(expect.any(String));
    expect(merged.channels.map((c: any) => [c.type, c.user_id])).toEqual([
      ['CUSTOM', 'ada-sms'],
      ['WEB', 'visitor-9'],
    ]);
    expect(merged.segments.map((s: any) => [s.name, s.contacts_count])).toEqual([
      ['One', 1],
      ['Three', 1],
      ['Two', 1],
    ]);
    for (const chatId of [...chatsOfInto, ...chatsOfFrom]) expect(await contactIdOfChat(chatId)).toBe(into.id);
    expect(await contactIdOfChat(other)).toBeNull();
    expect((await api(t).get(`/orgs/c/contacts/${fromId}`)).status).toBe(404);
    // The moved identity now resolves to the surviving contact.
    expect((await server.deps.contacts.resolve({ orgId: t.orgId, type: 'WEB', userId: 'visitor-9' })).contactId).toBe(into.id);
    expect(await auditTypes(t, 'contact.merged')).toEqual([
      ['contact.merged', into.id, { contact_id: into.id, from_contact_id: fromId, channels_moved: 1, chats_moved: 2 }],
    ]);

    const self = await api(t).post(`/orgs/c/contacts/${into.id}/merge`, { from_contact_id: into.id });
    expect([self.status, self.body.message]).toEqual([400, 'from_contact_id: a contact cannot be merged into itself']);
    const gone = await api(t).post(`/orgs/c/contacts/${into.id}/merge`, { from_contact_id: fromId });
    expect([gone.status, gone.body.message]).toEqual([400, 'from_contact_id: no such contact in this organization']);
    expect((await api(t).post(`/orgs/c/contacts/cnt_missing/merge`, { from_contact_id: into.id })).status).toBe(404);
  });

  it('refuses a merge whose custom attributes together exceed the limit, changing nothing', async () => {
    const t = await seedOrg(server);
    const attrs = (p: string) => Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`${p}${i}`, i]));
    const a = ok(await api(t).post('/orgs/c/contacts', { name: 'A', custom_attributes: attrs('a') }));
    const b = ok(await api(t).post('/orgs/c/contacts', { name: 'B', channel: { type: 'CUSTOM', user_id: 'b' }, custom_attributes: attrs('b') }));
    const res = await api(t).post(`/orgs/c/contacts/${a.id}/merge`, { from_contact_id: b.id });
    expect([res.status, res.body.message]).toEqual([409, 'the merged contact would have 60 custom attributes (at most 50): remove some first']);
    expect(ok(await api(t).get(`/orgs/c/contacts/${b.id}`)).channels).toHaveLength(1);
  });

  it("answers another organization's contacts like missing ones (404), and keeps them unchanged", async () => {
    const a = await seedOrg(server);
    const b = await seedOrg(server);
    const c = ok(await api(a).post('/orgs/c/contacts', { name: 'Ada', channel: { type: 'CUSTOM', user_id: 'ada' } }));
    const seg = ok(await api(a).post('/orgs/c/segments', { name: 'A only' }));
    const mine = ok(await api(b).post('/orgs/c/contacts', { name: 'Mine' }));
    const missing = 'cnt_AAAAAAAAAAAAAAAAAAAAAA';
    for (const [method, path, json] of [
      ['GET', `/orgs/c/contacts/${c.id}`],
      ['PATCH', `/orgs/c/contacts/${c.id}`, { blocked: true }],
      ['DELETE', `/orgs/c/contacts/${c.id}`],
      ['GET', `/orgs/c/contacts/${c.id}/segments`],
      ['POST', `/orgs/c/contacts/${c.id}/channels`, { type: 'CUSTOM', user_id: 'x' }],
      ['PATCH', `/orgs/c/contacts/${c.id}/channels/${c.channels[0].id}`, { name: 'x' }],
      ['POST', `/orgs/c/contacts/${c.id}/merge`, { from_contact_id: mine.id }],
      ['GET', `/orgs/${a.orgId}/contacts/${c.id}`],
      ['GET', `/orgs/c/segments/${seg.id}`],
      ['DELETE', `/orgs/c/segments/${seg.id}`],
    ] as const) {
      const res = await call(server, method, path, { key: b.key, json });
      const baseline = await call(server, method, path.replace(c.id, missing).replace(seg.id, 'seg_AAAAAAAAAAAAAAAAAAAAAA'), { key: b.key, json });
      expect([res.status, res.body.message], `${method} ${path}`).toEqual([baseline.status, baseline.body.message]);
      expect([404, 401]).toContain(res.status);
    }
    const steal = await api(b).post(`/orgs/c/contacts/${mine.id}/merge`, { from_contact_id: c.id });
    expect([steal.status, steal.body.message]).toEqual([400, 'from_contact_id: no such contact in this organization']);
    expect((await api(b).post(`/orgs/c/contacts/${mine.id}/segments/${seg.id}`)).status).toBe(404);
    expect(ok(await api(b).get('/orgs/c/contacts')).map((x: any) => x.id)).toEqual([mine.id]);
    expect(ok(await api(a).get(`/orgs/c/contacts/${c.id}`))).toEqual(c);
  });

  it('lets an AGENT work contacts and segment memberships, but not manage segments', async () => {
    const t = await seedOrg(server);
    const seg = ok(await api(t).post('/orgs/c/segments', { name: 'Follow up' }));
    const agent = await signedInMember(server, t, 'AGENT');
    const as = (method: string, path: string, json?: unknown) => call(server, method, path, { headers: agent.headers, json });
    const c = ok(await as('POST', '/orgs/c/contacts', { name: 'Walk-in', channel: { type: 'CUSTOM', user_id: 'walk-in' } }));
    ok(await as('PATCH', `/orgs/c/contacts/${c.id}`, { blocked: true }));
    ok(await as('POST', `/orgs/c/contacts/${c.id}/segments/${seg.id}`));
    expect(ok(await as('GET', `/orgs/c/contacts/${c.id}/segments`)).map((s: any) => s.id)).toEqual([seg.id]);
    expect(ok(await as('GET', '/orgs/c/segments')).map((s: any) => s.id)).toEqual([seg.id]);
    const denied = await as('POST', '/orgs/c/segments', { name: 'Mine' });
    expect([denied.status, denied.body.message]).toContain(403);
    expect(denied.body.message).toContain('"segments:manage"');
    expect((await as('PATCH', `/orgs/c/segments/${seg.id}`, { color: 'red' })).status).toBe(403);
    // Changes by a member are recorded with the member as actor.
    const log = ok(await api(t).get('/orgs/c/audit-log?type=contact.*'));
    expect(log.map((e: any) => [e.type, e.actor.type, e.actor.id])).toEqual([
      ['contact.updated', 'member', agent.userId],
      ['contact.updated', 'member', agent.userId],
      ['contact.created', 'member', agent.userId],
    ]);
    const runtimeKey = ok(await api(t).post('/orgs/c/api-keys', { name: 'rt', scope: 'runtime' })).key;
    expect((await call(server, 'GET', '/orgs/c/contacts', { key: runtimeKey })).status).toBe(403);
  });

  it('writes an event for every change, in the audit log', async () => {
    const t = await seedOrg(server);
    const c = ok(await api(t).post('/orgs/c/contacts', { name: 'Ada', channel: { type: 'CUSTOM', user_id: 'ada' } }));
    const seg = ok(await api(t).post('/orgs/c/segments', { name: 'VIP' }));
    ok(await api(t).patch(`/orgs/c/contacts/${c.id}`, { name: 'Ada K', blocked: true }));
    const ch = ok(await api(t).post(`/orgs/c/contacts/${c.id}/channels`, { type: 'CUSTOM', user_id: 'ada-2' }));
    ok(await api(t).patch(`/orgs/c/contacts/${c.id}/channels/${ch.id}`, { name: 'Second' }));
    ok(await api(t).post(`/orgs/c/contacts/${c.id}/segments/${seg.id}`));
    ok(await api(t).post(`/orgs/c/contacts/${c.id}/segments/${seg.id}`)); // already in: no event
    ok(await api(t).del(`/orgs/c/contacts/${c.id}/segments/${seg.id}`));
    ok(await api(t).patch(`/orgs/c/segments/${seg.id}`, { color: 'red' }));
    ok(await api(t).del(`/orgs/c/segments/${seg.id}`));
    ok(await api(t).del(`/orgs/c/contacts/${c.id}`));
    expect((await auditTypes(t, 'contact.*')).reverse()).toEqual([
      ['contact.created', c.id, { contact_id: c.id, channel_id: c.channels[0].id, channel_type: 'CUSTOM' }],
      ['contact.updated', c.id, { contact_id: c.id, changed: ['name', 'blocked'] }],
      ['contact.updated', c.id, { contact_id: c.id, changed: ['channels'] }],
      ['contact.updated', c.id, { contact_id: c.id, changed: ['channels'] }],
      ['contact.updated', c.id, { contact_id: c.id, changed: ['segments'] }],
      ['contact.updated', c.id, { contact_id: c.id, changed: ['segments'] }],
      ['contact.deleted', c.id, { contact_id: c.id }],
    ]);
    expect((await auditTypes(t, 'segment.*')).reverse()).toEqual([
      ['segment.created', seg.id, { segment_id: seg.id, name: 'VIP' }],
      ['segment.updated', seg.id, { segment_id: seg.id, changed: ['color'] }],
      ['segment.deleted', seg.id, { segment_id: seg.id }],
    ]);
  });
});

describe(`resolving a contact by channel identity (${ENGINE})`, () => {
  it('creates the contact once, then finds it, moving last seen and storing the details given', async () => {
    const t = await seedOrg(server);
    const first = await server.deps.contacts.resolve({ orgId: t.orgId, type: 'API', userId: 'user-42', at: new Date('2026-01-01T10:00:00Z') });
    expect(first).toMatchObject({ created: true, name: null, blocked: false, contactId: expect.stringMatching(/^cnt_/), channelId: expect.stringMatching(/^cch_/) });
    const again = await server.deps.contacts.resolve({
      orgId: t.orgId,
      type: 'API',
      userId: 'user-42',
      name: 'Grace',
      email: 'grace@example.com',
      language: 'en',
      at: new Date('2026-01-02T10:00:00Z'),
    });
    expect(again).toMatchObject({ created: false, contactId: first.contactId, channelId: first.channelId, name: 'Grace' });
    const contact = ok(await api(t).get(`/orgs/c/contacts/${first.contactId}`));
    expect(contact).toMatchObject({ name: 'Grace', last_seen_at: '2026-01-02T10:00:00.000Z', updated_at: '2026-01-02T10:00:00.000Z' });
    expect(contact.channels).toEqual([
      expect.objectContaining({ type: 'API', user_id: 'user-42', name: 'Grace', email: 'grace@example.com', language: 'en', last_seen_at: '2026-01-02T10:00:00.000Z' }),
    ]);
    // A name the team set is kept; the channel still records what the transport says.
    ok(await api(t).patch(`/orgs/c/contacts/${first.contactId}`, { name: 'Grace Hopper' }));
    const third = await server.deps.contacts.resolve({ orgId: t.orgId, type: 'API', userId: 'user-42', name: 'G.' });
    expect(third.name).toBe('Grace Hopper');
    // Last seen alone is no event; details that change the contact or its channel are.
    await server.deps.contacts.resolve({ orgId: t.orgId, type: 'API', userId: 'user-42' });
    expect(await auditTypes(t, 'contact.*')).toEqual([
      ['contact.updated', first.contactId, { contact_id: first.contactId, changed: ['channels'] }],
      ['contact.updated', first.contactId, { contact_id: first.contactId, changed: ['name'] }],
      ['contact.updated', first.contactId, { contact_id: first.contactId, changed: ['name', 'channels'] }],
      ['contact.created', first.contactId, { contact_id: first.contactId, channel_id: first.channelId, channel_type: 'API' }],
    ]);
    // Another type, another org: other identities.
    expect((await server.deps.contacts.resolve({ orgId: t.orgId, type: 'WEB', userId: 'user-42' })).contactId).not.toBe(first.contactId);
    const other = await seedOrg(server);
    expect((await server.deps.contacts.resolve({ orgId: other.orgId, type: 'API', userId: 'user-42' })).created).toBe(true);
    await expect(server.deps.contacts.resolve({ orgId: t.orgId, type: 'API', userId: '' })).rejects.toThrow(/user_id/);
  });

  it('yields one contact for concurrent calls with the same identity', async () => {
    const t = await seedOrg(server);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => server.deps.contacts.resolve({ orgId: t.orgId, type: 'WEB', userId: 'visitor-race', name: `Try ${i}` })),
    );
    expect(new Set(results.map((r) => r.contactId)).size).toBe(1);
    expect(new Set(results.map((r) => r.channelId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const listed = await api(t).get('/orgs/c/contacts?user_id=visitor-race');
    expect(ok(listed)).toHaveLength(1);
    // No contact was left behind by the calls that lost the race.
    expect(ok(await api(t).get('/orgs/c/contacts')).map((c: any) => c.id)).toEqual([results[0]!.contactId]);
    expect((await auditTypes(t, 'contact.created')).length).toBe(1);
  });

  it('keeps resolving while the contact is merged or deleted at the same time', async () => {
    const t = await seedOrg(server);
    const into = ok(await api(t).post('/orgs/c/contacts', { name: 'Into' }));
    const from = await server.deps.contacts.resolve({ orgId: t.orgId, type: 'WEB', userId: 'visitor-m' });
    const writes = Array.from({ length: 8 }, (_, i) => server.deps.contacts.resolve({ orgId: t.orgId, type: 'WEB', userId: 'visitor-m', name: `N${i}` }));
    const [merged, ...resolved] = await Promise.all([api(t).post(`/orgs/c/contacts/${into.id}/merge`, { from_contact_id: from.contactId }), ...writes]);
    ok(merged);
    for (const r of resolved) expect([from.contactId, into.id]).toContain(r.contactId);
    expect((await server.deps.contacts.resolve({ orgId: t.orgId, type: 'WEB', userId: 'visitor-m' })).contactId).toBe(into.id);

    const doomed = await server.deps.contacts.resolve({ orgId: t.orgId, type: 'WEB', userId: 'visitor-d' });
    const more = Array.from({ length: 8 }, () => server.deps.contacts.resolve({ orgId: t.orgId, type: 'WEB', userId: 'visitor-d' }));
    const [deleted, ...after] = await Promise.all([api(t).del(`/orgs/c/contacts/${doomed.contactId}`), ...more]);
    ok(deleted);
    const survivors = ok(await api(t).get('/orgs/c/contacts?user_id=visitor-d'));
    expect(survivors.length).toBeLessThanOrEqual(1);
    for (const r of after) expect([doomed.contactId, ...survivors.map((c: any) => c.id)]).toContain(r.contactId);
  });

  it("runs inside the caller's transaction: a rollback leaves no contact and no event", async () => {
    const t = await seedOrg(server);
    const actor = { type: 'api_key' as const, id: t.keyId };
    await expect(
      server.deps.events.transaction(actor, async (tx, emit) => {
        await resolveContactByChannel(tx, { orgId: t.orgId, type: 'CUSTOM', userId: '+15550001' }, emit);
        throw new Error('the caller failed');
      }),
    ).rejects.toThrow('the caller failed');
    expect(ok(await api(t).get('/orgs/c/contacts'))).toEqual([]);
    const made = await server.deps.events.transaction(actor, async (tx, emit) => {
      const r = await resolveContactByChannel(tx, { orgId: t.orgId, type: 'CUSTOM', userId: '+15550001', phone: '+15550001' }, emit);
      // The caller's own writes in the same transaction see the contact.
      const n = await tx.execute(sql`select count(*)::int as n from contacts where id = ${r.contactId}`);
      expect((n as unknown as { rows: Array<{ n: number }> }).rows[0]!.n).toBe(1);
      return r;
    });
    expect(ok(await api(t).get(`/orgs/c/contacts/${made.contactId}`)).channels[0].phone).toBe('+15550001');
    expect(ok(await api(t).get('/orgs/c/audit-log?type=contact.created'))[0].actor).toMatchObject({ type: 'api_key', id: t.keyId });
  });
});
