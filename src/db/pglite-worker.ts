/**
 * The embedded database's own thread: owns the PGlite (PostgreSQL compiled to WebAssembly) instance
 * and answers the requests of `pglite-thread.ts`. PGlite runs synchronously on the thread that
 * calls it, so a batch write on the server's thread would stall every request arriving meanwhile;
 * here it only occupies this thread.
 *
 * Protocol (one message each way per request, answered by id):
 *   { id, op: 'query', sql, params, rowMode, tx? }   -> { id, result: { rows, fields, affectedRows } }
 *   { id, op: 'exec', sql, tx? }                     -> { id, result: [{ rows, fields, affectedRows }] }
 *   { id, op: 'begin', tx }                          -> { id } once BEGIN ran and the connection is held
 *   { id, op: 'end', tx, commit }                    -> { id } after COMMIT (or ROLLBACK)
 *   { id, op: 'close' }                              -> { id }
 * Failures answer { id, error: { message, ...fields of PostgreSQL's error } }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, types, type Results, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import { PGLITE_MEMORY_SETTINGS } from './pglite-settings.ts';

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
}

// Date and time values stay text, as Drizzle's PGlite driver asks; Drizzle maps them itself.
const asText = (v: string) => v;
const PARSERS = Object.fromEntries(
  [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182].map((t) => [t, asText]),
);

const port = parentPort!;
const { dataDir } = workerData as WorkerInit;

/** Open transactions: the handle PGlite gave us and how to end it. */
const open = new Map<number, { tx: Transaction; end: (commit: boolean) => void; done: Promise<unknown> }>();

const plain = (r: Results) => ({ rows: r.rows, fields: r.fields, affectedRows: r.affectedRows });

function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  // PostgreSQL's error fields (code, detail, constraint, ...) are own properties; keep the cloneable ones.
  const fields: Record<string, unknown> = { message: err.message, name: err.name, stack: err.stack };
  for (const [k, v] of Object.entries(err)) if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) fields[k] = v;
  return fields;
}

async function begin(pg: PGlite, txId: number): Promise<void> {
  await new Promise<void>((started, failed) => {
    let end!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => (end = resolve));
    const done = pg
      .transaction(async (tx) => {
        open.set(txId, { tx, end, done });
        started();
        // PGlite commits when this returns and rolls back when it throws.
        if (!(await decided)) throw new RollbackSignal();
      })
      .catch((err) => {
        if (!open.has(txId)) failed(err);
        else if (!(err instanceof RollbackSignal)) throw err;
      })
      .finally(() => open.delete(txId));
  });
}

class RollbackSignal extends Error {}

async function handle(pg: PGlite, msg: WorkerRequest): Promise<unknown> {
  switch (msg.op) {
    case 'query': {
      const target = msg.tx ? txHandle(msg.tx) : pg;
      return plain(await target.query(msg.sql, msg.params, { rowMode: msg.rowMode ?? 'object', parsers: PARSERS }));
    }
    case 'exec': {
      const target = msg.tx ? txHandle(msg.tx) : pg;
      return (await target.exec(msg.sql)).map(plain);
    }
    case 'begin':
      return begin(pg, msg.tx);
    case 'end': {
      const entry = open.get(msg.tx);
      if (!entry) throw new Error(`transaction ${msg.tx} is not open`);
      entry.end(msg.commit);
      await entry.done;
      return undefined;
    }
    case 'close':
      await pg.close();
      return undefined;
  }
}

function txHandle(txId: number): Transaction {
  const entry = open.get(txId);
  if (!entry) throw new Error(`transaction ${txId} is not open`);
  return entry.tx;
}

try {
  const pg = await PGlite.create(dataDir, { extensions: { vector }, startParams: [...PGlite.defaultStartParams, ...PGLITE_MEMORY_SETTINGS] });
  port.on('message', (msg: WorkerRequest) => {
    handle(pg, msg).then(
      (result) => port.postMessage({ id: msg.id, result } satisfies WorkerReply),
      (err) => port.postMessage({ id: msg.id, error: errorFields(err) } satisfies WorkerReply),
    );
  });
  port.postMessage({ id: 0, ready: true } satisfies WorkerReply);
} catch (err) {
  port.postMessage({ id: 0, fatal: errorFields(err) } satisfies WorkerReply);
}
