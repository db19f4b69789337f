/**
 * Keeps `last_used_at` fresh without a database write per request: uses are noted in memory
 * and written in one batched statement every interval (and at shutdown).
 */
export function createLastUsedTracker(opts: {
  flush: (batch: Array<[string, Date]>) => Promise<void>;
  intervalMs: number;
  onError: (err: unknown) => void;
}) {
  let pending = new Map<string, Date>();
  let inflight: Promise<void> = Promise.resolve();

  const flush = () => {
    if (pending.size === 0) return inflight;
    const batch = [...pending.entries()];
    pending = new Map();
    inflight = inflight.then(() => opts.flush(batch)).catch((err) => {
      // Put the batch back so the times are not lost when the database blips.
      for (const [id, at] of batch) if (!pending.has(id)) pending.set(id, at);
      opts.onError(err);
    });
    return inflight;
  };

  const timer = setInterval(flush, opts.intervalMs);
  timer.unref();

  return {
    record(keyId: string, at: Date) {
      pending.set(keyId, at);
    },
    pending(keyId: string): Date | undefined {
      return pending.get(keyId);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
