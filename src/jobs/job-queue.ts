import { randomUUID } from 'node:crypto';
import { and, eq, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Database, DbOrTx } from '../db/client.ts';
import { type JobRow, jobs } from '../db/schema.ts';
import { newId } from '../lib/ids.ts';
import { cleanBounded } from '../lib/text.ts';

export interface JobContext {
  /** Aborted on timeout and on shutdown; long jobs check it between steps. */
  signal: AbortSignal;
  attempt: number;
  logger: Logger;
}

/** One entry of the job catalog: what a job carries and how it is retried. Data, known at compile time. */
export interface JobSpec<S extends z.ZodType = z.ZodType> {
  payload: S;
  maxAttempts: number;
  /** First retry delay; doubled each attempt, with jitter. */
  backoffMs: number;
  timeoutMs: number;
}

/** Job name -> spec. Each feature exports its part; app/ joins them. */
export type JobCatalog = Record<string, JobSpec>;

export type JobPayload<C extends JobCatalog, N extends keyof C> = z.output<C[N]['payload']>;

/** How one job runs; the payload's type follows from the catalog entry. */
export interface JobHandler<P> {
  run(payload: P, ctx: JobContext): Promise<void>;
  /** Called once when the last attempt failed (to mark the work FAILED for people to see). */
  onFailed?(payload: P, error: Error): Promise<void>;
}

export type JobHandlers<C extends JobCatalog> = { [N in keyof C]: JobHandler<JobPayload<C, N>> };

/** Thrown by a job for a failure no retry can fix (say, an unreadable file): it fails at once. */
export class PermanentJobError extends Error {}

/** What a feature needs to start jobs of its catalog `C` (any queue whose catalog includes C). */
export interface JobEnqueuer<C extends JobCatalog> {
  /** Adds a job; pass the caller's transaction so the job exists exactly when the write that caused it does. */
  enqueue<N extends keyof C & string>(tx: DbOrTx, name: N, payload: z.input<C[N]['payload']>, opts?: EnqueueOptions): Promise<void>;
  /** Looks for work now instead of at the next poll (after a commit that enqueued some). */
  wake(): void;
}

export interface EnqueueOptions {
  /**
   * While a job with this key is queued, enqueueing another is a no-op; one that is running
   * finishes before the next one with its key starts.
   */
  dedupeKey?: string;
  delayMs?: number;
}

const SHUTDOWN = 'shutdown';
/** Why an attempt ended without a word: its worker stopped (killed, crashed, or the lease ran out). */
const INTERRUPTED = 'the process running it stopped before it finished';
/** Errors come from anywhere (a page, a file, a driver): stored cleaned and cut to this length. */
const MAX_ERROR_CHARS = 2_000;
const PRUNE_EVERY_MS = 3_600_000;
const DEFAULT_RETENTION_MS = 7 * 86_400_000;

const errorText = (err: Error) => cleanBounded(err.message || err.name, MAX_ERROR_CHARS);

/** The dedupe key of a recurring job: the one pending run of it, whatever the number of processes. */
export const recurringKey = (name: string) => `recurring:${name}`;

/** A job that runs every `everyMs` with an empty payload (sweeps, scans). */
export interface RecurringJob<N extends string = string> {
  name: N;
  everyMs: number;
}

/**
 * The durable job queue over the `jobs` table (PGlite or PostgreSQL). Jobs are enqueued inside the
 * caller's transaction, claimed with FOR UPDATE SKIP LOCKED under a lease that the worker renews,
 * retried with exponential backoff, and released on shutdown so the next start resumes them.
 * Jobs must be idempotent: a job whose worker died is run again once its lease expires.
 */
