import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PGLITE_MEMORY_SETTINGS } from './pglite-settings.ts';
import { ROOT } from '../lib/root.ts';

/** Messages to and from `pglite-worker.mjs` (its protocol is described there). */
export type WorkerRequest =
  | { id: number; op: 'query'; sql: string; params?: unknown[]; rowMode?: 'array' | 'object'; tx?: number }
  | { id: number; op: 'exec'; sql: string; tx?: number }
  | { id: number; op: 'begin'; tx: number }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' };

export type WorkerReply =
  | { id: number; result?: unknown; error?: Record<string, unknown> }
  | { id: 0; ready: true }
  | { id: 0; fatal: Record<string, unknown> };

export interface WorkerInit {
  dataDir: string;
  /** Added to PGlite's own start parameters. */
  startParams: string[];
  /** PostgreSQL's WebAssembly build compiled by the process (see `compiledPostgres`); without it the thread compiles its own. */
  wasmModule?: WebAssembly.Module;
}

type Rows = { rows: unknown[]; fields: { name: string; dataTypeID: number }[]; affectedRows?: number };
type QueryOptions = { rowMode?: 'array' | 'object' };
type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

/** The slice of PGlite's client API that Drizzle's PGlite driver and Parley use. */
export interface PgliteLike extends PgliteClient {
  /**
   * The same connection for background work (jobs, index upkeep): its statements run as any other, but `quiet`
   * does not wait for them, so one background writer does not hold back another while no request uses the database.
   */
  readonly background: PgliteClient;
  /** Resolves once no request has been waiting on the thread for a moment, or after `maxWaitMs` (see `quiet`). */
  quiet(maxWaitMs: number): Promise<void>;
  /** With `guardTransactions`: whether the calling code runs inside an open transaction. */
  insideTransaction?: () => boolean;
  close(): Promise<void>;
}

/** What Drizzle's PGlite driver calls. */
export interface PgliteClient {
  query(sql: string, params?: unknown[], opts?: QueryOptions): Promise<Rows>;
  exec(sql: string): Promise<Rows[]>;
  transaction<T>(fn: (tx: PgliteTx) => Promise<T>): Promise<T>;
}

export interface PgliteTx {
  query(sql: string, params?: unknown[], opts?: QueryOptions): Promise<Rows>;
  exec(sql: string): Promise<Rows[]>;
  rollback(): Promise<void>;
  readonly closed: boolean;
}

export interface ThreadOptions {
  /**
   * Fail, instead of waiting forever, a query made outside an open transaction from inside it (code in `fn` that
   * reads through the database or a cache instead of `tx`). The thread runs one transaction at a time, so such a
   * query waits for the transaction, which waits for the query: the whole embedded database stops. Tracking which
   * transaction a call comes from costs an AsyncLocalStorage (promise hooks on Node 20), so the test suite turns it
   * on and production does not.
   */
  guardTransactions?: boolean;
  /**
   * A transaction with no statement running for this long while other requests wait for the database is rolled
   * back (see `transaction`). Default STALLED_TRANSACTION_MS.
   */
  stalledTransactionMs?: number;
  /** Told when a stalled transaction was rolled back (the server logs it as an error). */
  onStalledTransaction?: (err: Error) => void;
  /** Hand the thread the process's one compiled PostgreSQL (see `compiledPostgres`): for processes that open many. */
  shareCompiledCode?: boolean;
}

/**
 * How long a transaction may hold the embedded database doing nothing while other requests wait. Parley's
 * transactions run their statements back to back (work that is not SQL is done before them), so an idle one
 * that long is waiting for something that waits for it: a query outside it, from inside it.
 */
export const STALLED_TRANSACTION_MS = 5_000;

/** How long the thread must have had nothing to do before `quiet` lets a background write start. */
const QUIET_MS = 2;

/** A database error from the worker, with PostgreSQL's fields (code, detail, constraint, ...) restored. */
function revive(fields: Record<string, unknown>): Error {
  const err = new Error(String(fields.message ?? 'database error'));
  Object.assign(err, fields);
  return err;
}

/**
 * PGlite on its own thread (see `pglite-worker.mjs` for why), behind the client API that Drizzle's
 * PGlite driver calls. Each call is one message; a transaction holds the worker's connection from
 * `begin` to `end`, exactly as PGlite's own `transaction()` does in process.
 */
export async function startPgliteThread(dataDir: string, onStopped?: (err: Error) => void, opts: ThreadOptions = {}): Promise<PgliteLike> {
  // A first start runs initdb in a WebAssembly instance of its own, with a few hundred MB of memory.
  // Done in a throwaway process, all of that memory goes back to the system when it exits; a
  // throwaway thread returned only part of it (about 200 MB stayed in the process's allocator).
  if (dataDir !== 'memory://' && !existsSync(path.join(dataDir, 'PG_VERSION'))) await initInChildProcess(dataDir);
  return openThread(dataDir, onStopped, opts);
}

