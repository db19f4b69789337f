import { Command, Option } from 'commander';
import type { Deps } from './app/deps.ts';
import { openDatabase } from './db/client.ts';
import { VERSION } from './app/version.ts';
import { ConfigError, loadConfig } from './config/config.ts';
import { migrate } from './db/migrate.ts';
import { CreateApiKeyBodySchema } from './features/api-keys/api-keys.schemas.ts';
import { CreateSubOrgBodySchema } from './features/orgs/orgs.schemas.ts';
import { EmailSchema, PasswordSchema, RoleSchema } from './features/members/members.schemas.ts';
import { z } from 'zod';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';

const out = (line = ""): void => void process.stdout.write(`${line}\n`);

/** Set by `start`: a server keeps running when its banner cannot be written. */
let serving = false;
// `parley openapi | head` closes the pipe before the end: stop quietly, as Unix tools do, instead of a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  if (!serving) process.exit(0);
});
const err = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Opens the configured database quietly (logs only warnings) for an operator command. Only `migrate` may create an
 * embedded database: any other command pointed at a folder that has none (a typo, the wrong working directory) says so
 * instead of answering from a new, empty one.
 */
async function withDeps<T>(fn: (deps: Deps) => Promise<T>, opts: { create?: boolean } = {}): Promise<T> {
  const config = loadConfig({ ...process.env, PARLEY_LOG_LEVEL: process.env.PARLEY_LOG_LEVEL ?? 'warn' });
  if (!config.databaseUrl && !opts.create && !existsSync(path.resolve(config.dataDir, 'pgdata'))) {
    throw new Error(`there is no Parley database in ${path.resolve(config.dataDir)}: run this from the folder where Parley was started, set PARLEY_DATA_DIR to its data folder (or DATABASE_URL), or start Parley once (npm start)`);
  }
  if (!config.databaseUrl) {
    // The embedded database is PostgreSQL compiled to WebAssembly. V8 compiles it quickly first, then again, optimized,
    // on background threads, and the database's thread waits for that second compilation after opening (about 0.2 s
    // here, more on a busy machine). A command runs a few queries and exits: the first compilation is all it needs.
    setFlagsFromString('--liftoff-only');
  }
  // The embedded database opens on a thread of its own while this one loads the rest of Parley (about half a second
  // each on a small server); createDeps owns it from there.
  const opening = config.databaseUrl ? undefined : openDatabase({ kind: 'pglite', dataDir: config.dataDir });
  opening?.catch(() => {}); // a failure is thrown where createDeps awaits it
  const { createDeps } = await import('./app/deps.ts');
  const deps = await createDeps(config, { opening });
  try {
    await migrate(deps.database);
    return await fn(deps);
  } finally {
    await deps.close();
  }
}

function table(rows: Array<Record<string, unknown>>, columns: string[]): void {
  if (rows.length === 0) return out('(none)');
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '-').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  out(line(columns.map((c) => c.toUpperCase())));
  for (const r of rows) out(line(columns.map((c) => String(r[c] ?? '-'))));
}

/** Validates CLI input with the same schemas as the HTTP API, so both refuse the same things in the same words. */
function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
}

const program = new Command()
  .name('parley')
  .description('Parley: self-hosted AI customer-support assistants.\nSettings come from environment variables (see README).')
  .version(VERSION)
  .showHelpAfterError();

program
  .command('start')
  .description('migrate the database, create the first org and key if empty, and serve the API')
  .addHelpText('after', '\nEnvironment: PORT (8080), HOST, PARLEY_DATA_DIR (./.parley), DATABASE_URL, PARLEY_TLS_CERT/KEY, ...')
  .action(async () => {
    const config = loadConfig();
    serving = true;
    // The HTTP server (Fastify, its plugins, every route and schema) is loaded by the commands that need it only:
    // an operator command opens the database and exits.
    const { handleSignals, start } = await import('./main.ts');
    const running = await start(config);
    if (config.logPretty) out(`Parley ${VERSION} is listening on ${running.url}  (dashboard: ${running.url}/app, guides: ${running.url}/guides, API reference: ${running.url}/docs)`);
    handleSignals(running, config.shutdownTimeoutMs);
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    await withDeps(async () => {}, { create: true });
    out('database is up to date');
  });

program
  .command('openapi')
  .description('print the OpenAPI document (as served at /openapi.json) without a database or a server; for generated clients')
  .option('--out <file>', 'write it to this file instead of stdout')
  .action(async (opts: { out?: string }) => {
    const { openApiDocument } = await import('./app/openapi-document.ts');
    const json = `${JSON.stringify(await openApiDocument(), null, 2)}\n`;
    if (opts.out) writeFileSync(opts.out, json);
    else process.stdout.write(json);
  });

