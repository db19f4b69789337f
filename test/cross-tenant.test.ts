import { afterAll, describe, expect, it } from 'vitest';
import { closePools } from './fuzz/http.ts';
import {
  type Attacker,
  baselineIds,
  bodyFor,
  type Case,
  changed,
  fill,
  isManagement,
  idFields,
  judge,
  labelOf,
  paramsOf,
  sendCase,
  snapshot,
  unknownParams,
  victimIds,
} from './fuzz/tenancy.ts';
import { nonexistentLike } from './fuzz/world.ts';
import { startWithRoutes } from './fuzz/http.ts';
import { NAMED_KINDS, PARAM_KINDS, type Kind, World } from './fuzz/world.ts';
import { call, client, ENGINE, WIDGET_SITE, type WidgetVisitor, widgetVisitor } from './harness.ts';
import { permissionOf } from '../src/http/define-route.ts';

/**
 * The cross-tenant matrix, generated from the route table: every authenticated route that takes an id is
 * called with org A's record ids by keys that must not reach them (another org, a sub-org, a runtime key, a
 * key restricted to another assistant). Each answer must be exactly the answer for ids that name nothing,
 * and A's records must read the same afterwards. A new route is in the matrix as soon as it is in the table.
 */
const { server, routes } = await startWithRoutes();
const doc = (await call(server, 'GET', '/openapi.json')).body;

const A = await World.create(server, { name: 'Tenant A' });
const B = await World.create(server, { name: 'Tenant B' });
const A1 = await World.create(server, { name: 'Tenant A1', parentId: A.tenant.orgId });
// Every kind of record in A, settled, so that reads of them are stable from here on.
const KINDS = [...new Set(Object.values(PARAM_KINDS).flat())].filter((k) => k !== 'org') as Kind[];
for (const kind of KINDS) await A.id(kind);
await A.settled(await A.id('urlContent'));
const otherAssistant = await A.fresh('assistant');
const keyOf = async (body: unknown) => (await client(server, A.tenant.key).post('/orgs/c/api-keys', body)).body.key as string;
const runtimeKey = await keyOf({ name: 'runtime', scope: 'runtime' });
const restrictedKey = await keyOf({ name: 'restricted', scope: 'runtime', assistant_id: otherAssistant });
await A.id('visitorChat');
const seededInA = new Set<Kind>([...KINDS, 'visitorChat']);

const ATTACKERS: Attacker[] = [
  { name: 'org B, alias c', key: B.tenant.key, org: 'c', scope: 'admin' },
  { name: "org B, A's org id", key: B.tenant.key, org: A.tenant.orgId, scope: 'admin' },
  { name: 'sub-org A1, alias c', key: A1.tenant.key, org: 'c', scope: 'admin' },
  { name: "sub-org A1, parent A's org id", key: A1.tenant.key, org: A.tenant.orgId, scope: 'admin' },
  { name: "A's runtime key", key: runtimeKey, org: 'c', scope: 'runtime', sameOrg: true },
  { name: "A's key restricted to another assistant", key: restrictedKey, org: 'c', scope: 'runtime' },
];
/** The web widget's visitor routes: A's visitor's chats must be out of reach of every other visitor. */
const asVisitor = (name: string, v: WidgetVisitor): Attacker => ({ name, key: v.token, org: 'c', scope: 'visitor', headers: { origin: WIDGET_SITE } });
const VISITOR_ATTACKERS: Attacker[] = [
  asVisitor("another visitor of A's widget", await widgetVisitor(server, A.tenant, (await A.visitor()).assistantId)),
  asVisitor("a visitor of another of A's assistants", await widgetVisitor(server, A.tenant)),
  asVisitor("a visitor of B's widget", await B.visitor()),
];
/** Org-only routes: A's org is reached by others' keys, and A's key must not reach B's org. */
const ORG_ATTACKERS: [Attacker, World][] = [
  [{ name: "org A's key on B's org id", key: A.tenant.key, org: B.tenant.orgId, scope: 'admin' }, B],
  [ATTACKERS[1]!, A],
  [ATTACKERS[3]!, A],
];