/** Creates the database files of `dataDir` (PGlite's initdb) in a short-lived Node process. */
async function initInChildProcess(dataDir: string): Promise<void> {
  const pglite = JSON.stringify(import.meta.resolve('@electric-sql/pglite'));
  const vector = JSON.stringify(import.meta.resolve('@electric-sql/pglite/vector'));
  const script = `
    const { PGlite } = await import(${pglite});
    const { vector } = await import(${vector});
    const params = JSON.parse(process.env.PARLEY_PGLITE_PARAMS);
    const pg = await PGlite.create(process.env.PARLEY_PGLITE_DIR, { extensions: { vector }, startParams: [...PGlite.defaultStartParams, ...params] });
    await pg.close();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, PARLEY_PGLITE_DIR: dataDir, PARLEY_PGLITE_PARAMS: JSON.stringify(PGLITE_MEMORY_SETTINGS) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, signal) => resolve(signal ? null : c));
  });
  if (code !== 0) throw new Error(`creating the embedded database in ${dataDir} failed (exit code ${code}): ${stderr.trim()}`);
}

let compiling: Promise<WebAssembly.Module> | undefined;
/**
 * PostgreSQL's WebAssembly build (pglite.wasm, about 10 MB), compiled once per process for the database threads
 * opened with `shareCompiledCode`. A thread that compiles its own pays for it again, and V8 optimizes its busiest
 * functions again while it serves its first queries: about a second of CPU per database opened, and its first
 * queries 3-4 times slower. The test suite opens a database per test server, so it shares one compiled module (its
 * optimized code with it). A server opens one database: its thread compiles its own, as before (in three alternating
 * `npm run bench` pairs with the module compiled here the server's peak memory was higher in all three, by 27-164 MB).
 */
function compiledPostgres(): Promise<WebAssembly.Module> {
  compiling ??= WebAssembly.compile(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite'))), 'pglite.wasm'))).catch((err: unknown) => {
    compiling = undefined; // the next open tries again
    throw err;
  });
  return compiling;
}

async function openThread(dataDir: string, onStopped: ((err: Error) => void) | undefined, opts: ThreadOptions): Promise<PgliteLike> {
  // Plain JavaScript, so the thread needs no TypeScript loader; execArgv [] keeps it from inheriting
  // this process's preloads (tsx's among them). Its JavaScript objects are short-lived (one query's
  // rows): a small young generation keeps them from growing its heap (25-45 MB less under load).
  const worker = new Worker(path.join(ROOT, 'src/db/pglite-worker.mjs'), {
    execArgv: [],
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
    workerData: { dataDir, startParams: [...PGLITE_MEMORY_SETTINGS], wasmModule: opts.shareCompiledCode ? await compiledPostgres() : undefined } satisfies WorkerInit,
  });
  /** Requests sent and not yet answered: when each was sent, and the transaction it belongs to (if any). */
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; sentAt: number; tx: number | undefined }>();
  /** How many of `waiting` are requests' (not background work's, see `background`): `quiet` waits for none. */
  let foregroundWaiting = 0;
  let nextId = 1;
  let nextTx = 1;
  let dead: Error | null = null;

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (msg: WorkerReply) => {
      if ('ready' in msg) return resolve();
      if ('fatal' in msg) return reject(revive(msg.fatal));
      const w = waiting.get(msg.id);
      if (!w) return;
      waiting.delete(msg.id);
      if (msg.error) w.reject(revive(msg.error));
      else w.resolve(msg.result);
    });
    const fail = (err: Error) => {
      if (dead) return;
      dead = err;
      onStopped?.(err);
      reject(err);
      for (const w of waiting.values()) w.reject(err);
      waiting.clear();
      foregroundWaiting = 0;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the embedded database thread stopped (exit code ${code})`)));
  });

  /** When the last request (not background work) was answered: with none waiting, requests have left it alone since. */
  let lastAnsweredAt = 0;

  /** The open transaction the current code runs in (with `guardTransactions`). */
  const inTransaction = opts.guardTransactions ? new AsyncLocalStorage<{ open: boolean }>() : undefined;

  /** Open transactions: statements in flight, since when none is, and why it was rolled back (see `watchdog`). */
  const openTxs = new Map<number, { inFlight: number; idleSince: number; began: Error; aborted: Error | null }>();
  const stalledMs = opts.stalledTransactionMs ?? STALLED_TRANSACTION_MS;

  function send<T>(req: Request, background = false): Promise<T> {
    if (dead) return Promise.reject(dead);
    if (inTransaction?.getStore()?.open && !('tx' in req && req.op !== 'begin')) {
      return Promise.reject(
        new Error(`${req.op === 'begin' ? 'a transaction' : 'a query'} outside the open transaction, started from inside it, would wait for that transaction forever on the embedded database (one connection): run it on \`tx\`, or before the transaction`),
      );
    }
    const id = nextId++;
    if (!background) foregroundWaiting++;
    const answered = () => {
      if (background) return;
      foregroundWaiting--;
      lastAnsweredAt = performance.now();
    };
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, {
        sentAt: performance.now(),
        tx: 'tx' in req ? req.tx : undefined,
        resolve: (v) => {
          answered();
          resolve(v as T);
        },
        reject: (e) => {
          answered();
          reject(e);
        },
      });
      worker.postMessage({ ...req, id } as WorkerRequest);
    });
  }

  try {
    await ready;
  } catch (err) {
    await worker.terminate();
    throw err;
  }

  /**
   * The embedded database serves one transaction at a time. A transaction that waits for a query outside it (code
   * that reads through the database or a cache instead of `tx`) waits for itself, and every request after it
   * waits too: the server would hang until restarted. Such a transaction is rolled back instead, its caller gets
   * the error, and the database serves again. The test suite fails such a query at once (`guardTransactions`).
   */
  const watchdog = setInterval(() => {
    if (dead) return clearInterval(watchdog);
    const now = performance.now();
    for (const [tx, t] of openTxs) {
      if (t.aborted || t.inFlight > 0 || now - t.idleSince < stalledMs) continue;
      const blocked = [...waiting.values()].some((w) => w.tx !== tx && now - w.sentAt >= stalledMs);
      if (!blocked) continue;
      t.aborted = new Error(
        `rolled back: this transaction held the embedded database for ${Math.round(now - t.idleSince)} ms without a statement while other requests waited (a query outside it, made from inside it?)`,
      );
      t.aborted.stack = `${t.aborted.message}\n  began${t.began.stack?.replace(/^Error[^\n]*/, '') ?? ''}`;
      opts.onStalledTransaction?.(t.aborted);
      send({ op: 'end', tx, commit: false }).catch(() => {});
    }
  }, Math.max(10, Math.min(1_000, stalledMs / 2)));
  watchdog.unref();

  /** The client Drizzle calls: for requests, or for background work (`background`: not waited for by `quiet`). */
  const clientFor = (background: boolean): PgliteClient => ({
    query: (sql, params, opts) => send({ op: 'query', sql, params, rowMode: opts?.rowMode }, background),
    exec: (sql) => send({ op: 'exec', sql }, background),
    async transaction(fn) {
      const tx = nextTx++;
      // Where it began, for the watchdog's report (a captured stack costs about a microsecond; it is formatted only if read).
      const began = new Error();
      await send({ op: 'begin', tx }, background);
      const state = { inFlight: 0, idleSince: performance.now(), began, aborted: null as Error | null };
      openTxs.set(tx, state);
      let closed = false;
      const statement = <T>(req: Request): Promise<T> => {
        if (state.aborted) return Promise.reject(state.aborted);
        state.inFlight++;
        return send<T>(req, background).finally(() => {
          state.inFlight--;
          state.idleSince = performance.now();
        });
      };
      const handle: PgliteTx = {
        query: (sql, params, opts) => statement({ op: 'query', sql, params, rowMode: opts?.rowMode, tx }),
        exec: (sql) => statement({ op: 'exec', sql, tx }),
        async rollback() {
          closed = true;
          openTxs.delete(tx);
          if (!state.aborted) await send({ op: 'end', tx, commit: false }, background);
        },
        get closed() {
          return closed;
        },
      };
      let result;
      const scope = { open: true };
      try {
        result = await (inTransaction ? inTransaction.run(scope, () => fn(handle)) : fn(handle));
      } catch (err) {
        scope.open = false;
        openTxs.delete(tx);
        if (!closed && !state.aborted) {
          closed = true;
          await send({ op: 'end', tx, commit: false }, background).catch(() => {});
        }
        throw state.aborted ?? err;
      }
      scope.open = false;
      openTxs.delete(tx);
      if (state.aborted) throw state.aborted;
      if (!closed) {
        closed = true;
        await send({ op: 'end', tx, commit: true }, background);
      }
      return result;
    },
  });

  return {
    ...(inTransaction && { insideTransaction: () => inTransaction.getStore()?.open === true }),
    ...clientFor(false),
    background: clientFor(true),
    /**
     * The embedded database runs one statement (and one transaction) at a time: a background job's large write
     * makes every request that arrives meanwhile wait for it. A job calls this before such a write, so it starts
     * when no request is waiting and none was answered in the last QUIET_MS (a request's next statement usually
     * follows within that), rather than between two statements of a customer's chat. Background work's own
     * statements (`background`) do not count: two ingestion jobs took turns waiting for each other's, which slowed
     * an ingestion with no request in sight by about a sixth. Bounded by `maxWaitMs`, so steady traffic slows
     * background work down but never stops it.
     */
    async quiet(maxWaitMs) {
      const deadline = performance.now() + maxWaitMs;
      while (!dead && (foregroundWaiting > 0 || performance.now() - lastAnsweredAt < QUIET_MS) && performance.now() < deadline) {
        await new Promise<void>((resolve) => setTimeout(resolve, QUIET_MS));
      }
    },
    async close() {
      clearInterval(watchdog);
      if (!dead) await send({ op: 'close' });
      dead = new Error('the embedded database is closed');
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
