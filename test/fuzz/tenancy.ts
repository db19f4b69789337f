import { permissionOf, type RouteDef } from '../../src/http/define-route.ts';
import { call, type TestServer } from '../harness.ts';
import { deref, type Json } from './doc.ts';
import { encodeSegment, send, type RawResponse } from './http.ts';
import { minimalValid } from './values.ts';
import { kindFor, NAMED_KINDS, nonexistentLike, PARAM_KINDS, type Kind, type World } from './world.ts';

export const paramsOf = (def: RouteDef): string[] => [...def.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
export const labelOf = (def: RouteDef) => `${def.method} ${def.url}`;
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** A key that tries to reach records of org A (or, for org-only routes, of another org). */
export interface Attacker {
  name: string;
  key: string;
  /** What it puts in `{org_id}`: its own alias, or the victim's id. */
  org: string;
  scope: 'admin' | 'runtime' | 'visitor';
  /** A runtime key of the victim org itself: it may use runtime routes (those are its own records). */
  sameOrg?: boolean;
  /** Sent with every request (a widget visitor's page origin). */
  headers?: Record<string, string>;
}

/** A request with A's record ids, and the same request with well-formed ids that name nothing. */
export interface Case {
  route: RouteDef;
  attacker: Attacker;
  path: string;
  baselinePath: string;
  body?: unknown;
  /** The org whose records must not change. */
  victim: World;
  /** A named parameter (`provider`) under the attacker's own alias: it addresses the attacker's namespace. */
  ownNamespace: boolean;
  /** A's id sits in the body or query of a call on the attacker's own records: 2xx is fine, if it is the same 2xx. */
  referenced?: { field: string; baselineBody?: unknown };
}

/** Body fields and query parameters whose names are record ids (`assistant_id`, `chat_id`...). */
export function idFields(doc: Json, def: RouteDef): { body: string[]; query: string[] } {
  const op = doc.paths?.[openApiPath(def.url)]?.[def.method.toLowerCase()];
  const schema = deref(doc, op?.requestBody?.content?.['application/json']?.schema);
  const named = (n: string) => n !== 'org_id' && Boolean(PARAM_KINDS[n]);
  return {
    body: Object.keys(schema?.properties ?? {}).filter(named),
    query: ((op?.parameters ?? []) as Json[]).filter((p) => p.in === 'query' && named(p.name)).map((p) => p.name),
  };
}

/** A management route: one that needs a permission other than the runtime API's (what an admin key may call). */
export const isManagement = (def: RouteDef): boolean => {
  const p = permissionOf(def);
  return p !== undefined && p !== 'runtime:invoke';
};

export const unknownParams = (routes: RouteDef[]): string[] =>
  [...new Set(routes.filter((r) => r.auth !== 'public').flatMap((r) => paramsOf(r).filter((p) => !PARAM_KINDS[p]).map((p) => `${p} (${labelOf(r)})`)))];

/** A valid body for the route (so the request gets past validation to the record lookup), from the document. */
export function bodyFor(doc: Json, def: RouteDef): unknown {
  const schema = doc.paths?.[openApiPath(def.url)]?.[def.method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema;
  return schema ? minimalValid(doc, schema) : undefined;
}

/** Fills a route's path: record params with `ids`, `{org_id}` with `org`. */
export function fill(def: RouteDef, org: string, ids: Record<string, string>): string {
  return def.url.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => encodeSegment(name === 'org_id' ? org : ids[name]!));
}

/** The victim's record id for every record param of the route (the first kind the map names). */
export async function victimIds(def: RouteDef, victim: World): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const p of paramsOf(def).filter((p) => p !== 'org_id')) ids[p] = await victim.id(kindFor(p, def.auth === 'visitor'));
  return ids;
}

export function baselineIds(ids: Record<string, string>, def: RouteDef): Record<string, string> {
  // A named record (provider) has no "nonexistent" name: it stays, and the org or another id makes it missing.
  return Object.fromEntries(Object.entries(ids).map(([p, id]) => [p, NAMED_KINDS.has(PARAM_KINDS[p]![0]!) ? id : nonexistentLike(id)])) as Record<string, string>;
}

export async function sendCase(server: TestServer, c: Case, path: string): Promise<RawResponse> {
  const headers: Record<string, string> = { ...c.attacker.headers, authorization: `Bearer ${c.attacker.key}` };
  const json = path === c.baselinePath && c.referenced ? c.referenced.baselineBody : c.body;
  let body: string | undefined;
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(json);
  }
  return send(server.url, { method: c.route.method, path, headers, body });
}

const messageOf = (r: RawResponse) => (r.json as { message?: unknown } | undefined)?.message;
/** What an answer tells about the record: status, message, and how many items a list holds. */
const answerOf = (r: RawResponse) => `${r.status} ${JSON.stringify(messageOf(r))}${Array.isArray(r.json) ? ` (${r.json.length} items)` : ''}`;

/** What is wrong with an attack's answer, compared with the answer for records that do not exist. */
export function judge(c: Case, attack: RawResponse, baseline: RawResponse | undefined): string[] {
  const problems: string[] = [];
  if (c.attacker.scope === 'runtime' && isManagement(c.route)) {
    // The contract: a runtime key on the management API is refused for its scope, before any record is looked at.
    if (attack.status !== 403 || !/scope is "runtime"/.test(String(messageOf(attack)))) problems.push('expected 403 with the scope message');
  }
  if (c.ownNamespace) return problems;
  if (!c.referenced && attack.status >= 200 && attack.status < 300) problems.push(`answered ${attack.status}: it reached the record`);
  if (baseline && answerOf(attack) !== answerOf(baseline)) problems.push(`answers unlike a missing record (missing: ${answerOf(baseline)})`);
  return problems;
}

/** Fields that change without anyone writing: a key's last use, and the usage window (it ends "now"). */
const VOLATILE = new Set(['last_used_at', 'from', 'to']);

function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !VOLATILE.has(k)).map(([k, x]) => [k, stable(x)]));
  return v;
}

/**
 * Everything the org's own admin key can read: every admin GET of the route table whose params are the org
 * and records the world has seeded. Compared before and after each write an attacker attempts.
 */
export async function snapshot(server: TestServer, routes: RouteDef[], world: World, seeded: Set<Kind>): Promise<Record<string, unknown>> {
  const reads = routes.filter(
    (def) =>
      def.method === 'GET' &&
      isManagement(def) &&
      paramsOf(def)
        .filter((p) => p !== 'org_id')
        .every((p) => PARAM_KINDS[p] && seeded.has(PARAM_KINDS[p]![0]!)),
  );
  const entries = await Promise.all(
    reads.map(async (def) => {
      const path = fill(def, 'c', await victimIds(def, world));
      // A live stream's status tells whether its record is still there; its body, opened with no cursor, holds only
      // what happens from now on, so waiting for it to go idle (300 ms per stream per snapshot) would show nothing.
      const res = await call(server, 'GET', path, { key: world.tenant.key, streamIdleMs: 0 });
      return [path, { status: res.status, body: stable(res.body) }] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** The paths whose reads differ between two snapshots. */
export const changed = (before: Record<string, unknown>, after: Record<string, unknown>): string[] =>
  Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
