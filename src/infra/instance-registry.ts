import { hostname } from 'node:os';
import { eq, lt } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { instances } from '../db/schema.ts';
import { randomBase62 } from '../lib/ids.ts';

/** Missed heartbeats after which an instance counts as dead. */
const MISSED_BEATS = 3;
/** Rows of instances dead this long are removed (nothing refers to them any more). */
const FORGET_AFTER_MS = 86_400_000;

/** A new instance's id (made before the registry, so the run recorder can stamp replies with it). */
export const newInstanceId = () => `inst_${randomBase62(12)}`;

/**
 * This process's row in `instances`, renewed every `heartbeatMs`. Several instances may share a
 * PostgreSQL database; each sweep hands `onSweep` the time before which a silent instance is dead,
 * so the work it left running (RUNNING replies) can be failed by whoever is alive.
 */
export function createInstanceRegistry(deps: {
  id: string;
  db: Db;
  logger: Logger;
  heartbeatMs: number;
  onSweep: (aliveSince: Date) => Promise<number>;
}) {
  const { id } = deps;
  let timer: NodeJS.Timeout | null = null;

  async function beat(): Promise<void> {
    await deps.db.update(instances).set({ heartbeatAt: new Date() }).where(eq(instances.id, id));
    const aliveSince = new Date(Date.now() - deps.heartbeatMs * MISSED_BEATS);
    const failed = await deps.onSweep(aliveSince);
    if (failed > 0) deps.logger.warn({ count: failed }, 'marked replies of a stopped instance as FAILED');
    await deps.db.delete(instances).where(lt(instances.heartbeatAt, new Date(Date.now() - FORGET_AFTER_MS)));
  }

  return {
    id,
    /** Registers this instance (before it serves anything) and sweeps once at once. */
    async start(): Promise<void> {
      await deps.db.insert(instances).values({ id, hostname: hostname(), pid: process.pid });
      await beat();
      timer = setInterval(() => {
        beat().catch((err: unknown) => deps.logger.warn({ err }, 'could not renew this instance\'s heartbeat'));
      }, deps.heartbeatMs);
      timer.unref();
    },
    /** Called after this instance's own work is written: it leaves without being taken for dead. */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await deps.db.delete(instances).where(eq(instances.id, id));
    },
  };
}

export type InstanceRegistry = ReturnType<typeof createInstanceRegistry>;
