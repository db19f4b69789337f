/** A background task and what to do when it fails (log it: a caller never sees the failure). */
export type SerialTask = () => Promise<void>;

export interface SerialTasks {
  /** Runs `task` after whatever runs now; resolves when it has run (or failed). */
  now(task: SerialTask, onError: (err: unknown) => void): Promise<void>;
  /** Runs `task` in `ms`, unless a delayed task is armed already (that one runs then, and covers this call). */
  later(ms: number, task: SerialTask, onError: (err: unknown) => void): void;
  /** Runs an armed task at once and waits until nothing is armed or running (tests, shutdown). */
  idle(): Promise<void>;
  /** Disarms the timer and waits for the running task; nothing is armed afterwards. */
  close(): Promise<void>;
  readonly closed: boolean;
}

/**
 * Background upkeep of this process run one task at a time, with at most one delayed task armed: a burst of writes
 * arms one run a moment after its first write. Shared by the planner statistics and the search index's upkeep.
 */
export function createSerialTasks(): SerialTasks {
  let armed: { timer: NodeJS.Timeout; task: SerialTask; onError: (err: unknown) => void } | null = null;
  let running: Promise<void> | null = null;
  let closed = false;

  function now(task: SerialTask, onError: (err: unknown) => void): Promise<void> {
    const next: Promise<void> = (running ?? Promise.resolve())
      .then(task)
      .catch(onError)
      .finally(() => {
        if (running === next) running = null;
      });
    running = next;
    return next;
  }

  function fire(): void {
    if (!armed) return;
    const { timer, task, onError } = armed;
    clearTimeout(timer);
    armed = null;
    void now(task, onError);
  }

  return {
    now,
    later(ms, task, onError) {
      if (closed || armed) return;
      armed = { timer: setTimeout(fire, ms), task, onError };
      armed.timer.unref();
    },
    async idle() {
      while (armed || running) {
        fire();
        await running;
      }
    },
    async close() {
      closed = true;
      if (armed) clearTimeout(armed.timer);
      armed = null;
      await running;
    },
    get closed() {
      return closed;
    },
  };
}
