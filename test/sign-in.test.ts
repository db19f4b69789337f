import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, client, ENGINE, seedOrg, sessionCookieOf, signedInMember, startServer, type TestServer } from './harness.ts';

const PASSWORD = 'correct horse battery staple';
const signIn = (server: TestServer, email: string, password: string, headers: Record<string, string> = {}) =>
  call(server, 'POST', '/auth/sign-in', { json: { email, password }, headers });

describe(`sign-in, sessions and CSRF (${ENGINE})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PARLEY_SIGN_IN_LIMIT_PER_EMAIL: '1000', PARLEY_SIGN_IN_LIMIT_PER_IP: '1000' });
  });
  afterAll(async () => server?.close());

  it('signs in with email and password: an HttpOnly SameSite=Lax session cookie, a readable CSRF cookie, the user and the token', async () => {
    const t = await seedOrg(server, { name: 'Sign-in Co' });
    const m = await signedInMember(server, t, 'DEVELOPER');
    const res = await signIn(server, m.email.toUpperCase(), PASSWORD, { 'user-agent': 'test-browser' });
    expect(res.status, res.text).toBe(200);
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('parley_session='))!;
    const csrf = cookies.find((c) => c.startsWith('parley_csrf='))!;
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Lax/);
    expect(session).not.toMatch(/; Secure/); // plain HTTP on loopback
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(csrf).toContain(`parley_csrf=${res.body.csrf_token}`);
    expect(res.body.user).toMatchObject({ id: m.userId, email: m.email, default_org_id: t.orgId });
    expect(res.body.user.memberships).toEqual([
      { member_id: m.memberId, org_id: t.orgId, org_name: 'Sign-in Co', role: 'DEVELOPER', status: 'ACTIVE' },
    ]);
    expect(res.text).not.toMatch(/password_hash|scrypt/);

    const me = await call(server, 'GET', '/user', { headers: { cookie: sessionCookieOf(res.headers) } });
    expect(me.status, me.text).toBe(200);
    expect(me.body).toMatchObject({ kind: 'member', user: { id: m.userId } });
    const sessions = await call(server, 'GET', '/user/sessions', { headers: { cookie: sessionCookieOf(res.headers) } });
    expect(sessions.body.find((s: any) => s.current)).toMatchObject({ user_agent: 'test-browser', ip: '127.0.0.1' });
  });

  it('answers an unknown email and a wrong password with the same 401', async () => {
    const t = await seedOrg(server);
    const m = await signedInMember(server, t, 'AGENT');
    const wrong = await signIn(server, m.email, 'not the password');
    const unknown = await signIn(server, 'nobody@example.com', PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual({ message: 'wrong email or password' });
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it('tells an API key who it is on GET /user, and refuses it on routes for a signed-in user with 403', async () => {
    const t = await seedOrg(server);
    const me = await client(server, t.key).get('/user');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ kind: 'api_key', api_key: { id: t.keyId, org_id: t.orgId, scope: 'admin', assistant_id: null } });
    const sessions = await client(server, t.key).get('/user/sessions');
    expect(sessions.status).toBe(403);
    expect(sessions.body.message).toMatch(/signed-in user/);
  });

  it('refuses cookie-authenticated unsafe requests without the right CSRF header, and needs none for GET or Bearer', async () => {
    const t = await seedOrg(server);
    const m = await signedInMember(server, t, 'ADMIN');
    const body = { name: 'Made by a member' };
    const none = await call(server, 'POST', '/orgs/c/assistants', { headers: { cookie: m.cookie }, json: body });
    expect(none.status).toBe(403);
    expect(none.body.message).toMatch(/CSRF token.*x-csrf-token/);
    const wrong = await call(server, 'POST', '/orgs/c/assistants', { headers: { cookie: m.cookie, 'x-csrf-token': 'x'.repeat(43) }, json: body });
    expect(wrong.status).toBe(403);
    const list = await call(server, 'GET', '/orgs/c/assistants', { headers: { cookie: m.cookie } });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([]);
    const right = await call(server, 'POST', '/orgs/c/assistants', { headers: m.headers, json: body });
    expect(right.status, right.text).toBe(200);
    // A Bearer key wins over a cookie sent alongside it, and needs no CSRF header.
    const bearer = await call(server, 'POST', '/orgs/c/assistants', { key: t.key, headers: { cookie: m.cookie }, json: body });
    expect(bearer.status).toBe(200);
  });

  it('signs out: the cookie stops working and both cookies are cleared', async () => {
    const t = await seedOrg(server);
    const m = await signedInMember(server, t, 'AGENT');
    const out = await call(server, 'POST', '/auth/sign-out', { headers: m.headers });
    expect(out.status, out.text).toBe(200);
    expect(out.body).toEqual({ signed_out: true });
    expect(out.headers.getSetCookie().map((c) => c.split('=')[0])).toEqual(expect.arrayContaining(['parley_session', 'parley_csrf']));
    const after = await call(server, 'GET', '/user', { headers: { cookie: m.cookie } });
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/not signed in/);
  });

  it('lists your sessions and revokes one; another user\'s session id answers 404', async () => {
    const t = await seedOrg(server);
    const m = await signedInMember(server, t, 'AGENT');
    const laptop = await signIn(server, m.email, PASSWORD);
    const laptopCookie = sessionCookieOf(laptop.headers);
    const list = await call(server, 'GET', '/user/sessions', { headers: { cookie: m.cookie } });
    expect(list.body).toHaveLength(2);
    const other = list.body.find((s: any) => !s.current);
    expect(other.id).toMatch(/^ses_/);

    const stranger = await signedInMember(server, t, 'AGENT');
    const foreign = await call(server, 'DELETE', `/user/sessions/${other.id}`, { headers: stranger.headers });
    expect(foreign.status).toBe(404);
    expect((await call(server, 'GET', '/user', { headers: { cookie: laptopCookie } })).status).toBe(200);

    const revoked = await call(server, 'DELETE', `/user/sessions/${other.id}`, { headers: m.headers });
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body).toMatchObject({ id: other.id, current: false });
    expect((await call(server, 'GET', '/user', { headers: { cookie: laptopCookie } })).status).toBe(401);
    expect((await call(server, 'GET', '/user', { headers: { cookie: m.cookie } })).status).toBe(200);
  });

  it('updates your name and default org, only to an org you are a member of', async () => {
    const a = await seedOrg(server, { name: 'First' });
    const b = await seedOrg(server, { name: 'Second' });
    const m = await signedInMember(server, a, 'AGENT');
    const bad = await call(server, 'PATCH', '/user', { headers: m.headers, json: { default_org_id: b.orgId } });
    expect(bad.status).toBe(400);
    // Invited to B as well (same email, existing account: its password accepts the invite).
    const inv = await client(server, b.key).post('/orgs/c/invites', { email: m.email, role: 'MANAGER' });
    const accepted = await call(server, 'POST', '/auth/accept-invite', { json: { token: inv.body.token, name: 'ignored', password: PASSWORD } });
    expect(accepted.status, accepted.text).toBe(200);
    const ok = await call(server, 'PATCH', '/user', { headers: m.headers, json: { name: 'Renamed', default_org_id: b.orgId } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ name: 'Renamed', default_org_id: b.orgId });
    // `c` now means B, where the member is a MANAGER.
    const org = await call(server, 'GET', '/orgs/c', { headers: m.headers });
    expect(org.body.id).toBe(b.orgId);
  });

  it('marks the cookies Secure when the request came over HTTPS through a trusted proxy', async () => {
    const proxied = await startServer({ PARLEY_TRUST_PROXY: 'true' });
    try {
      const t = await seedOrg(proxied);
      const m = await signedInMember(proxied, t, 'AGENT');
      const res = await signIn(proxied, m.email, PASSWORD, { 'x-forwarded-proto': 'https' });
      expect(res.status).toBe(200);
      for (const c of res.headers.getSetCookie()) expect(c).toMatch(/; Secure/);
    } finally {
      await proxied.close();
    }
  });
});

describe(`session expiry and sign-in throttling (${ENGINE})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    // Sessions last 3 s: long enough for a new one's first use to come before its end on a busy machine.
    server = await startServer({ PARLEY_SESSION_TTL_SECONDS: '3', PARLEY_SIGN_IN_LIMIT_PER_EMAIL: '3', PARLEY_SIGN_IN_LIMIT_PER_IP: '8' });
  });
  afterAll(async () => server?.close());

  it('ends a session once its lifetime passes without use', async () => {
    const t = await seedOrg(server);
    const m = await signedInMember(server, t, 'AGENT');
    expect((await call(server, 'GET', '/user', { headers: { cookie: m.cookie } })).status).toBe(200);
    const lastUse = Date.now();
    await new Promise((r) => setTimeout(r, lastUse + 3100 - Date.now()));
    const res = await call(server, 'GET', '/user', { headers: { cookie: m.cookie } });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/expired/);
  });

  it('throttles sign-in per email with 429 and Retry-After, even for the right password', async () => {
    const t = await seedOrg(server);
    const m = await signedInMember(server, t, 'AGENT');
    for (let i = 0; i < 3; i++) expect((await signIn(server, m.email, 'wrong password')).status).toBe(401);
    const blocked = await signIn(server, m.email, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.body.message).toMatch(/too many sign-in attempts/);
  });

  it('throttles sign-in per IP address across emails', async () => {
    // 3 attempts of the test above came from this address too; 8 in all are allowed.
    let last = 0;
    for (let i = 0; i < 6; i++) last = (await signIn(server, `someone-${i}@example.com`, 'whatever')).status;
    expect(last).toBe(429);
  });
});

