/**
 * The embedded database's own thread: owns the PGlite (PostgreSQL compiled to WebAssembly) instance
 * and answers the requests of `pglite-thread.ts`. PGlite runs synchronously on the thread that
 * calls it, so a batch write on the server's thread would stall every request arriving meanwhile;
 * here it only occupies this thread.
 *
 * Plain JavaScript on purpose: a TypeScript worker had to register tsx's loader on its thread first,
 * which cost the process about 80 MB of resident memory for this one file. Its messages are typed
 * in `pglite-thread.ts` (WorkerRequest, WorkerReply, WorkerInit).
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
import { PGlite, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';

// Date and time values stay text, as Drizzle's PGlite driver asks; Drizzle maps them itself.
/** @param {string} v */
const asText = (v) => v;
const PARSERS = Object.fromEntries(
  [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182].map((t) => [t, asText]),
);

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
/** @type {{ dataDir: string; startParams: string[]; wasmModule?: WebAssembly.Module }} */
const { dataDir, startParams, wasmModule } = workerData;

/**
 * Open transactions: the handle PGlite gave us and how to end it.
 * @type {Map<number, { tx: import('@electric-sql/pglite').Transaction; end: (commit: boolean) => void; done: Promise<unknown> }>}
 */
const open = new Map();

/** @param {import('@electric-sql/pglite').Results} r */
const plain = (r) => ({ rows: r.rows, fields: r.fields, affectedRows: r.affectedRows });

/** @param {unknown} err @returns {Record<string, unknown>} */
function errorFields(err) {
  if (!(err instanceof Error)) return { message: String(err) };
  // PostgreSQL's error fields (code, detail, constraint, ...) are own properties; keep the cloneable ones.
  /** @type {Record<string, unknown>} */
  const fields = { message: err.message, name: err.name, stack: err.stack };
  for (const [k, v] of Object.entries(err)) if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) fields[k] = v;
  return fields;
}

/** @param {PGlite} pg @param {number} txId @returns {Promise<void>} */
async function begin(pg, txId) {
  await new Promise((started, failed) => {
    /** @type {(commit: boolean) => void} */
    let end = () => {};
    const decided = new Promise((resolve) => (end = resolve));
    const done = pg
      .transaction(async (tx) => {
        open.set(txId, { tx, end, done });
        started(undefined);
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

/** @param {PGlite} pg @param {any} msg @returns {Promise<unknown>} */
async function handle(pg, msg) {
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

/** @param {number} txId */
function txHandle(txId) {
  const entry = open.get(txId);
  if (!entry) throw new Error(`transaction ${txId} is not open`);
  return entry.tx;
}

try {
  const pg = await PGlite.create(dataDir, { extensions: { vector }, startParams: [...PGlite.defaultStartParams, ...startParams], pgliteWasmModule: wasmModule });
  port.on('message', (msg) => {
    handle(pg, msg).then(
      (result) => port.postMessage({ id: msg.id, result }),
      (err) => port.postMessage({ id: msg.id, error: errorFields(err) }),
    );
  });
  port.postMessage({ id: 0, ready: true });
} catch (err) {
  port.postMessage({ id: 0, fatal: errorFields(err) });
}
