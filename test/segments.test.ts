import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINE, seedOrg, signedInMember, call, startServer, type TestServer } from './harness.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

const ok = <T = any>(res: { status: number; text: string; body: T }, status = 200): T => {
  expect(res.status, res.text.slice(0, 500)).toBe(status);
  return res.body;
};

describe(`segments (${ENGINE})`, () => {
  it('creates, lists by name with search, reads, renames, recolours and deletes segments', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const vip = ok(await api.post('/orgs/c/segments', { name: 'VIP', color: 'amber' }));
    expect(vip).toEqual({
      id: expect.stringMatching(/^seg_/),
      org_id: t.orgId,
      name: 'VIP',
      color: 'amber',
      contacts_count: 0,
      boards: [],
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const leads = ok(await api.post('/orgs/c/segments', { name: '  Leads 50% ' }));
    expect([leads.name, leads.color]).toEqual(['Leads 50%', 'neutral']);
    ok(await api.post('/orgs/c/segments', { name: 'Churned', color: 'rose' }));
    const all = await api.get('/orgs/c/segments');
    expect(ok(all).map((s: any) => s.name)).toEqual(['Churned', 'Leads 50%', 'VIP']);
    expect(all.headers.get('pagination-count')).toBe('3');
    expect(ok(await api.get('/orgs/c/segments?search=LEA')).map((s: any) => s.name)).toEqual(['Leads 50%']);
    expect(ok(await api.get('/orgs/c/segments?search=%25')).map((s: any) => s.name)).toEqual(['Leads 50%']);
    expect(ok(await api.get('/orgs/c/segments?take=1&page=3')).map((s: any) => s.name)).toEqual(['VIP']);
    expect(ok(await api.get(`/orgs/c/segments/${vip.id}`))).toEqual(vip);

    const renamed = ok(await api.patch(`/orgs/c/segments/${vip.id}`, { name: 'Key accounts', color: 'violet' }));
    expect([renamed.name, renamed.color]).toEqual(['Key accounts', 'violet']);
    // Its own name in another case is not a conflict.
    expect(ok(await api.patch(`/orgs/c/segments/${vip.id}`, { name: 'KEY ACCOUNTS' })).name).toBe('KEY ACCOUNTS');
    expect((await api.post('/orgs/c/segments', { name: 'x', color: 'blurple' })).status).toBe(400);
    expect((await api.post('/orgs/c/segments', { name: 'x'.repeat(129) })).status).toBe(400);
    expect(ok(await api.del(`/orgs/c/segments/${vip.id}`))).toEqual({ id: vip.id, deleted: true });
    expect((await api.get(`/orgs/c/segments/${vip.id}`)).status).toBe(404);
    expect((await api.patch(`/orgs/c/segments/${vip.id}`, { color: 'red' })).status).toBe(404);
  });

  it('refuses a name already in use, without case, with 409', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const vip = ok(await api.post('/orgs/c/segments', { name: 'VIP' }));
    const other = ok(await api.post('/orgs/c/segments', { name: 'Other' }));
    const dup = await api.post('/orgs/c/segments', { name: 'vip' });
    expect([dup.status, dup.body.message]).toEqual([409, 'a segment named "vip" already exists']);
    const rename = await api.patch(`/orgs/c/segments/${other.id}`, { name: 'Vip' });
    expect([rename.status, rename.body.message]).toEqual([409, 'a segment named "Vip" already exists']);
    // Another org may use the name.
    const t2 = await seedOrg(server);
    ok(await client(server, t2.key).post('/orgs/c/segments', { name: 'VIP' }));
    expect(ok(await api.get(`/orgs/c/segments/${vip.id}`)).name).toBe('VIP');
  });

  it('counts contacts, adds and removes them idempotently, and keeps contacts when a segment goes', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const seg = ok(await api.post('/orgs/c/segments', { name: 'Beta' }));
    const other = ok(await api.post('/orgs/c/segments', { name: 'Alpha' }));
    const a = ok(await api.post('/orgs/c/contacts', { name: 'A' }));
    const b = ok(await api.post('/orgs/c/contacts', { name: 'B' }));
    const added = ok(await api.post(`/orgs/c/contacts/${a.id}/segments/${seg.id}`));
    expect(added.segments.map((s: any) => [s.id, s.contacts_count])).toEqual([[seg.id, 1]]);
    expect(ok(await api.post(`/orgs/c/contacts/${a.id}/segments/${seg.id}`)).segments).toHaveLength(1);
    ok(await api.post(`/orgs/c/contacts/${a.id}/segments/${other.id}`));
    ok(await api.post(`/orgs/c/contacts/${b.id}/segments/${seg.id}`));
    expect(ok(await api.get(`/orgs/c/segments/${seg.id}`)).contacts_count).toBe(2);
    const ofA = await api.get(`/orgs/c/contacts/${a.id}/segments`);
    expect(ok(ofA).map((s: any) => s.name)).toEqual(['Alpha', 'Beta']);
    expect(ofA.headers.get('pagination-count')).toBe('2');
    expect(ok(await api.get(`/orgs/c/contacts?segment_id=${seg.id}`)).map((c: any) => c.name)).toEqual(['B', 'A']);

    expect(ok(await api.del(`/orgs/c/contacts/${a.id}/segments/${seg.id}`)).segments.map((s: any) => s.name)).toEqual(['Alpha']);
    expect(ok(await api.del(`/orgs/c/contacts/${a.id}/segments/${seg.id}`)).segments.map((s: any) => s.name)).toEqual(['Alpha']);
    expect(ok(await api.get(`/orgs/c/segments/${seg.id}`)).contacts_count).toBe(1);
    expect((await api.post(`/orgs/c/contacts/${a.id}/segments/seg_missing`)).status).toBe(404);
    expect((await api.post(`/orgs/c/contacts/cnt_missing/segments/${seg.id}`)).status).toBe(404);

    ok(await api.del(`/orgs/c/segments/${other.id}`));
    expect(ok(await api.get(`/orgs/c/contacts/${a.id}`)).segments).toEqual([]);
    expect(ok(await api.get('/orgs/c/contacts')).map((c: any) => c.name)).toEqual(['B', 'A']);
  });

  it('lets MANAGER manage segments and refuses DEVELOPER changes to contacts', async () => {
    const t = await seedOrg(server);
    const manager = await signedInMember(server, t, 'MANAGER');
    const developer = await signedInMember(server, t, 'DEVELOPER');
    const seg = ok(await call(server, 'POST', '/orgs/c/segments', { headers: manager.headers, json: { name: 'Managed' } }));
    ok(await call(server, 'DELETE', `/orgs/c/segments/${seg.id}`, { headers: manager.headers }));
    ok(await call(server, 'GET', '/orgs/c/contacts', { headers: developer.headers }));
    const denied = await call(server, 'POST', '/orgs/c/contacts', { headers: developer.headers, json: { name: 'X' } });
    expect([denied.status, denied.body.message]).toEqual([403, expect.stringContaining('"contacts:write"')]);
  });
});
