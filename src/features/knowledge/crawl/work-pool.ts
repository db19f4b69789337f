/**
 * Drains a FIFO queue that may grow while it runs, at most `concurrency` items at a time. `canStart`
 * gates each new item given how many are in flight (the page budget); when it refuses and nothing is
 * in flight, the pool ends. The first error stops new work and is rethrown once every worker settled.
 */
export async function drainQueue<T>(
  queue: T[],
  opts: { concurrency: number; canStart(active: number): boolean; visit(item: T): Promise<void> },
): Promise<void> {
  let active = 0;
  let sleepers: Array<() => void> = [];
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure) {
      if (queue.length === 0 || !opts.canStart(active)) {
        if (active === 0) return;
        await new Promise<void>((wake) => sleepers.push(wake));
        continue;
      }
      const item = queue.shift() as T;
      active++;
      try {
        await opts.visit(item);
      } catch (error) {
        failure ??= { error };
      } finally {
        active--;
        const woken = sleepers;
        sleepers = [];
        for (const wake of woken) wake();
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  if (failure) throw failure.error;
}