export function createJobQueue<C extends JobCatalog>(deps: {
  database: Database;
  logger: Logger;
  catalog: C;
  handlers: JobHandlers<C>;
  concurrency: number;
  pollMs?: number;
  leaseMs?: number;
  /** How long done and failed rows are kept (for people looking into a failure). */
  retentionMs?: number;
  /**
   * Jobs that re-enqueue themselves: `start` enqueues each (a no-op while one is pending) and every run, however it
   * ends, is followed by the next in the same transaction, under one dedupe key. So exactly one run is queued or
   * running at any time, across restarts and across instances sharing PostgreSQL. A failed run is not retried:
   * the next one comes `everyMs` later.
   */
  recurring?: Array<RecurringJob<keyof C & string>>;
}) {
  const { db } = deps.database;
  type Def = JobSpec & JobHandler<unknown>;
  const defs = new Map<string, Def>(
    Object.entries(deps.catalog).map(([name, spec]) => [name, { ...spec, ...(deps.handlers[name] as JobHandler<unknown>) }]),
  );
  const names = [...defs.keys()];
  const workerId = randomUUID();
  const pollMs = deps.pollMs ?? 1_000;
  const leaseMs = deps.leaseMs ?? 60_000;
  const retentionMs = deps.retentionMs ?? DEFAULT_RETENTION_MS;
  const recurring = new Map((deps.recurring ?? []).map((r) => [r.name as string, r.everyMs]));
  let lastPruneAt = 0;
  const active = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let started = false;
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let ticking = false;

  function schedule(ms: number): void {
    if (!started || stopping) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tick(), ms);
    timer.unref();
  }

  async function claim(): Promise<JobRow | undefined> {
    const nameList = sql.join(names.map((n) => sql`${n}`), sql`, `);
    const result = await db.execute(sql`
      update jobs set status = 'running', attempts = attempts + 1, locked_by = ${workerId},
        last_error = case when status = 'running' then ${INTERRUPTED} else last_error end,
        locked_until = now() + make_interval(secs => ${leaseMs / 1000}), updated_at = now()
      where id = (
        select id from jobs
        where name in (${nameList})
          and ((status = 'queued' and run_at <= now()) or (status = 'running' and locked_until < now()))
          and (dedupe_key is null or not exists (
            select 1 from jobs r where r.dedupe_key = jobs.dedupe_key and r.id <> jobs.id
              and r.status = 'running' and r.locked_until >= now()))
        order by run_at
        limit 1
        for update skip locked
      )
      returning id, name, payload, attempts, max_attempts, last_error`);
    const row = (result as unknown as { rows: Array<Record<string, unknown>> }).rows[0];
    if (!row) return undefined;
    return {
      id: row.id as string,
      name: row.name as string,
      payload: row.payload as Record<string, unknown>,
      attempts: Number(row.attempts),
      maxAttempts: Number(row.max_attempts),
      lastError: (row.last_error as string | null) ?? null,
    } as JobRow;
  }

  async function tick(): Promise<void> {
    if (ticking || stopping) return;
    ticking = true;
    try {
      await prune().catch((err: unknown) => deps.logger.warn({ err }, 'job queue: could not prune old jobs'));
      while (active.size < deps.concurrency && !stopping) {
        const job = await claim();
        if (!job) break;
        const controller = new AbortController();
        const done = execute(job, controller).finally(() => {
          active.delete(job.id);
          schedule(0);
        });
        active.set(job.id, { controller, done });
      }
    } catch (err) {
      deps.logger.error({ err }, 'job queue: could not claim a job');
    } finally {
      ticking = false;
      schedule(pollMs);
    }
  }

  /** Every way a job ends goes through here; a failure to record it is logged, never thrown. */
  async function execute(job: JobRow, controller: AbortController): Promise<void> {
    const log = deps.logger.child({ job_id: job.id, job: job.name, attempt: job.attempts });
    try {
      await attempt(job, controller, log);
    } catch (err) {
      log.error({ err }, 'job queue: could not record how a job ended; its lease will expire and it runs again');
    }
  }

  async function attempt(job: JobRow, controller: AbortController, log: Logger): Promise<void> {
    const def = defs.get(job.name)!;
    const mine = and(eq(jobs.id, job.id), eq(jobs.lockedBy, workerId));
    const parsed = def.payload.safeParse(job.payload);
    if (job.attempts > job.maxAttempts) {
      // Counted at claim: every earlier attempt ended with its worker (a crash, a kill), never here.
      const reason = `gave up after ${job.maxAttempts} attempts: ${job.lastError ?? INTERRUPTED}`;
      return fail(def, job, parsed, new Error(reason), mine, log);
    }
    const heartbeat = setInterval(() => {
      void db
        .update(jobs)
        .set({ lockedUntil: sql`now() + make_interval(secs => ${leaseMs / 1000})` })
        .where(mine)
        .catch((err: unknown) => log.warn({ err }, 'job queue: could not renew a lease'));
    }, leaseMs / 3);
    heartbeat.unref();
    const timeout = setTimeout(() => controller.abort(new Error(`timed out after ${def.timeoutMs} ms`)), def.timeoutMs);
    timeout.unref();
    try {
      if (!parsed.success) throw new PermanentJobError(`invalid payload: ${parsed.error.message}`);
      await def.run(parsed.data, { signal: controller.signal, attempt: job.attempts, logger: log });
      if (recurring.has(job.name)) {
        // A finished run leaves no row behind (one a minute would fill the table), only the next run.
        await db.transaction(async (tx) => {
          await tx.delete(jobs).where(mine);
          await enqueueNext(tx, job.name);
        });
      } else await db.update(jobs).set({ status: 'done', lastError: null, lockedBy: null, lockedUntil: null, updatedAt: new Date() }).where(mine);
    } catch (caught) {
      const err = caught instanceof Error ? caught : new Error(String(caught));
      if (controller.signal.reason === SHUTDOWN) {
        if (recurring.has(job.name)) {
          // Another instance may have queued the next run already: this one gives way to it rather than requeue.
          await db.transaction(async (tx) => {
            await tx.delete(jobs).where(mine);
            await enqueueNext(tx, job.name, 0);
          });
          return;
        }
        // Not the job's fault: hand it back untouched for the next start.
        await db.update(jobs).set({ status: 'queued', attempts: sql`${jobs.attempts} - 1`, lockedBy: null, lockedUntil: null }).where(mine);
        return;
      }
      if (job.attempts >= job.maxAttempts || err instanceof PermanentJobError || recurring.has(job.name)) return fail(def, job, parsed, err, mine, log);
      log.warn({ err: err.message }, 'job failed; will retry');
      const ceiling = def.backoffMs * 2 ** (job.attempts - 1);
      const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
      await db
        .update(jobs)
        .set({ status: 'queued', lastError: errorText(err), lockedBy: null, runAt: new Date(Date.now() + delay), updatedAt: new Date() })
        .where(mine);
    } finally {
      clearInterval(heartbeat);
      clearTimeout(timeout);
    }
  }

  /** The last attempt failed: the row says why, then the job's own handler marks its work FAILED. */
  async function fail(def: Def, job: JobRow, parsed: { success: boolean; data?: unknown }, err: Error, mine: SQL | undefined, log: Logger) {
    const reason = errorText(err);
    log.warn({ err: reason }, 'job failed for good');
    await db.transaction(async (tx) => {
      await tx.update(jobs).set({ status: 'failed', lastError: reason, lockedBy: null, lockedUntil: null, updatedAt: new Date() }).where(mine);
      if (recurring.has(job.name)) await enqueueNext(tx, job.name);
    });
    if (!parsed.success || !def.onFailed) return;
    try {
      await def.onFailed(parsed.data, new Error(reason));
    } catch (e) {
      log.error({ err: e }, 'job queue: the failure handler of a job threw; the job stays FAILED');
    }
  }

  /** At most once an hour: finished and failed rows older than the retention period go. */
  async function prune(): Promise<void> {
    if (Date.now() - lastPruneAt < PRUNE_EVERY_MS) return;
    lastPruneAt = Date.now();
    await db
      .delete(jobs)
      .where(and(inArray(jobs.status, ['done', 'failed']), lt(jobs.updatedAt, new Date(Date.now() - retentionMs))));
  }

  function enqueueNext(tx: DbOrTx, name: string, delayMs = recurring.get(name)!): Promise<void> {
    return queue.enqueue(tx, name as keyof C & string, {} as z.input<C[keyof C]['payload']>, { dedupeKey: recurringKey(name), delayMs });
  }

  const queue = {
    async enqueue<N extends keyof C & string>(tx: DbOrTx, name: N, input: z.input<C[N]['payload']>, opts: EnqueueOptions = {}): Promise<void> {
      const def = defs.get(name);
      if (!def) throw new Error(`unknown job "${name}"`);
      // Checked here too, so a bad payload fails the write that enqueues it rather than a later run.
      const payload = def.payload.parse(input) as Record<string, unknown>;
      await tx
        .insert(jobs)
        .values({
          id: newId('job'),
          name,
          payload,
          maxAttempts: def.maxAttempts,
          runAt: new Date(Date.now() + (opts.delayMs ?? 0)),
          dedupeKey: opts.dedupeKey ?? null,
        })
        .onConflictDoNothing({ target: jobs.dedupeKey, where: sql`${jobs.status} = 'queued'` });
    },

    wake(): void {
      if (started && !stopping) schedule(0);
    },

    /**
     * Starts the worker loop. With an embedded database this process is the only one, so jobs
     * left running by a killed process are resumed at once instead of after their lease.
     */
    async start(): Promise<void> {
      if (deps.database.kind === 'pglite') {
        await db
          .update(jobs)
          .set({ status: 'queued', lockedBy: null, lockedUntil: null, lastError: INTERRUPTED })
          // Only this queue's jobs: another queue of the same process may be running its own already.
          .where(and(eq(jobs.status, 'running'), inArray(jobs.name, names)));
      }
      // The first run of each recurring job now, unless one is pending already (here or on another instance).
      for (const name of recurring.keys()) await enqueueNext(db, name, 0);
      started = true;
      schedule(0);
    },

    /** Stops claiming, aborts running jobs and hands them back to the queue. */
    async stop(): Promise<void> {
      stopping = true;
      if (timer) clearTimeout(timer);
      for (const { controller } of active.values()) controller.abort(SHUTDOWN);
      await Promise.allSettled([...active.values()].map((a) => a.done));
    },

    /** Resolves when no job is queued or running, the next run of a recurring job aside (tests and the CLI wait on this). */
    async idle(timeoutMs = 60_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [row] = await db
          .select({ n: sql<number>`count(*)::int` })
          .from(jobs)
          .where(sql`${jobs.status} in ('queued', 'running') and not (${jobs.status} = 'queued' and coalesce(${jobs.dedupeKey}, '') like 'recurring:%')`);
        if (!row || row.n === 0) return;
        if (Date.now() > deadline) throw new Error('jobs still pending');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
  return queue satisfies JobEnqueuer<C>;
}

export type JobQueue<C extends JobCatalog = JobCatalog> = ReturnType<typeof createJobQueue<C>>;
