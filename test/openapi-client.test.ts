import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, seedOrg, startServer, type Tenant, type TestServer } from './harness.ts';

// Inside the project so that the generated files resolve `openapi-fetch` from its node_modules.
const dir = join(import.meta.dirname, '..', '.tmp', `openapi-client-${process.pid}-${Date.now()}`);

/**
 * A small client against the generated types: what a dashboard or an integrator writes. It is
 * type-checked, then run against the server. The `@ts-expect-error` lines fail the check if the
 * types lose their shape (e.g. a body typed `any`, or `name` no longer required).
 */
const CLIENT = `
import createClient from 'openapi-fetch';
import type { components, paths } from './schema.ts';

type StreamEvent = components['schemas']['StreamEvent'];

/** Narrowing on \`type\` must be exhaustive and give each event its own data. */
export function describeEvent(ev: StreamEvent): string {
  switch (ev.type) {
    case 'metadata':
      return ev.data.chat_id;
    case 'token':
      return ev.content;
    case 'done':
      return ev.data.response + ' ' + String(ev.data.usage.total_tokens);
    case 'error':
      return ev.content;
  }
}

export async function run(baseUrl: string, key: string) {
  const api = createClient<paths>({ baseUrl, headers: { authorization: 'Bearer ' + key } });
  const created = await api.POST('/orgs/{org_id}/assistants', {
    params: { path: { org_id: 'c' } },
    body: { name: 'Typed client bot', config: { instructions: 'Answer briefly.' } },
  });
  if (!created.data) throw new Error('create: ' + created.response.status + ' ' + created.error?.message);
  const id: string = created.data.id;
  const enabled: boolean = created.data.enabled;

  const listed = await api.GET('/orgs/{org_id}/assistants', { params: { path: { org_id: 'c' }, query: { take: 50 } } });
  const names: string[] = (listed.data ?? []).map((a) => a.name);
  const total = listed.response.headers.get('pagination-count');

  const invoked = await api.POST('/api/agents/{agentId}/invoke', {
    params: { path: { agentId: id } },
    body: { message: 'What can you do?' },
  });
  const reply: string | undefined = invoked.data?.response;
  const tokens: number | undefined = invoked.data?.usage.total_tokens;

  const missing = await api.GET('/orgs/{org_id}/assistants/{assistant_id}', {
    params: { path: { org_id: 'c', assistant_id: 'ast_doesnotexist' } },
  });
  const missingMessage: string | undefined = missing.error?.message;

  const streamed = await api.POST('/api/agents/{agentId}/invoke/stream', {
    params: { path: { agentId: id } },
    body: { message: 'And in one word?' },
    parseAs: 'text',
  });
  return { id, enabled, names, total, reply, tokens, missingStatus: missing.response.status, missingMessage, streamText: streamed.data };
}

/** Never called: these only have to fail to type-check. */
export function mistakes(api: ReturnType<typeof createClient<paths>>) {
  // @ts-expect-error name is required to create an assistant
  void api.POST('/orgs/{org_id}/assistants', { params: { path: { org_id: 'c' } }, body: { enabled: true } });
  // @ts-expect-error message is a string
  void api.POST('/api/agents/{agentId}/invoke', { params: { path: { agentId: 'a' } }, body: { message: 42 } });
  // @ts-expect-error the path parameter is required
  void api.GET('/orgs/{org_id}/assistants/{assistant_id}', { params: { path: { org_id: 'c' } } });
  // @ts-expect-error role is user or assistant
  void api.POST('/api/agents/{agentId}/invoke', { params: { path: { agentId: 'a' } }, body: { message: 'hi', history: [{ role: 'system', content: 'x' }] } });
}
`;

function typeCheck(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noUncheckedIndexedAccess: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: [],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ''}:${d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

/** `data: <json>` lines of an SSE body. */
const sseData = (text: string): unknown[] =>
  text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => JSON.parse(block.slice('data: '.length)));

describe('a typed client generated from /openapi.json', () => {
  let server: TestServer;
  let tenant: Tenant;
  let schemaFile: string;
  let clientFile: string;

  beforeAll(async () => {
    server = await startServer();
    tenant = await seedOrg(server);
    const res = await call(server, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    // Without it, request fields that have a default would be typed as required.
    const ast = await openapiTS(res.body, { defaultNonNullable: false });
    mkdirSync(dir, { recursive: true });
    schemaFile = join(dir, 'schema.ts');
    clientFile = join(dir, 'client.ts');
    writeFileSync(schemaFile, astToString(ast));
    writeFileSync(clientFile, CLIENT);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server?.close();
  });

  it('type-checks a client written against it, with TypeScript 5', () => {
    expect(ts.version).toMatch(/^5\./); // openapi-typescript 7 does not run on TypeScript 7
    expect(typeCheck([schemaFile, clientFile])).toEqual([]);
  });

  it('calls the real server through that client', async () => {
    const { run, describeEvent } = (await import(pathToFileURL(clientFile).href)) as {
      run: (baseUrl: string, key: string) => Promise<Record<string, any>>;
      describeEvent: (ev: unknown) => string;
    };
    const out = await run(server.url, tenant.key);
    expect(out.id).toMatch(/^ast_/);
    expect(out.enabled).toBe(true); // the default the server fills in
    expect(out.names).toContain('Typed client bot');
    expect(out.total).toBe(String(out.names.length));
    expect(typeof out.reply).toBe('string');
    expect(out.tokens).toBeGreaterThan(0);
    expect(out.missingStatus).toBe(404);
    expect(out.missingMessage).toMatch(/not found/i);
    const events = sseData(out.streamText) as Array<{ type: string; content: string; data: any }>;
    expect(events.map((e) => e.type)).toEqual(['metadata', ...events.slice(1, -1).map(() => 'token'), 'done']);
    const tokens = events.filter((e) => e.type === 'token').map(describeEvent).join('');
    expect(events.at(-1)!.data.response).toBe(tokens);
  });
});
