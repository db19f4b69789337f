import { createConfig, lintFromString, type NormalizedProblem } from '@redocly/openapi-core';
import spectralCore from '@stoplight/spectral-core';
import { Json as JsonParser } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RouteDef } from '../src/http/define-route.ts';
import { call, seedOrg, signedInMember, startServer, type TestServer, widgetVisitor } from './harness.ts';

type Json = Record<string, any>;

/** `/orgs/:org_id/assistants` -> `/orgs/{org_id}/assistants` */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const label = (def: RouteDef) => `${def.method} ${def.url}`;

/** A list operation is one that takes the page/take query. */
function isPaginated(def: RouteDef): boolean {
  return def.query instanceof z.ZodObject && 'page' in def.query.shape && 'take' in def.query.shape;
}

const RATE_LIMIT_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Every operation of the document with its method and path. */
function operationsOf(doc: Json): Array<{ where: string; path: string; method: string; op: Json }> {
  return Object.entries(doc.paths as Json).flatMap(([path, methods]) =>
    Object.entries(methods as Json)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, path, method, op: op as Json })),
  );
}

/** A path with each `{param}` replaced by its documented example. */
function examplePath(path: string, op: Json): string {
  return path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const p = (op.parameters as Json[]).find((x) => x.in === 'path' && x.name === name);
    return encodeURIComponent(String(p?.example ?? p?.examples?.[Object.keys(p.examples)[0]!]?.value));
  });
}

