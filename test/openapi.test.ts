import { createConfig, lintFromString, type NormalizedProblem } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDeps } from '../src/app/deps.ts';
import { buildServer } from '../src/app/server.ts';
import { loadDocPages } from '../src/features/docs/index.ts';
import type { RouteDef } from '../src/http/define-route.ts';
import { createLogger } from '../src/infra/logger.ts';
import { call, freshDatabase, seedOrg, testConfig, type TestServer } from './harness.ts';

type Json = Record<string, any>;

/** Like the harness's startServer, but keeps the route table buildServer registered. */
async function startWithRoutes(): Promise<{ server: TestServer; routes: RouteDef[] }> {
  const config = testConfig();
  const deps = await createDeps(config, { database: await freshDatabase(), logger: createLogger({ level: config.logLevel }) });
  const { app, routes } = await buildServer(deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const server: TestServer = {
    url: `http://127.0.0.1:${port}`,
    app,
    deps,
    async close() {
      await app.close();
      await deps.close();
    },
  };
  return { server, routes };
}

/** `/orgs/:org_id/assistants` -> `/orgs/{org_id}/assistants` */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const label = (def: RouteDef) => `${def.method} ${def.url}`;

/** A list operation is one that takes the page/take query. */
function isPaginated(def: RouteDef): boolean {
  return def.query instanceof z.ZodObject && 'page' in def.query.shape && 'take' in def.query.shape;
}

function expectedErrorStatuses(def: RouteDef): number[] {
  // Every route can meet the HTTPS rule (403); health probes are exempt from the rate limit.
  const s = new Set<number>([403, 500, ...(def.errors ?? [])]);
  if (!['/healthz', '/readyz'].includes(def.url)) s.add(429);
  if (def.params || def.query || def.body) s.add(400);
  if (def.auth !== 'public') s.add(401);
  if (def.params) s.add(404);
  return [...s];
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
    ({ server, routes } = await startWithRoutes());
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

  it('passes the Redocly recommended ruleset without errors', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: raw, absoluteRef: 'openapi.json', config });
    const errors = problems.filter((p) => p.severity === 'error');
    expect(errors, formatProblems(errors)).toEqual([]);
  });

  it('declares the bearer security scheme and uses it on every authenticated operation', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const def of documented) {
      const o = op(def);
      expect(o, label(def)).toBeDefined();
      expect(o!.security, label(def)).toEqual(def.auth === 'public' ? [] : [{ bearerAuth: [] }]);
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
      for (const status of expectedErrorStatuses(def)) {
        expect(responses[status], `${label(def)} does not document ${status}`).toBeDefined();
      }
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

  it('carries examples', () => {
    const examples: unknown[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if ((k === 'example' || k === 'examples') && v !== undefined) examples.push(v);
          walk(v);
        }
      }
    };
    walk(doc.paths);
    walk(doc.components);
    expect(examples.length).toBeGreaterThan(0);
    expect(doc.components.schemas.Error.examples?.[0]).toHaveProperty('message');
  });
});

describe('documentation served by the instance', () => {
  let server: TestServer;
  const pages = loadDocPages();
  beforeAll(async () => {
    ({ server } = await startWithRoutes());
  });
  afterAll(async () => server?.close());

  it('serves the interactive reference at /docs with assets from the instance itself', async () => {
    const res = await call(server, 'GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('id="swagger-ui"');
    const refs = [...res.text.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    const external = refs.filter((r) => /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(r));
    expect(external, 'assets loaded from elsewhere').toEqual([]);
    expect(res.text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)/);
    const script = refs.find((r) => /swagger-ui-bundle\.js$/.test(r));
    expect(script, refs.join(', ')).toBeDefined();
    const asset = await fetch(new URL(script!, `${server.url}/docs`));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect((await asset.text()).length).toBeGreaterThan(1000);
    for (const ref of refs) {
      const r = await fetch(new URL(ref, `${server.url}/docs`));
      expect(r.status, ref).toBe(200);
      await r.arrayBuffer();
    }
  });

  it('lists every docs page in /llms.txt with a Markdown link that answers text/markdown', async () => {
    expect(pages.length).toBeGreaterThan(0);
    const res = await call(server, 'GET', '/llms.txt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toContain(`${server.url}/openapi.json`);
    for (const page of pages) {
      const link = new RegExp(`\\[${page.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\]\\((\\S+/guides/${page.slug}\\.md)\\)`);
      const m = link.exec(res.text);
      expect(m, `${page.slug} is not linked in llms.txt:\n${res.text}`).not.toBeNull();
      const md = await fetch(m![1]!);
      const body = await md.text();
      expect(md.status, m![1]).toBe(200);
      expect(md.headers.get('content-type'), m![1]).toMatch(/^text\/markdown/);
      expect(body.startsWith(`# ${page.title}\n`), body.slice(0, 200)).toBe(true);
    }
  });

  it('serves every page as HTML under /guides and lists them on the index', async () => {
    const index = await call(server, 'GET', '/guides');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    for (const page of pages) {
      expect(index.text).toContain(`href="/guides/${page.slug}"`);
      const res = await call(server, 'GET', `/guides/${page.slug}`);
      expect(res.status, page.slug).toBe(200);
      expect(res.headers.get('content-type'), page.slug).toMatch(/^text\/html/);
      expect(res.text, page.slug).toMatch(/^<!doctype html>/i);
      expect(res.text, page.slug).toContain(`<title>${page.title}`);
      expect(res.text, page.slug).toContain(`href="/guides/${page.slug}.md"`);
    }
  });

  it('folds every page into /llms-full.txt', async () => {
    const res = await call(server, 'GET', '/llms-full.txt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    for (const page of pages) {
      expect(res.text, page.slug).toContain(`# ${page.title}\n`);
      expect(res.text, page.slug).toContain(`/guides/${page.slug}.md`);
    }
  });

  it('answers an unknown page with 404 and a message, as HTML or Markdown', async () => {
    for (const path of ['/guides/no-such-page', '/guides/no-such-page.md']) {
      const res = await call(server, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).toEqual({ message: 'Page not found' });
    }
  });

  it('redirects / to the guides', async () => {
    const res = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/guides');
  });
});
