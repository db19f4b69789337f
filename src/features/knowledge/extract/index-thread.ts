import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type IndexedText, type IndexTextInput, indexTextCooperatively } from './index-text.ts';

/**
 * Indexes items' text (`index-text.ts`) on a thread of its own: started at the first item, ended after a quiet minute
 * (it holds the tokenizer's tables, 50-70 MB, which the server's thread loads too once a chat counts tokens), started
 * again by the next item. Measured on PostgreSQL, chunking and analyzing took about a third of the server thread's
 * CPU per ingested item; there it now runs beside the thread that serves requests and writes the chunks.
 *
 * Where the thread cannot start (its file missing, no loader for the sources), or stops, items are indexed on the
 * calling thread as before, in slices (`indexTextCooperatively`).
 */
export interface TextIndexer {
  index(input: IndexTextInput): Promise<IndexedText>;
  /** Whether the thread is up (it ends after `idleMs` without work). */
  readonly running: boolean;
  close(): Promise<void>;
}

export interface TextIndexerOptions {
  /** How long the thread stays after its last item. */
  idleMs?: number;
  /** Told once when the thread cannot be used (items are then indexed on the calling thread). */
  onUnavailable?: (err: Error) => void;
  /** The thread's file; `indexWorkerFile()` by default. */
  file?: string;
}

const HERE = fileURLToPath(import.meta.url);

/**
 * The thread's file: beside the built server's entry (dist/server/<build>/index-worker.mjs, scripts/server-build.mjs),
 * or, running from the sources, the loader shim next to this file.
 */
export function indexWorkerFile(here = HERE): string | undefined {
  if (here.endsWith('.ts')) return path.join(path.dirname(here), 'index-worker.dev.mjs');
  // Bundled: this code is in dist/server/<build>/cli.mjs or in one of its chunks/.
  for (let dir = path.dirname(here), i = 0; i < 2; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, 'index-worker.mjs');
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** The thread stopped (or never started) under an item: it is indexed on the calling thread instead. */
class ThreadStopped extends Error {}

interface Thread {
  worker: Worker;
  waiting: Map<number, { resolve: (r: IndexedText) => void; reject: (e: Error) => void }>;
}

export function createTextIndexer(opts: TextIndexerOptions = {}): TextIndexer {
  const idleMs = opts.idleMs ?? 60_000;
  let current: Thread | undefined;
  let unavailable = false;
  let closed = false;
  let idleTimer: NodeJS.Timeout | undefined;
  let nextId = 1;

  function giveUp(err: Error) {
    if (unavailable) return;
    unavailable = true;
    opts.onUnavailable?.(err);
  }

  function start(): Thread | undefined {
    if (current) return current;
    const file = opts.file ?? indexWorkerFile();
    if (!file) {
      giveUp(new Error('the indexing thread is not built (dist/server/<build>/index-worker.mjs)'));
      return undefined;
    }
    // execArgv [] keeps the thread from inheriting this process's preloads (a profiler, tsx).
    const t: Thread = { worker: new Worker(file, { execArgv: [] }), waiting: new Map() };
    t.worker.on('message', (msg: { id: number; result?: IndexedText; error?: string }) => {
      const p = t.waiting.get(msg.id);
      if (!p) return;
      t.waiting.delete(msg.id);
      if (msg.error !== undefined) p.reject(new Error(msg.error));
      else p.resolve(msg.result!);
      if (t.waiting.size === 0 && current === t) idle(t);
    });
    const stopped = (err: Error) => {
      if (current === t) current = undefined;
      for (const p of t.waiting.values()) p.reject(new ThreadStopped(err.message));
      t.waiting.clear();
    };
    t.worker.on('error', (err) => {
      giveUp(err);
      stopped(err);
    });
    t.worker.on('exit', (code) => stopped(new Error(`the indexing thread stopped (exit code ${code})`)));
    current = t;
    return t;
  }

  function idle(t: Thread) {
    t.worker.unref();
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (current !== t || t.waiting.size > 0) return;
      current = undefined;
      void t.worker.terminate();
    }, idleMs);
    idleTimer.unref();
  }

  return {
    get running() {
      return current !== undefined;
    },
    async index(input) {
      const t = closed || unavailable ? undefined : start();
      if (!t) return indexTextCooperatively(input);
      clearTimeout(idleTimer);
      t.worker.ref();
      const id = nextId++;
      try {
        return await new Promise<IndexedText>((resolve, reject) => {
          t.waiting.set(id, { resolve, reject });
          t.worker.postMessage({ id, input });
        });
      } catch (err) {
        // A document that makes the chunker throw throws here too, as the error it is; a thread that failed to
        // start or stopped under this item leaves the item to this thread.
        if (err instanceof ThreadStopped) return indexTextCooperatively(input);
        throw err;
      }
    },
    async close() {
      closed = true;
      clearTimeout(idleTimer);
      const t = current;
      current = undefined;
      await t?.worker.terminate();
    },
  };
}