/** The last read of each victim's records: every write attempt is followed by a new read compared with it. */
const lastRead = new Map<World, Record<string, unknown>>();
const readVictim = (w: World) => snapshot(server, routes, w, w === A ? seededInA : new Set());

const secured = routes.filter((r) => r.auth !== 'public' && paramsOf(r).length > 0);
const counts = { operations: 0, requests: 0 };
const failures: string[] = [];

/** A's ids in body fields and query parameters of calls the attacker makes on its own records. */
async function referenceCases(def: (typeof routes)[number], body: unknown): Promise<Case[]> {
  const fields = idFields(doc, def);
  const cases: Case[] = [];
  // Return before seeding the attacker's own records: they would change B's reads under the next case.
  if (!fields.body.length && !fields.query.length) return cases;
  for (const [attacker, own] of [[ATTACKERS[0]!, B], [ATTACKERS[2]!, A1]] as const) {
    const path = fill(def, 'c', await victimIds(def, own));
    for (const field of fields.body) {
      const id = await A.id(PARAM_KINDS[field]![0]!);
      const with_ = (v: string) => ({ ...(body as object), [field]: v });
      cases.push({ route: def, attacker, path, baselinePath: path, body: with_(id), victim: A, ownNamespace: false, referenced: { field, baselineBody: with_(nonexistentLike(id)) } });
    }
    for (const field of fields.query) {
      const id = await A.id(PARAM_KINDS[field]![0]!);
      const q = (v: string) => `${path}?${field}=${encodeURIComponent(v)}`;
      cases.push({ route: def, attacker, path: q(id), baselinePath: q(nonexistentLike(id)), body, victim: A, ownNamespace: false, referenced: { field } });
    }
  }
  return cases;
}

async function casesFor(def: (typeof routes)[number]): Promise<Case[]> {
  const records = paramsOf(def).filter((p) => p !== 'org_id');
  const body = bodyFor(doc, def);
  const cases: Case[] = await referenceCases(def, body);
  if (!records.length) {
    for (const [attacker, victim] of ORG_ATTACKERS) {
      cases.push({ route: def, attacker, path: fill(def, attacker.org, {}), baselinePath: fill(def, `org_${'Z'.repeat(22)}`, {}), body, victim, ownNamespace: false });
    }
    return cases;
  }
  const ids = await victimIds(def, A);
  const seen = new Set<string>();
  for (const attacker of def.auth === 'visitor' ? VISITOR_ATTACKERS : ATTACKERS) {
    // A's own runtime key may use the runtime API on A's records: that is access, not a breach.
    if (attacker.sameOrg && permissionOf(def) === 'runtime:invoke') continue;
    const path = fill(def, attacker.org, ids);
    if (seen.has(`${attacker.key} ${path}`)) continue; // routes without {org_id} look the same under both org modes
    seen.add(`${attacker.key} ${path}`);
    const named = records.some((p) => NAMED_KINDS.has(PARAM_KINDS[p]![0]!));
    const ownNamespace = named && (attacker.org === 'c' || !def.url.includes(':org_id'));
    cases.push({ route: def, attacker, path, baselinePath: fill(def, attacker.org, baselineIds(ids, def)), body, victim: A, ownNamespace });
  }
  return cases;
}

