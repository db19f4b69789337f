import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../../../lib/root.ts';
import { indexText, type IndexedText, type IndexTextInput } from './index-text.ts';
import { createTextIndexer, indexWorkerFile, type TextIndexer } from './index-thread.ts';

const opts = { maxTokens: 120, overlapTokens: 20 };
const markdown = [
  '# Repairs',
  'We repair every bike we sell. Bring it to the workshop on Main Street; a tune-up takes two working days.',
  '## Warranty',
  ...Array.from({ length: 40 }, (_, i) => `Clause ${i + 1}: the frame is covered for ${i + 2} years against defects in materials and workmanship.`),
  '| Service | Price |\n| --- | --- |\n| Tune-up | 49 € |\n| Wheel true | 15 € |',
].join('\n\n');
const input: IndexTextInput = { markdown, title: 'Bike shop', opts };

let indexer: TextIndexer | undefined;
afterEach(async () => {
  await indexer?.close();
  indexer = undefined;
});

describe('the indexing thread', () => {
  it('indexes on its own thread exactly as this thread does, then ends when idle', async () => {
    const expected = indexText(input);
    expect(expected.chunks.length).toBeGreaterThan(3);
    indexer = createTextIndexer({ idleMs: 100 });
    expect(indexer.running).toBe(false);
    const [a, b] = await Promise.all([indexer.index(input), indexer.index({ ...input, title: 'Other' })]);
    expect(indexer.running).toBe(true);
    expect(a).toEqual(expected);
    expect(b).toEqual(indexText({ ...input, title: 'Other' }));
    // The stems' counts are per chunk: a stem in every chunk counts as many as there are chunks.
    expect(new Map(a.terms).get('bike')).toBe(a.chunks.length);
    await expect.poll(() => indexer!.running, { timeout: 5_000 }).toBe(false);
    // Started again by the next item.
    expect(await indexer.index(input)).toEqual(expected);
    expect(indexer.running).toBe(true);
  });

  it("reports the chunker's own errors as they are", async () => {
    indexer = createTextIndexer();
    await expect(indexer.index({ ...input, opts: { maxTokens: 0, overlapTokens: 0 } })).rejects.toThrow('maxTokens must be a positive integer');
    expect(await indexer.index(input)).toEqual(indexText(input));
  });

  it('indexes on the calling thread when the thread cannot start, and says so once', async () => {
    const told: Error[] = [];
    indexer = createTextIndexer({ file: path.join(import.meta.dirname, 'no-such-worker.mjs'), onUnavailable: (err) => told.push(err) });
    expect(await indexer.index(input)).toEqual(indexText(input));
    expect(await indexer.index(input)).toEqual(indexText(input));
    expect(told).toHaveLength(1);
    expect(indexer.running).toBe(false);
  });

  it('leaves an item under way to the calling thread when it is closed', async () => {
    indexer = createTextIndexer();
    const big = { ...input, markdown: Array.from({ length: 30 }, () => markdown).join('\n\n') };
    const pending = indexer.index(big);
    await indexer.close();
    expect(await pending).toEqual(indexText(big));
  });

  it("runs from the built server's folder with no loader (as `parley start` runs it)", async () => {
    const build = pathToFileURL(path.join(ROOT, 'scripts/server-build.mjs')).href;
    const { buildServer } = (await import(build)) as { buildServer: (o: { log: (line: string) => void }) => Promise<string> };
    const entry = await buildServer({ log: () => {} });
    const file = path.join(path.dirname(entry), 'index-worker.mjs');
    // Found from the entry and from its chunks, wherever the bundler put the code that starts the thread.
    expect(indexWorkerFile(entry)).toBe(file);
    expect(indexWorkerFile(path.join(path.dirname(entry), 'chunks', 'any-chunk.mjs'))).toBe(file);
    expect(indexWorkerFile(path.join(ROOT, 'elsewhere', 'x', 'y.mjs'))).toBeUndefined();
    const worker = new Worker(file, { execArgv: [] });
    try {
      const reply = await new Promise<{ id: number; result: IndexedText }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage({ id: 7, input });
      });
      expect(reply).toEqual({ id: 7, result: indexText(input) });
    } finally {
      await worker.terminate();
    }
  });
});
