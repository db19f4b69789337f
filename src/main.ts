import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './config/config.ts';
import { createDeps, type Deps } from './app/deps.ts';
import { buildServer } from './app/server.ts';
import { migrate } from './db/migrate.ts';

export interface Running {
  app: FastifyInstance;
  deps: Deps;
  url: string;
  stop(): Promise<void>;
}

/** `parley start`: config -> deps -> migrate -> bootstrap -> listen. */
export async function start(config: Config = loadConfig(), opts: { print?: (line: string) => void } = {}): Promise<Running> {
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const deps = await createDeps(config);
  const { logger } = deps;
  try {
    // The tokenizer's tables (about 50 MB resident) are not loaded here: a call whose prompt clearly fits the
    // model's context window, with a provider that reports usage, never needs them. The first call that does
    // (a long conversation, the built-in model) loads them, about 250 ms once.
    await migrate(deps.database);
    deps.plannerStats.start();
    deps.searchIndex.start();
    // Replies left RUNNING by a killed process. An embedded database has one process, this one, so
    // every such reply is dead; on PostgreSQL, those of instances that stopped heartbeating are.
    if (deps.database.kind === 'pglite') {
      const stale = await deps.chats.failInterruptedRuns({ all: true });
      if (stale > 0) logger.warn({ count: stale }, 'marked replies interrupted by an earlier shutdown as FAILED');
    } else {
      await deps.instances.start();
    }
    const boot = await deps.setup.bootstrap({ bootstrapKey: config.bootstrapKey?.reveal() });
    if (boot.created) {
      if (boot.secret) {
        // Shown once, on purpose, outside the logger (no redaction, no log level hides it): it is the only way to learn
        // it. On a terminal a banner; otherwise one JSON line, so the output stays JSON lines for whatever reads it.
        if (config.logPretty) {
          print('');
          print('  Parley created the organization "Default" and an admin API key.');
          print('  It is shown only now; store it somewhere safe:');
          print('');
          print(`    ${boot.secret}`);
          print('');
        } else {
          print(JSON.stringify({ time: Date.now(), msg: 'created the organization "Default" and an admin API key, shown only now: store it somewhere safe', org_id: boot.orgId, key_id: boot.keyId, admin_key: boot.secret }));
        }
      } else {
        logger.info({ org_id: boot.orgId, key_id: boot.keyId }, 'installed the admin key from PARLEY_BOOTSTRAP_KEY');
      }
    }
    if (config.bootstrapUser) {
      const userId = await deps.setup.bootstrapUser({ email: config.bootstrapUser.email, password: config.bootstrapUser.password.reveal() });
      if (userId) logger.info({ user_id: userId }, 'created the ADMIN user from PARLEY_BOOTSTRAP_EMAIL');
    }
    if (config.allowHttp) logger.warn('PARLEY_ALLOW_HTTP=true: plain HTTP is accepted from any address; use only behind a network you trust');
    const { app } = await buildServer(deps);
    await deps.events.start();
    await deps.jobs.start();
    await deps.webhookJobs.start();
    await deps.webhookFanout.start();
    if (config.knowledge.embeddingModel && !(await deps.knowledge.hybridAvailable())) {
      logger.warn('PARLEY_EMBEDDING_MODEL is set but embeddings cannot be stored (pgvector missing on this PostgreSQL?); knowledge search is keyword-only');
    }
    // Fastify announces each address it listens on; Parley says it once, below (or the CLI's banner does).
    const level = app.log.level;
    app.log.level = 'warn';
    await app.listen({ port: config.port, host: config.host }).finally(() => (app.log.level = level));
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const scheme = deps.tls ? 'https' : 'http';
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const url = `${scheme}://${shownHost}:${port}`;
    // On a terminal the CLI prints a banner with the URL instead of this line.
    if (!config.logPretty) logger.info({ url, database: deps.database.kind, dashboard: `${url}/app`, guides: `${url}/guides`, api_reference: `${url}/docs` }, 'parley is listening');

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        await app.close(); // stops accepting, waits for in-flight requests
        await deps.close();
      })());
    return { app, deps, url, stop };
  } catch (err) {
    await deps.close().catch(() => {});
    throw err;
  }
}

/** Drains on SIGTERM/SIGINT, bounded by PARLEY_SHUTDOWN_TIMEOUT_MS. */
export function handleSignals(running: Running, timeoutMs: number): void {
  const onSignal = (signal: string) => {
    running.deps.logger.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => {
      running.deps.logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    force.unref();
    running.stop().then(
      () => {
        running.deps.logger.info('parley stopped');
        running.deps.logger.flush(() => process.exit(0));
      },
      (err) => {
        running.deps.logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