describe(`cross-tenant matrix from the route table (${ENGINE})`, () => {
  afterAll(async () => {
    console.log(`cross-tenant: ${counts.operations} operations, ${counts.requests} requests, ${failures.length} failures (${ENGINE})`);
    if (failures.length) console.log(`cross-tenant failures:\n${failures.join('\n')}`);
    await closePools();
    await server?.close();
  });

  it('knows what every path parameter of the route table names', () => {
    const unknown = unknownParams(routes);
    expect(unknown, `add these parameters to PARAM_KINDS in test/fuzz/world.ts (and a way to seed their record): ${unknown.join(', ')}`).toEqual([]);
    expect(secured.length).toBeGreaterThan(20);
  });

  it("reads A's records with A's own key (the ids are real, so the refusals below mean something)", async () => {
    for (const def of secured.filter((r) => r.method === 'GET' && isManagement(r))) {
      const res = await call(server, 'GET', fill(def, 'c', await victimIds(def, A)), { key: A.tenant.key });
      expect(res.status, `${labelOf(def)}: ${res.text.slice(0, 300)}`).toBe(200);
    }
  });

  it("flags A's own admin key on A's records (the judge can fail)", async () => {
    const self: Attacker = { name: "A's own admin key", key: A.tenant.key, org: 'c', scope: 'admin' };
    const reads = secured.filter((r) => r.method === 'GET' && isManagement(r) && paramsOf(r).some((p) => p !== 'org_id'));
    expect(reads.length).toBeGreaterThan(5);
    for (const def of reads) {
      const ids = await victimIds(def, A);
      const c: Case = { route: def, attacker: self, path: fill(def, 'c', ids), baselinePath: fill(def, 'c', baselineIds(ids, def)), victim: A, ownNamespace: false };
      const problems = judge(c, await sendCase(server, c, c.path), await sendCase(server, c, c.baselinePath));
      expect(problems, labelOf(def)).toContainEqual(expect.stringMatching(/reached the record/));
    }
  });

  it("flags A's own visitor on its own chats (the judge can fail on the widget's routes too)", async () => {
    const self = asVisitor("A's own visitor", await A.visitor());
    const reads = secured.filter((r) => r.method === 'GET' && r.auth === 'visitor' && paramsOf(r).length > 0);
    expect(reads.length).toBeGreaterThan(0);
    for (const def of reads) {
      const ids = await victimIds(def, A);
      const c: Case = { route: def, attacker: self, path: fill(def, 'c', ids), baselinePath: fill(def, 'c', baselineIds(ids, def)), victim: A, ownNamespace: false };
      const problems = judge(c, await sendCase(server, c, c.path), await sendCase(server, c, c.baselinePath));
      expect(problems, labelOf(def)).toContainEqual(expect.stringMatching(/reached the record/));
    }
  });

  for (const def of secured) {
    it(labelOf(def), async () => {
      counts.operations++;
      const mine: string[] = [];
      for (const c of await casesFor(def)) {
        if (!lastRead.has(c.victim)) lastRead.set(c.victim, await readVictim(c.victim));
        const before = lastRead.get(c.victim)!;
        const attack = await sendCase(server, c, c.path);
        // GETs are not expected to write; a write attempt is followed by a fresh read of everything the victim has.
        const after = def.method === 'GET' ? undefined : await readVictim(c.victim);
        if (after) lastRead.set(c.victim, after);
        const baseline = c.ownNamespace ? undefined : await sendCase(server, c, c.baselinePath);
        counts.requests += baseline ? 2 : 1;
        const problems = judge(c, attack, baseline);
        const touched = after ? changed(before, after) : [];
        if (touched.length) {
          const diff = touched.map((k) => `${k}: ${JSON.stringify(before[k]).slice(0, 400)} -> ${JSON.stringify(after![k]).slice(0, 400)}`);
          problems.push(`changed the victim's records:\n    ${diff.join('\n    ')}`);
        }
        // These calls may rightly write the attacker's own org (B is also a victim, of org-only routes): read again.
        if (c.referenced || c.ownNamespace) lastRead.clear();
        if (problems.length) {
          mine.push(
            `${labelOf(def)} as ${c.attacker.name}${c.referenced ? ` (A's id in ${c.referenced.field})` : ''}: ${problems.join('; ')}\n  ${def.method} ${c.path}${c.body !== undefined ? ` ${JSON.stringify(c.body).slice(0, 200)}` : ''}\n  -> ${attack.status} ${attack.text.slice(0, 300)}`,
          );
        }
      }
      failures.push(...mine);
      expect(mine).toEqual([]);
    });
  }
});
