import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { inject } from 'vitest';
import { createDeps, type Deps, type DepsOverrides } from '../src/app/deps.ts';
import { buildServer } from '../src/app/server.ts';
import { type Config, loadConfig } from '../src/config/config.ts';
import { openDatabase, type Database } from '../src/db/client.ts';
import { createLogger, type Logger } from '../src/infra/logger.ts';
import type { FastifyInstance } from 'fastify';
import type { RouteDef } from '../src/http/define-route.ts';

export const ENGINE = (process.env.PARLEY_TEST_DB ?? 'pglite') as 'pglite' | 'postgres';
const TEMPLATE_DB = 'parley_template';

/**
 * A new embedded data folder as `parley migrate` leaves it: a copy of the run's migrated template
 * (test/pglite-template.ts), well under a second instead of PGlite's initdb (5-15 s). The caller removes it.
 */
export function migratedDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-test-'));
  cpSync(inject('pgliteTemplate'), dir, { recursive: true });
  return dir;
}

/** A fresh, migrated database on the engine this project runs against. */
export async function freshDatabase(): Promise<Database> {
  if (ENGINE === 'pglite') {
    // Removed when the database closes.
    const dir = migratedDataDir();
    // Guarded: a query outside an open transaction from inside it fails at once instead of stopping the database.
    // Every database of this worker runs the one compiled PostgreSQL (about a second of CPU less per server).
    const db = await openDatabase({ kind: 'pglite', dataDir: dir, guardTransactions: true, shareCompiledCode: true });
    return {
      ...db,
      async close() {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = inject('pgAdminUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  return openDatabase({ kind: 'postgres', url: adminUrl.replace(/\/postgres$/, `/${name}`), poolSize: 4 });
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    PARLEY_LOG_LEVEL: process.env.PARLEY_TEST_LOG_LEVEL ?? 'silent',
    PARLEY_RATE_LIMIT_PER_MINUTE: '100000',
    PARLEY_ASSISTANT_CREATE_LIMIT_PER_HOUR: '1000',
    PARLEY_SECRET: 'test-secret-test-secret-test-secret-0123',
    ...env,
  });
}

export interface TestServer {
  url: string;
  app: FastifyInstance;
  deps: Deps;
  /** The route table buildServer registered (the generated suites walk it). */
  routes: RouteDef[];
  close(): Promise<void>;
}

/** Parley on 127.0.0.1:0 over real HTTP, with its own database. */
export async function startServer(
  env: Record<string, string> = {},
  opts: DepsOverrides = {},
): Promise<TestServer> {
  const config = testConfig(env);
  const database = opts.database ?? (await freshDatabase());
  const deps = await createDeps(config, { ...opts, database, logger: opts.logger ?? createLogger({ level: config.logLevel }) });
  const { app, routes } = await buildServer(deps);
  await deps.events.start();
  await deps.jobs.start();
  await deps.webhookJobs.start();
  await deps.webhookFanout.start();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const scheme = deps.tls ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    app,
    deps,
    routes,
    async close() {
      await app.close();
      await deps.close();
    },
  };
}

export interface Tenant {
  orgId: string;
  key: string;
  keyId: string;
}

/** One org and one admin key per test (optionally a sub-org of `parentId`). */
export async function seedOrg(server: TestServer, opts: { name?: string; parentId?: string } = {}): Promise<Tenant> {
  const org = await server.deps.orgs.create(opts.parentId ?? null, { name: opts.name ?? `Org ${randomBytes(3).toString('hex')}` });
  const key = await server.deps.apiKeys.create(org.id, { name: 'test', scope: 'admin' });
  return { orgId: org.id, key: key.key, keyId: key.id };
}

export interface Res<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** fetch with JSON in and out; `body` is parsed JSON when the reply is JSON. */
export async function call<T = any>(
  server: { url: string },
  method: string,
  path: string,
  opts: { key?: string; json?: unknown; body?: string; headers?: Record<string, string>; streamIdleMs?: number } = {},
): Promise<Res<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(opts.json);
  }
  const res = await fetch(server.url + path, { method, headers, body });
  const text = (res.headers.get('content-type') ?? '').startsWith('text/event-stream') ? await readEventStream(res, opts.streamIdleMs) : await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/**
 * An event stream's text: to its end, or until it has been idle for `idleMs` (a live stream such as the inbox's
 * never ends), then the request is cancelled. With `idleMs` 0 the body is not read at all (the status and headers
 * are the answer).
 */
export async function readEventStream(res: Response, idleMs = 300): Promise<string> {
  if (idleMs === 0) {
    await res.body?.cancel();
    return '';
  }
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<'idle'>((resolve) => (timer = setTimeout(() => resolve('idle'), idleMs)));
    const next = await Promise.race([reader.read(), idle]);
    clearTimeout(timer);
    if (next === 'idle') {
      await reader.cancel();
      return text;
    }
    if (next.done) return text;
    text += decoder.decode(next.value, { stream: true });
  }
}

