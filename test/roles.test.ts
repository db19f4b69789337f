import { afterAll, describe, expect, it } from 'vitest';
import { permissionOf, type RouteDef } from '../src/http/define-route.ts';
import { PERMISSIONS, type Permission, ROLES, roleHas, SCOPE_PERMISSIONS } from '../src/http/permissions.ts';
import { bodyFor, fill, paramsOf } from './fuzz/tenancy.ts';
import { PARAM_KINDS, World } from './fuzz/world.ts';
import { call, client, ENGINE, type SignedIn, signedInMember, startServer, WIDGET_SITE, widgetVisitor } from './harness.ts';

/**
 * The role matrix, generated from the route table and the permission table: every route that needs a permission
 * is called by a signed-in member of each role (session cookie + CSRF header) and by a runtime key. Allowed
 * means past authorization (not 401/403); denied means 403 naming the permission. A new route is in the matrix
 * as soon as it is in the table.
 */
// Memories are summarised within a tenth of a second, so a seeded chat memory is there quickly.
const server = await startServer({ PARLEY_MEMORIES_SCAN_MS: '100' });
const doc = (await call(server, 'GET', '/openapi.json')).body;
const routes = server.routes;
const A = await World.create(server, { name: 'Matrix org' });
const seats = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await signedInMember(server, A.tenant, r)] as const))) as Record<
  (typeof ROLES)[number],
  SignedIn
>;
const runtimeKey = (await client(server, A.tenant.key).post('/orgs/c/api-keys', { name: 'rt', scope: 'runtime' })).body.key as string;
const visitor = await widgetVisitor(server, A.tenant);
const label = (def: RouteDef) => `${def.method} ${def.url}`;
const guarded = routes.filter((r) => permissionOf(r));

/** A path with real records of org A; changes (PATCH, PUT, DELETE) get fresh records, so the shared ones stay as seeded. */
async function pathFor(def: RouteDef): Promise<string> {
  const ids: Record<string, string> = {};
  for (const p of paramsOf(def).filter((x) => x !== 'org_id')) {
    const kind = PARAM_KINDS[p]![0]!;
    ids[p] = ['PATCH', 'PUT', 'DELETE'].includes(def.method) ? await A.fresh(kind) : await A.id(kind);
  }
  return fill(def, 'c', ids);
}

/** A valid body; invites go to AGENT, which every role allowed to invite may grant. */
const bodyOf = (def: RouteDef) => (def.operationId === 'createInvite' ? { email: 'new@example.com', role: 'AGENT' } : bodyFor(doc, def));

function check(res: { status: number; body: any; text: string }, allowed: boolean, permission: Permission): void {
  if (allowed) expect([401, 403], res.text.slice(0, 300)).not.toContain(res.status);
  else {
    expect(res.status, res.text.slice(0, 300)).toBe(403);
    expect(res.body.message).toContain(`"${permission}"`);
  }
}

describe(`role matrix from the route table (${ENGINE})`, () => {
  afterAll(async () => server.close());

  it('declares what every route requires, and every permission is needed by some route', () => {
    for (const def of routes) {
      const ok = def.auth === 'public' || def.auth === 'authenticated' || def.auth === 'session' || def.auth === 'visitor' || PERMISSIONS.includes(permissionOf(def)!);
      expect(ok, label(def)).toBe(true);
    }
    expect(new Set(guarded.map(permissionOf))).toEqual(new Set(PERMISSIONS));
    expect(guarded.length).toBeGreaterThan(40);
  });

  for (const def of guarded) {
    const permission = permissionOf(def)!;
    for (const role of ROLES) {
      it(`${role} ${roleHas(role, permission) ? 'may' : 'may not'} ${label(def)} (${permission})`, async () => {
        const seat = seats[role];
        const res = await call(server, def.method, await pathFor(def), { headers: seat.headers, json: bodyOf(def) });
        check(res, roleHas(role, permission), permission);
      });
    }
    it(`a runtime key ${SCOPE_PERMISSIONS.runtime.includes(permission) ? 'may' : 'may not'} ${label(def)} (${permission})`, async () => {
      const res = await call(server, def.method, await pathFor(def), { key: runtimeKey, json: bodyOf(def) });
      check(res, SCOPE_PERMISSIONS.runtime.includes(permission), permission);
    });
    it(`a widget visitor may not ${label(def)}`, async () => {
      const res = await call(server, def.method, await pathFor(def), { headers: visitor.headers, json: bodyOf(def) });
      expect(res.status, res.text.slice(0, 300)).toBe(401);
    });
  }

  // The widget's routes take a visitor token only: the team's credentials are not one.
  for (const def of routes.filter((r) => r.auth === 'visitor')) {
    it(`an admin key and an ADMIN session may not ${label(def)} (visitor routes)`, async () => {
      for (const headers of [{ authorization: `Bearer ${A.tenant.key}` }, seats.ADMIN.headers]) {
        const res = await call(server, def.method, await pathFor(def), { headers: { ...headers, origin: WIDGET_SITE }, json: bodyOf(def) });
        expect(res.status, res.text.slice(0, 300)).toBe(401);
        expect(res.body.message).toMatch(/visitor token/);
      }
    });
  }
});
