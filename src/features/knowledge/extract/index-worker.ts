import { parentPort } from 'node:worker_threads';
import { indexText, type IndexTextInput } from './index-text.ts';

/**
 * The indexing thread (see `index-thread.ts`): chunks items' text and analyzes the chunks' words, the CPU-heavy part
 * of an ingestion (tokenizing with o200k_base, stemming), away from the thread that serves requests. One message
 * each way per item, answered by id: `{ id, input }` -> `{ id, result }` or `{ id, error }`.
 */
const port = parentPort;
if (!port) throw new Error('index-worker runs as a worker thread');
port.on('message', (msg: { id: number; input: IndexTextInput }) => {
  try {
    port.postMessage({ id: msg.id, result: indexText(msg.input) });
  } catch (err) {
    port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