const formatProblems = (problems: NormalizedProblem[]) =>
  problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location.map((l) => l.pointer).join(', ')}`).join('\n');

describe('OpenAPI document', () => {
  let server: TestServer;
  let routes: RouteDef[];
  let documented: RouteDef[];
  let doc: Json;
  let raw: string;
  const op = (def: RouteDef): Json | undefined => doc.paths?.[openApiPath(def.url)]?.[def.method.toLowerCase()];

  beforeAll(async () => {
    server = await startServer();
    routes = server.routes;
    documented = routes.filter((r) => !r.hidden);
    const res = await call(server, 'GET', '/openapi.json');
    expect(res.status, res.text.slice(0, 500)).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    raw = res.text;
    doc = JSON.parse(raw);
  });
  afterAll(async () => server?.close());

  it('is OpenAPI 3.1 with a title, a version and this instance as server', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(doc.servers?.length).toBeGreaterThan(0);
  });

  it('passes the Redocly recommended ruleset without errors or warnings', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: raw, absoluteRef: 'openapi.json', config });
    expect(formatProblems(problems)).toBe(''); // the problems as lines: the raw objects carry the whole document
  });

  it('passes Spectral\'s spectral:oas ruleset without errors or warnings', async () => {
    const spectral = new spectralCore.Spectral();
    spectral.setRuleset({ extends: [oas] } as never);
    const results = await spectral.run(new spectralCore.Document(raw, JsonParser, 'openapi.json'));
    const text = results.map((r) => `${r.code} (severity ${r.severity}): ${r.message} at ${r.path.join('.')}`).join('\n');
    expect(text).toBe('');
  });

  it('has an info.contact and a description on every operation', () => {
    expect(doc.info.contact?.name).toBeTruthy();
    for (const { where, op } of operationsOf(doc)) expect(op.description?.trim(), where).toBeTruthy();
  });

  it('keeps only component schemas that an operation reaches, once each', () => {
    const referenced = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') referenced.add(v.replace('#/components/schemas/', ''));
          else walk(v);
        }
      }
    };
    walk(doc.paths);
    for (let size = 0; size !== referenced.size; ) {
      size = referenced.size;
      for (const name of [...referenced]) walk(doc.components.schemas[name]);
    }
    const names = Object.keys(doc.components.schemas);
    expect(names.filter((n) => !referenced.has(n)), 'unused component schemas').toEqual([]);
    // An `XInput` twin stays only where the request side really differs from what the server sends.
    for (const name of names.filter((n) => n.endsWith('Input') && names.includes(n.slice(0, -5)))) {
      expect(doc.components.schemas[name], name).not.toEqual(doc.components.schemas[name.slice(0, -5)]);
    }
  });

  it('names request bodies by their schema id, with the fields a client must send as required', () => {
    const body = doc.paths['/orgs/{org_id}/assistants'].post.requestBody.content['application/json'].schema;
    expect(body).toEqual({ $ref: '#/components/schemas/CreateAssistant' });
    // enabled and generate_secret_key have defaults: a client may leave them out.
    expect(doc.components.schemas.CreateAssistant.required).toEqual(['name']);
    expect(doc.components.schemas.Assistant.required).toEqual(expect.arrayContaining(['id', 'name', 'enabled']));
  });

  it('types the items of every array', () => {
    const untyped: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
      if (!node || typeof node !== 'object') return;
      const n = node as Json;
      if (n.type === 'array' && !['type', '$ref', 'anyOf', 'oneOf', 'allOf', 'enum', 'const'].some((k) => n.items && k in n.items)) untyped.push(at);
      for (const [k, v] of Object.entries(n)) walk(v, `${at}/${k}`);
    };
    walk(doc, '#');
    expect(untyped).toEqual([]);
  });

  it('describes each event of the stream as a named schema', () => {
    const ok = doc.paths['/api/agents/{agentId}/invoke/stream'].post.responses['200'];
    expect(Object.keys(ok.content)).toEqual(['text/event-stream']);
    const ref = ok.content['text/event-stream'].schema.$ref as string;
    expect(ref).toMatch(/^#\/components\/schemas\//);
    const union = doc.components.schemas[ref.split('/').pop()!];
    const variants = (union.oneOf as Json[]).map((v) => doc.components.schemas[String(v.$ref).split('/').pop()!]);
    expect(variants.map((v) => v.properties.type.const)).toEqual(['metadata', 'token', 'done', 'error']);
    for (const v of variants) expect(v.required).toEqual(['type', 'content', 'data']);
    const byType = Object.fromEntries(variants.map((v) => [v.properties.type.const, v]));
    expect(byType.metadata.properties.data.required).toEqual(['agent_id', 'chat_id']);
    expect(byType.token.properties.data.type).toBe('null');
    expect(byType.done.properties.data).toEqual({ $ref: '#/components/schemas/InvokeResponse' });
    expect(byType.error.properties.content.type).toBe('string');
  });

  it('gives an example for every path parameter and every request body', () => {
    const resolve = (schema: Json): Json => (schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema);
    for (const { where, op } of operationsOf(doc)) {
      for (const p of (op.parameters ?? []).filter((x: Json) => x.in === 'path')) {
        expect(p.example ?? p.examples ?? p.schema?.examples, `${where}: {${p.name}}`).toBeDefined();
      }
      for (const [media, content] of Object.entries((op.requestBody?.content ?? {}) as Json)) {
        const examples = content.example ?? content.examples ?? resolve(content.schema).examples;
        expect(examples, `${where} ${media}`).toBeDefined();
        expect(Object.keys(examples).length, `${where} ${media}`).toBeGreaterThan(0);
      }
    }
  });

  it('declares the bearer and session cookie security schemes and lists both on every authenticated operation', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'parley_session' });
    expect(doc.components.securitySchemes.visitorToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const def of documented) {
      const o = op(def);
      expect(o, label(def)).toBeDefined();
      const expected = def.auth === 'public' ? [] : def.auth === 'visitor' ? [{ visitorToken: [] }] : [{ bearerAuth: [] }, { sessionCookie: [] }];
      expect(o!.security, label(def)).toEqual(expected);
    }
  });

  it('has a unique method + path and a unique operationId for every route of the table', () => {
    expect(routes.length).toBeGreaterThan(10);
    const keys = routes.map(label);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    const ids = routes.map((r) => r.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('documents every route of the table with its operationId, summary and tags', () => {
    const tagNames = new Set((doc.tags ?? []).map((t: { name: string }) => t.name));
    for (const def of documented) {
      const o = op(def);
      expect(o, `${label(def)} is missing from /openapi.json`).toBeDefined();
      expect(o!.operationId, label(def)).toBe(def.operationId);
      expect(o!.summary, label(def)).toBe(def.summary);
      expect(o!.summary.length, label(def)).toBeGreaterThan(0);
      expect(o!.tags, label(def)).toEqual(def.tags);
      for (const tag of def.tags) expect(tagNames.has(tag), `${label(def)}: tag "${tag}" is not declared`).toBe(true);
    }
  });

  it('documents no operation that the route table lacks', () => {
    const known = new Set(documented.map((d) => `${d.method.toLowerCase()} ${openApiPath(d.url)}`));
    const extra: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths as Json)) {
      for (const method of Object.keys(methods)) {
        if (['parameters', 'summary', 'description', 'servers'].includes(method)) continue;
        if (!known.has(`${method} ${path}`)) extra.push(`${method} ${path}`);
      }
    }
    expect(extra).toEqual([]);
  });

  it('documents the success responses of every route with their schemas', () => {
    for (const def of documented) {
      const responses = op(def)!.responses as Json;
      for (const [status, declared] of Object.entries(def.responses)) {
        const where = `${label(def)} ${status}`;
        const response = responses[status];
        expect(response, where).toBeDefined();
        expect(typeof response.description, where).toBe('string');
        if (declared instanceof z.ZodType) {
          if (declared instanceof z.ZodUndefined) {
            expect(response.content, where).toBeUndefined();
            continue;
          }
          const schema = response.content?.['application/json']?.schema;
          expect(schema, where).toBeDefined();
          const id = z.globalRegistry.get(declared)?.id;
          if (id) expect(schema.$ref, where).toBe(`#/components/schemas/${id}`);
          if (declared instanceof z.ZodArray) {
            expect(schema.type, where).toBe('array');
            expect(schema.items, where).toBeDefined();
          }
          if (schema.$ref) expect(doc.components.schemas[schema.$ref.split('/').pop()], where).toBeDefined();
        } else {
          expect(Object.keys(response.content ?? {}).sort(), where).toEqual(Object.keys(declared.content).sort());
          for (const media of Object.values(response.content as Json)) expect(media.schema, where).toBeDefined();
        }
      }
    }
  });

  it('describes the JSON bodies of public GET routes with the type they really have', async () => {
    const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v);
    const checked: string[] = [];
    for (const def of documented) {
      if (def.method !== 'GET' || def.auth !== 'public' || def.params) continue;
      let schema = op(def)!.responses['200']?.content?.['application/json']?.schema as Json | undefined;
      if (!schema) continue;
      if (schema.$ref) schema = doc.components.schemas[schema.$ref.split('/').pop()] as Json;
      const res = await call(server, 'GET', def.url);
      expect(res.status, label(def)).toBe(200);
      expect(jsonType(JSON.parse(res.text)), `${label(def)} is documented as ${JSON.stringify(schema)}`).toBe(schema.type);
      checked.push(def.url);
    }
    expect(checked).toEqual(expect.arrayContaining(['/healthz', '/openapi.json']));
  });

  it('documents the error responses of every route with the Error schema', () => {
    const error = doc.components.schemas.Error;
    expect(error.type).toBe('object');
    expect(error.properties.message.type).toBe('string');
    expect(error.required).toContain('message');
    for (const def of documented) {
      const responses = op(def)!.responses as Json;
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) < 400) continue;
        const where = `${label(def)} ${status}`;
        expect(response.description, where).toBeTruthy();
        expect(response.content?.['application/json']?.schema, where).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
  });

  it('documents the pagination-* headers on list operations, and only there', () => {
    const paginated = documented.filter(isPaginated);
    expect(paginated.map((d) => d.operationId)).toContain('listAssistants');
    for (const def of documented) {
      const headers = (op(def)!.responses['200']?.headers ?? {}) as Json;
      for (const name of ['pagination-count', 'pagination-page', 'pagination-take']) {
        if (isPaginated(def)) {
          expect(headers[name], `${label(def)} lacks ${name}`).toBeDefined();
          expect(headers[name].schema.type, `${label(def)} ${name}`).toBe('integer');
        } else {
          expect(headers[name], `${label(def)} is not paginated but documents ${name}`).toBeUndefined();
        }
      }
      if (isPaginated(def)) {
        const query = (op(def)!.parameters ?? []).filter((p: Json) => p.in === 'query').map((p: Json) => p.name);
        expect(query, label(def)).toEqual(expect.arrayContaining(['page', 'take']));
      }
    }
  });

  it('sends the documented pagination headers on list operations', async () => {
    const t = await seedOrg(server);
    const orgLists = documented.filter((d) => isPaginated(d) && d.url.match(/:[a-z_]+/g)?.join() === ':org_id');
    expect(orgLists.length).toBeGreaterThan(0);
    for (const def of orgLists) {
      const res = await call(server, 'GET', def.url.replace(':org_id', 'c'), { key: t.key });
      expect(res.status, `${label(def)}: ${res.text}`).toBe(200);
      expect(Array.isArray(res.body), label(def)).toBe(true);
      expect(res.headers.get('pagination-count'), label(def)).toBe(String(res.body.length));
      expect(res.headers.get('pagination-page'), label(def)).toBe('1');
      expect(res.headers.get('pagination-take'), label(def)).toMatch(/^\d+$/);
    }
  });

  // Facts of the contract, written out rather than derived from the server's own rule.
  it('documents 404 on every operation with an id in its path', () => {
    for (const { where, path, op } of operationsOf(doc)) {
      if (path.includes('{')) expect(op.responses['404'], where).toBeDefined();
    }
  });

  it('documents 401 on every authenticated operation, and none on public ones but those that check a password or a key', () => {
    const checksPassword = new Set(['signIn', 'acceptInvite', 'setUp']);
    for (const { where, op } of operationsOf(doc)) {
      const authenticated = (op.security ?? doc.security).length > 0;
      expect(op.responses['401'] !== undefined, where).toBe(authenticated || checksPassword.has(op.operationId));
    }
  });

  it('documents 400 on every operation that takes a body, path parameters or a query', () => {
    for (const { where, op } of operationsOf(doc)) {
      if (op.requestBody || (op.parameters ?? []).length > 0) expect(op.responses['400'], where).toBeDefined();
    }
  });

  it('answers 415 to a JSON body sent in another media type, and documents it', async () => {
    const t = await seedOrg(server);
    // Routes for a signed-in user refuse API keys before reading the body: they are called with a session.
    const member = await signedInMember(server, t, 'ADMIN');
    const sessionOnly = new Set(routes.filter((r) => r.auth === 'session').map((r) => r.operationId));
    // The widget's visitor routes take a visitor token from an allowed page.
    const visitor = await widgetVisitor(server, t);
    const visitorOnly = new Set(routes.filter((r) => r.auth === 'visitor').map((r) => r.operationId));
    const withBody = operationsOf(doc).filter(({ op }) => op.requestBody?.content?.['application/json']);
    expect(withBody.length).toBeGreaterThan(10);
    for (const { where, path, method, op } of withBody) {
      const auth = sessionOnly.has(op.operationId)
        ? { headers: { ...member.headers, 'content-type': 'application/xml' } }
        : visitorOnly.has(op.operationId)
          ? { headers: { ...visitor.headers, 'content-type': 'application/xml' } }
          : { key: t.key, headers: { 'content-type': 'application/xml' } };
      const res = await call(server, method.toUpperCase(), examplePath(path, op), { body: '{}', ...auth });
      expect(res.status, `${where}: ${res.text}`).toBe(415);
      expect(op.responses['415'], `${where} answers 415, which it does not document`).toBeDefined();
    }
  });

  it('documents the statuses of named operations', () => {
    const statuses = (id: string) => {
      const found = operationsOf(doc).find(({ op }) => op.operationId === id);
      expect(found, id).toBeDefined();
      return Object.keys(found!.op.responses).map(Number);
    };
    expect(statuses('invokeAgent')).toEqual(expect.arrayContaining([200, 400, 401, 403, 404, 429, 500, 502]));
    expect(statuses('streamAgent')).toEqual(expect.arrayContaining([200, 400, 401, 403, 404, 429, 500]));
    expect(statuses('createAssistant')).toEqual(expect.arrayContaining([200, 400, 401, 429]));
    expect(statuses('putProviderCredential')).toEqual(expect.arrayContaining([200, 400, 401, 404, 429]));
    expect(statuses('deleteChat')).toEqual(expect.arrayContaining([200, 401, 404, 429]));
    expect(statuses('getReadiness')).toEqual(expect.arrayContaining([200, 503]));
    // Health probes: public, exempt from the rate limit, no ids.
    for (const id of ['getHealth', 'getReadiness']) {
      for (const absent of [401, 404, 429]) expect(statuses(id), `${id} documents ${absent}`).not.toContain(absent);
    }
  });

  it('documents 429 and the RateLimit-* headers on the rate-limited operations only', () => {
    for (const { where, path, op } of operationsOf(doc)) {
      const limited = !['/healthz', '/readyz'].includes(path);
      expect(op.responses['429'] !== undefined, where).toBe(limited);
      if (limited) expect(Object.keys(op.responses['429'].headers ?? {}), where).toContain('Retry-After');
      for (const [status, response] of Object.entries(op.responses as Json)) {
        const headers = Object.keys(response.headers ?? {});
        for (const name of RATE_LIMIT_HEADERS) expect(headers.includes(name), `${where} ${status} ${name}`).toBe(limited);
      }
    }
  });

  it('sends the RateLimit-* headers where it documents them, on successes and errors, and not on the health probes', async () => {
    const t = await seedOrg(server);
    const has = (res: { headers: Headers }) => RATE_LIMIT_HEADERS.map((h) => res.headers.get(h) !== null);
    expect(has(await call(server, 'GET', '/orgs/c/assistants', { key: t.key }))).toEqual([true, true, true]);
    expect(has(await call(server, 'GET', '/orgs/c/assistants'))).toEqual([true, true, true]); // 401
    expect(has(await call(server, 'POST', '/orgs/c/assistants', { key: t.key, json: {} }))).toEqual([true, true, true]); // 400
    expect(has(await call(server, 'GET', '/healthz'))).toEqual([false, false, false]);
    expect(has(await call(server, 'GET', '/readyz'))).toEqual([false, false, false]);
  });
});