describe(`invites (${ENGINE})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PARLEY_PUBLIC_URL: 'https://parley.example.com' });
  });
  afterAll(async () => server?.close());

  const accept = (token: string, password = PASSWORD) =>
    call(server, 'POST', '/auth/accept-invite', { json: { token, name: 'Grace Hopper', password } });

  it('creates a single-use link that makes an account, a membership and a session', async () => {
    const t = await seedOrg(server);
    const inv = await client(server, t.key).post('/orgs/c/invites', { email: 'Grace@Example.com', role: 'MANAGER' });
    expect(inv.status, inv.text).toBe(200);
    expect(inv.body).toMatchObject({ id: expect.stringMatching(/^inv_/), email: 'grace@example.com', role: 'MANAGER', org_id: t.orgId });
    expect(inv.body.url).toBe(`https://parley.example.com/app/invite?token=${inv.body.token}`);
    const listed = await client(server, t.key).get('/orgs/c/invites');
    expect(listed.body.map((i: any) => i.id)).toEqual([inv.body.id]);
    expect(listed.text).not.toContain(inv.body.token);

    const res = await accept(inv.body.token);
    expect(res.status, res.text).toBe(200);
    expect(res.body.user).toMatchObject({ email: 'grace@example.com', name: 'Grace Hopper', default_org_id: t.orgId });
    expect(res.body.user.memberships[0]).toMatchObject({ org_id: t.orgId, role: 'MANAGER' });
    const me = await call(server, 'GET', '/user', { headers: { cookie: sessionCookieOf(res.headers) } });
    expect(me.body.user.email).toBe('grace@example.com');

    const again = await accept(inv.body.token);
    expect(again.status).toBe(404);
    expect(again.body.message).toMatch(/already used/);
    expect((await client(server, t.key).get('/orgs/c/invites')).body).toEqual([]);
    const members = await client(server, t.key).get('/orgs/c/members');
    expect(members.body.map((m: any) => [m.email, m.role])).toEqual([['grace@example.com', 'MANAGER']]);
  });

  it('refuses wrong, revoked and expired tokens alike', async () => {
    const t = await seedOrg(server);
    expect((await accept('pit_' + 'x'.repeat(43))).status).toBe(404);
    expect((await accept('nonsense')).status).toBe(404);
    const revoked = await client(server, t.key).post('/orgs/c/invites', { email: 'r@example.com', role: 'AGENT' });
    expect((await client(server, t.key).del(`/orgs/c/invites/${revoked.body.id}`)).status).toBe(200);
    expect((await accept(revoked.body.token)).status).toBe(404);
    const expired = await client(server, t.key).post('/orgs/c/invites', { email: 'e@example.com', role: 'AGENT' });
    await server.deps.database.db.execute(sql`update invites set expires_at = now() - interval '1 second' where id = ${expired.body.id}`);
    const res = await accept(expired.body.token);
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/expired/);
  });

  it('tells the link holder what the invite is for before it is used, and refuses a token that no longer works', async () => {
    const t = await seedOrg(server);
    const inv = await client(server, t.key).post('/orgs/c/invites', { email: 'Lin@Example.com', role: 'AGENT' });
    const info = await call(server, 'POST', '/auth/invite-info', { json: { token: inv.body.token } });
    expect(info.status, info.text).toBe(200);
    const org = (await client(server, t.key).get('/orgs/c')).body;
    expect(info.body).toEqual({ email: 'lin@example.com', role: 'AGENT', org: { id: t.orgId, name: org.name }, expires_at: inv.body.expires_at, has_account: false });
    // Reading it does not use it.
    expect((await accept(inv.body.token)).status).toBe(200);
    const used = await call(server, 'POST', '/auth/invite-info', { json: { token: inv.body.token } });
    expect(used.status).toBe(404);
    expect(used.body.message).toMatch(/already used/);
    expect((await call(server, 'POST', '/auth/invite-info', { json: { token: 'pit_' + 'x'.repeat(43) } })).status).toBe(404);
    expect((await call(server, 'POST', '/auth/invite-info', { json: {} })).body.message).toBe('token: is required');
    // An email that has an account: accepting will take its password.
    const other = await seedOrg(server);
    const again = await client(server, other.key).post('/orgs/c/invites', { email: 'lin@example.com', role: 'MANAGER' });
    const known = await call(server, 'POST', '/auth/invite-info', { json: { token: again.body.token } });
    expect(known.body).toMatchObject({ email: 'lin@example.com', role: 'MANAGER', org: { id: other.orgId }, has_account: true });
  });

  it('replaces a pending invite when the same email is invited again, and refuses to invite a member', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const first = await api.post('/orgs/c/invites', { email: 'sam@example.com', role: 'AGENT' });
    const second = await api.post('/orgs/c/invites', { email: 'SAM@example.com', role: 'MANAGER' });
    expect(second.status, second.text).toBe(200);
    const listed = await api.get('/orgs/c/invites');
    expect(listed.body.map((i: any) => [i.id, i.role])).toEqual([[second.body.id, 'MANAGER']]);
    // The first link stopped working; the second makes a MANAGER.
    expect((await call(server, 'POST', '/auth/invite-info', { json: { token: first.body.token } })).status).toBe(404);
    expect((await accept(first.body.token)).status).toBe(404);
    expect((await accept(second.body.token)).status).toBe(200);
    const log = await api.get('/orgs/c/audit-log?type=invite.*');
    expect(log.body.map((e: any) => [e.type, e.subject.id])).toEqual([
      ['invite.deleted', first.body.id],
      ['invite.created', second.body.id],
      ['invite.created', first.body.id],
    ]);
    const member = await api.post('/orgs/c/invites', { email: 'Sam@example.com', role: 'AGENT' });
    expect(member.status).toBe(409);
    expect(member.body.message).toBe('sam@example.com is already a member of this organization');

    // Invited twice at the same moment: they replace one another in turn, one stays.
    const both = await Promise.all([1, 2, 3].map(() => api.post('/orgs/c/invites', { email: 'kim@example.com', role: 'AGENT' })));
    expect(both.map((r) => r.status)).toEqual([200, 200, 200]);
    const pending = (await api.get('/orgs/c/invites')).body.filter((i: any) => i.email === 'kim@example.com');
    expect(pending).toHaveLength(1);
  });

  it('is used once when two people accept the same link at the same moment', async () => {
    const t = await seedOrg(server);
    const inv = await client(server, t.key).post('/orgs/c/invites', { email: 'twice@example.com', role: 'AGENT' });
    const statuses = (await Promise.all([accept(inv.body.token), accept(inv.body.token)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 404]);
    expect((await client(server, t.key).get('/orgs/c/members')).body).toHaveLength(1);
  });

  it('adds an existing account only with its current password', async () => {
    const a = await seedOrg(server);
    const b = await seedOrg(server);
    const m = await signedInMember(server, a, 'AGENT');
    const inv = await client(server, b.key).post('/orgs/c/invites', { email: m.email, role: 'DEVELOPER' });
    const wrong = await accept(inv.body.token, 'someone elses password');
    expect(wrong.status).toBe(401);
    const right = await accept(inv.body.token);
    expect(right.status, right.text).toBe(200);
    expect(right.body.user.id).toBe(m.userId);
    expect(right.body.user.memberships.map((x: any) => x.role).sort()).toEqual(['AGENT', 'DEVELOPER']);
  });
});