/** A client bound to one server and key. */
export function client(server: { url: string }, key?: string) {
  return {
    get: <T = any>(path: string, headers?: Record<string, string>) => call<T>(server, 'GET', path, { key, headers }),
    post: <T = any>(path: string, json?: unknown) => call<T>(server, 'POST', path, { key, json }),
    patch: <T = any>(path: string, json?: unknown) => call<T>(server, 'PATCH', path, { key, json }),
    del: <T = any>(path: string) => call<T>(server, 'DELETE', path, { key }),
  };
}

/**
 * Breaks the database under a running server so the next query on assistants fails unexpectedly (a 500).
 * Background writers (the run recorder's group commit, key last-use batches) may hold locks on tables the
 * cascade reaches, and PostgreSQL may pick the DROP as a deadlock victim: retry until it goes through.
 */
export async function dropAssistantsTable(server: TestServer): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await server.deps.database.db.execute(sql`drop table assistants cascade`);
      return;
    } catch (err) {
      const code = (err as { cause?: { code?: string }; code?: string }).cause?.code ?? (err as { code?: string }).code;
      if (code !== '40P01' || attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 20 * attempt));
    }
  }
}

/** Polls a knowledge item until its processing ends (PROCESSED or FAILED) and returns it. */
export async function settled(server: { url: string }, key: string, id: string, timeoutMs = 20_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await client(server, key).get(`/orgs/c/knowledge/contents/${id}`);
    if (res.status !== 200) throw new Error(`GET content ${id}: ${res.status} ${res.text}`);
    if (res.body.status === 'PROCESSED' || res.body.status === 'FAILED') return res.body;
    if (Date.now() > deadline) throw new Error(`content ${id} still ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface SignedIn {
  userId: string;
  memberId: string;
  email: string;
  password: string;
  /** `parley_session=...`, for the Cookie header. */
  cookie: string;
  csrf: string;
  /** Headers for a cookie-authenticated call (CSRF included). */
  headers: Record<string, string>;
}

/** A new user with `role` in the tenant's org, invited with its admin key, signed in through the invite. */
export async function signedInMember(server: { url: string }, tenant: Tenant, role: string, org = 'c'): Promise<SignedIn> {
  const email = `user-${randomBytes(5).toString('hex')}@example.com`;
  const password = 'correct horse battery staple';
  const invite = await call(server, 'POST', `/orgs/${org}/invites`, { key: tenant.key, json: { email, role } });
  if (invite.status !== 200) throw new Error(`invite: ${invite.status} ${invite.text}`);
  const res = await call(server, 'POST', '/auth/accept-invite', { json: { token: invite.body.token, name: `A ${role}`, password } });
  if (res.status !== 200) throw new Error(`accept-invite: ${res.status} ${res.text}`);
  const cookie = sessionCookieOf(res.headers);
  const membership = res.body.user.memberships.find((m: { org_id: string }) => m.org_id === invite.body.org_id);
  return {
    userId: res.body.user.id,
    memberId: membership.member_id,
    email,
    password,
    cookie,
    csrf: res.body.csrf_token,
    headers: { cookie, 'x-csrf-token': res.body.csrf_token },
  };
}

/** `parley_session=<token>` from a response's Set-Cookie headers. */
export function sessionCookieOf(headers: Headers): string {
  const set = headers.getSetCookie().find((c) => c.startsWith('parley_session='));
  if (!set) throw new Error(`no session cookie in ${JSON.stringify(headers.getSetCookie())}`);
  return set.split(';')[0]!;
}

/** The Origin a test page of the web widget runs at (allowed by `widgetVisitor`'s assistant). */
export const WIDGET_SITE = 'http://site.example.test';

export interface WidgetVisitor {
  assistantId: string;
  token: string;
  visitorId: string;
  /** Headers of a request from the site's page with this visitor's token. */
  headers: Record<string, string>;
}

/** An assistant of the tenant with its web widget on for WIDGET_SITE, and a visitor session on it. */
export async function widgetVisitor(server: { url: string }, tenant: Tenant, assistantId?: string): Promise<WidgetVisitor> {
  let id = assistantId;
  if (!id) {
    const bot = await call(server, 'POST', '/orgs/c/assistants', { key: tenant.key, json: { name: 'Widget assistant', config: { widget: { enabled: true, allowed_origins: [WIDGET_SITE] } } } });
    if (bot.status !== 200) throw new Error(`assistant: ${bot.status} ${bot.text}`);
    id = bot.body.id as string;
  }
  const s = await call(server, 'POST', '/widget/v1/sessions', { headers: { origin: WIDGET_SITE }, json: { assistant_id: id } });
  if (s.status !== 200) throw new Error(`widget session: ${s.status} ${s.text}`);
  return { assistantId: id, token: s.body.visitor_token, visitorId: s.body.visitor_id, headers: { origin: WIDGET_SITE, authorization: `Bearer ${s.body.visitor_token}` } };
}
