import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ENGINE, seedOrg, sessionCookieOf, startServer, type Tenant, type TestServer } from './harness.ts';

const OWNER = { name: 'Ada Owner', email: 'ada@example.com', password: 'correct horse battery staple' };

/** The dashboard's first-run screen: its API, on an instance that has orgs and keys but no user yet. */
describe(`first-run setup (${ENGINE})`, () => {
  let server: TestServer;
  let top: Tenant;
  beforeAll(async () => {
    server = await startServer({ PARLEY_SIGN_IN_LIMIT_PER_IP: '8' });
    top = await seedOrg(server, { name: 'Acme' });
  });
  afterAll(async () => server?.close());

  it('refuses a runtime key, a sub-org admin key and a wrong key with 401, and bad input with 400, creating nobody', async () => {
    expect((await call(server, 'GET', '/setup')).body).toEqual({ needs_setup: true });
    const runtime = await call(server, 'POST', '/orgs/c/api-keys', { key: top.key, json: { name: 'rt', scope: 'runtime' } });
    const sub = await seedOrg(server, { parentId: top.orgId });
    // The right key with its last character changed (to one it does not already end with: a key ending in "x" made
    // this case the right key once in 62 runs).
    const altered = `${top.key.slice(0, -1)}${top.key.endsWith('x') ? 'y' : 'x'}`;
    for (const admin_key of [runtime.body.key, sub.key, altered, 'not-a-key']) {
      const res = await call(server, 'POST', '/setup', { json: { ...OWNER, admin_key } });
      expect(res.status, res.text).toBe(401);
      expect(res.body.message).toMatch(/^wrong admin key/);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    const bad = await call(server, 'POST', '/setup', { json: { ...OWNER, admin_key: top.key, password: 'short' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/password/);
    expect((await call(server, 'GET', '/setup')).body).toEqual({ needs_setup: true });
  });

  it('creates the owner as ADMIN of the key\'s org, signs them in with the session and CSRF cookies, and records it', async () => {
    const res = await call(server, 'POST', '/setup', { json: { ...OWNER, admin_key: top.key } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.user).toMatchObject({ email: OWNER.email, name: OWNER.name, default_org_id: top.orgId });
    expect(res.body.user.memberships).toEqual([expect.objectContaining({ org_id: top.orgId, org_name: 'Acme', role: 'ADMIN' })]);
    const cookies = res.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith('parley_session='))).toMatch(/HttpOnly/);
    expect(cookies.find((c) => c.startsWith('parley_csrf='))).toContain(res.body.csrf_token);

    const headers = { cookie: sessionCookieOf(res.headers), 'x-csrf-token': res.body.csrf_token };
    expect((await call(server, 'GET', '/user', { headers })).body.user.email).toBe(OWNER.email);
    const created = await call(server, 'POST', '/orgs/c/assistants', { headers, json: { name: 'First bot' } });
    expect(created.status, created.text).toBe(200);
    const audit = await call(server, 'GET', '/orgs/c/audit-log', { key: top.key });
    expect(audit.body.map((e: { type: string }) => e.type)).toContain('member.created');
    // The password works for a normal sign-in too.
    expect((await call(server, 'POST', '/auth/sign-in', { json: { email: OWNER.email, password: OWNER.password } })).status).toBe(200);
  });

  it('answers 409 once a user exists, even with the right key, and says so on GET', async () => {
    expect((await call(server, 'GET', '/setup')).body).toEqual({ needs_setup: false });
    const again = await call(server, 'POST', '/setup', { json: { ...OWNER, email: 'eve@example.com', admin_key: top.key } });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ message: 'Parley is already set up: sign in, or ask an ADMIN for an invite' });
    const wrongKey = await call(server, 'POST', '/setup', { json: { ...OWNER, email: 'eve@example.com', admin_key: 'apk_nope' } });
    expect(wrongKey.status).toBe(409);
  });

  it('limits attempts per IP address like sign-in (429 with Retry-After)', async () => {
    let last;
    for (let i = 0; i < 12; i++) last = await call(server, 'POST', '/setup', { json: { ...OWNER, admin_key: 'apk_nope' } });
    expect(last!.status).toBe(429);
    expect(last!.body).toEqual({ message: 'too many setup attempts: wait before trying again' });
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe(`first-run setup under a race (${ENGINE})`, () => {
  let server: TestServer;
  afterAll(async () => server?.close());

  it('creates exactly one owner when two setups race', async () => {
    server = await startServer();
    const top = await seedOrg(server);
    const [a, b] = await Promise.all(
      ['one@example.com', 'two@example.com'].map((email) => call(server, 'POST', '/setup', { json: { ...OWNER, email, admin_key: top.key } })),
    );
    expect([a!.status, b!.status].sort()).toEqual([200, 409]);
  });
});