describe(`members and the last ADMIN (${ENGINE})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  it('never demotes or removes the last ADMIN (409), and does once there is another', async () => {
    const t = await seedOrg(server);
    const admin = await signedInMember(server, t, 'ADMIN');
    const demote = await call(server, 'PATCH', `/orgs/c/members/${admin.memberId}`, { headers: admin.headers, json: { role: 'AGENT' } });
    expect(demote.status).toBe(409);
    expect(demote.body.message).toMatch(/at least one ADMIN/);
    expect((await client(server, t.key).del(`/orgs/c/members/${admin.memberId}`)).status).toBe(409);
    const second = await signedInMember(server, t, 'ADMIN');
    const ok = await call(server, 'PATCH', `/orgs/c/members/${admin.memberId}`, { headers: second.headers, json: { role: 'AGENT', status: 'AWAY' } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ role: 'AGENT', status: 'AWAY' });
    expect((await client(server, t.key).del(`/orgs/c/members/${second.memberId}`)).status).toBe(409);
  });

  it('lets a MANAGER grant only roles within its own permissions', async () => {
    const t = await seedOrg(server);
    const manager = await signedInMember(server, t, 'MANAGER');
    const agent = await signedInMember(server, t, 'AGENT');
    const up = await call(server, 'POST', '/orgs/c/invites', { headers: manager.headers, json: { email: 'x@example.com', role: 'ADMIN' } });
    expect(up.status).toBe(403);
    expect(up.body.message).toMatch(/cannot grant.*ADMIN/);
    const promote = await call(server, 'PATCH', `/orgs/c/members/${agent.memberId}`, { headers: manager.headers, json: { role: 'DEVELOPER' } });
    expect(promote.status).toBe(403);
    const ok = await call(server, 'POST', '/orgs/c/invites', { headers: manager.headers, json: { email: 'x@example.com', role: 'AGENT' } });
    expect(ok.status, ok.text).toBe(200);
    const removed = await call(server, 'DELETE', `/orgs/c/members/${agent.memberId}`, { headers: manager.headers });
    expect(removed.status, removed.text).toBe(200);
    // The removed member is signed in still, but reaches nothing of the org (as if it did not exist).
    expect((await call(server, 'GET', `/orgs/${t.orgId}/assistants`, { headers: agent.headers })).status).toBe(404);
    expect((await call(server, 'GET', '/user', { headers: agent.headers })).body.user.memberships).toEqual([]);
  });
});

describe(`org reach of members (${ENGINE})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  it("lets a parent org's ADMIN reach a sub-org, other roles and sub-org members not across", async () => {
    const parent = await seedOrg(server, { name: 'Parent' });
    const sub = await seedOrg(server, { name: 'Sub', parentId: parent.orgId });
    const other = await seedOrg(server, { name: 'Other' });
    const admin = await signedInMember(server, parent, 'ADMIN');
    const agent = await signedInMember(server, parent, 'AGENT');
    const subAdmin = await signedInMember(server, sub, 'ADMIN');
    const get = (m: { headers: Record<string, string> }, path: string) => call(server, 'GET', path, { headers: m.headers });

    expect((await get(admin, `/orgs/${sub.orgId}/assistants`)).status).toBe(200);
    expect((await get(admin, `/orgs/${other.orgId}/assistants`)).status).toBe(404);
    expect((await get(agent, `/orgs/${sub.orgId}/chats`)).status).toBe(404);
    expect((await get(subAdmin, `/orgs/${parent.orgId}`)).status).toBe(404);
    expect((await get(subAdmin, '/orgs/c')).body.id).toBe(sub.orgId);

    // A chat of the sub-org by id: the parent's ADMIN reaches it, the parent's AGENT gets a 404 like a missing chat.
    const assistant = await client(server, sub.key).post('/orgs/c/assistants', { name: 'Sub bot' });
    const chat = await client(server, sub.key).post(`/api/agents/${assistant.body.id}/invoke`, { message: 'hi' });
    expect(chat.status, chat.text).toBe(200);
    expect((await get(admin, `/chats/${chat.body.chat_id}`)).status).toBe(200);
    const hidden = await get(agent, `/chats/${chat.body.chat_id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual({ message: 'Chat not found' });
  });
});

describe(`first owner (${ENGINE})`, () => {
  it('creates the bootstrap ADMIN once, in the default org, and signs it in', async () => {
    const server = await startServer();
    try {
      const t = await seedOrg(server, { name: 'Default' });
      const id = await server.deps.setup.bootstrapUser({ email: 'Owner@Example.com', password: PASSWORD });
      expect(id).toMatch(/^usr_/);
      expect(await server.deps.setup.bootstrapUser({ email: 'someone@example.com', password: PASSWORD })).toBeNull();
      const res = await signIn(server, 'owner@example.com', PASSWORD);
      expect(res.status, res.text).toBe(200);
      expect(res.body.user.memberships).toEqual([expect.objectContaining({ org_id: t.orgId, role: 'ADMIN' })]);
    } finally {
      await server.close();
    }
  });
});