const orgs = program.command('orgs').description('manage organizations');
orgs
  .command('create')
  .description('create an organization (a sub-organization with --parent)')
  .requiredOption('--name <name>', 'organization name (2-64 characters)')
  .option('--parent <org_id>', 'parent organization id')
  .option('--json', 'print the organization as JSON')
  .action(async (opts: { name: string; parent?: string; json?: boolean }) => {
    const input = parseInput(CreateSubOrgBodySchema, { name: opts.name });
    const org = await withDeps((d) => d.orgs.create(opts.parent ?? null, input), { create: true });
    if (opts.json) out(JSON.stringify(org, null, 2));
    else out(`created organization ${org.id} (${org.name})`);
  });
orgs
  .command('list')
  .description('list every organization')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const list = await withDeps((d) => d.orgs.listAll());
    if (opts.json) return out(JSON.stringify(list, null, 2));
    table(list, ['id', 'name', 'parent_id', 'created_at']);
  });

const keys = program.command('keys').description('manage API keys');
keys
  .command('create')
  .description('create an API key; prints the secret alone on stdout (or JSON with --json)')
  .requiredOption('--org <org_id|default>', 'organization id, or "default" for the first org')
  .option('--name <name>', 'a name to recognise the key', 'CLI key')
  .addOption(new Option('--scope <scope>', 'admin (everything) or runtime (invoke only)').choices(['admin', 'runtime']).default('admin'))
  .option('--assistant <assistant_id>', 'restrict a runtime key to one assistant')
  .option('--expires-at <iso_date>', 'expiry, e.g. 2027-01-01T00:00:00Z')
  .option('--json', 'print the key record as JSON, secret included')
  .action(async (opts: { org: string; name: string; scope: 'admin' | 'runtime'; assistant?: string; expiresAt?: string; json?: boolean }) => {
    const input = parseInput(CreateApiKeyBodySchema, {
      name: opts.name,
      scope: opts.scope,
      assistant_id: opts.assistant,
      expires_at: opts.expiresAt,
    });
    const key = await withDeps(async (d) => d.apiKeys.create(await d.setup.resolveOrgRef(opts.org), input));
    if (opts.json) out(JSON.stringify(key, null, 2));
    else {
      out(key.key);
      if (process.stderr.isTTY) err(`(key ${key.id}, scope ${key.scope}, org ${key.org_id}; shown once, store it now)`);
    }
  });
keys
  .command('list')
  .description('list active API keys (secrets are never shown)')
  .option('--org <org_id|default>', 'only this organization')
  .option('--json', 'print JSON')
  .action(async (opts: { org?: string; json?: boolean }) => {
    const list = await withDeps(async (d) => d.apiKeys.listAll(opts.org ? await d.setup.resolveOrgRef(opts.org) : undefined));
    if (opts.json) return out(JSON.stringify(list, null, 2));
    table(list, ['id', 'org_id', 'name', 'scope', 'prefix', 'last_used_at', 'expires_at']);
  });
keys
  .command('revoke')
  .description('revoke an API key by id (key_...)')
  .argument('<key_id>', 'the key id shown by `parley keys list`')
  .action(async (keyId: string) => {
    const key = await withDeps((d) => d.apiKeys.revokeAnywhere(keyId));
    out(`revoked ${key.id} (${key.name})`);
  });

/** All of stdin, without its trailing newline (a password piped in with echo or a file). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

const users = program.command('users').description('manage users (people who sign in)');
users
  .command('create')
  .description('create a user with a role in an organization (the first owner, for example)')
  .requiredOption('--email <email>', 'the email to sign in with')
  .requiredOption('--password-stdin', 'read the password from stdin (never from an argument, which other users can see)')
  .option('--name <name>', 'display name (default: the part of the email before @)')
  .option('--org <org_id|default>', 'organization id, or "default" for the first org', 'default')
  .addOption(new Option('--role <role>', 'role in that organization').choices(['ADMIN', 'DEVELOPER', 'MANAGER', 'AGENT']).default('ADMIN'))
  .option('--json', 'print the user as JSON')
  .action(async (opts: { email: string; name?: string; org: string; role: string; json?: boolean }) => {
    const email = parseInput(EmailSchema, opts.email);
    const role = parseInput(RoleSchema, opts.role);
    const password = parseInput(PasswordSchema, await readStdin());
    const name = opts.name ?? email.split('@')[0]!;
    const user = await withDeps(async (d) => d.auth.createUser({ email, name, password, orgId: await d.setup.resolveOrgRef(opts.org), role }));
    if (opts.json) out(JSON.stringify(user, null, 2));
    else out(`created user ${user.id} (${user.email}), ${role} of ${user.default_org_id}`);
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof ConfigError) err(e.message);
  else err(`error: ${(e as Error).message}`);
  process.exitCode = 1;
}
