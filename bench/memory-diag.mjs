// Preloaded by `bench/memory.ts --diag` (NODE_OPTIONS=--import): on SIGUSR2 the process prints
// one line with its memory breakdown (V8 heap, external, array buffers, RSS) to stderr.
import { isMainThread } from 'node:worker_threads';
import v8 from 'node:v8';

if (isMainThread) {
  const mb = (n) => Math.round(n / 1048576);
  process.on('SIGUSR2', () => {
    const m = process.memoryUsage();
    const h = v8.getHeapStatistics();
    const spaces = v8
      .getHeapSpaceStatistics()
      .filter((s) => s.space_used_size > 4 * 1048576)
      .map((s) => `${s.space_name}=${mb(s.space_used_size)}`)
      .join(' ');
    process.stderr.write(
      `memdiag rss=${mb(m.rss)} heapTotal=${mb(m.heapTotal)} heapUsed=${mb(m.heapUsed)} external=${mb(m.external)} ` +
        `arrayBuffers=${mb(m.arrayBuffers)} mallocedMemory=${mb(h.malloced_memory)} (${spaces})\n`,
    );
  });
}
