import type { Logger } from 'pino';
import type { Db } from '../../db/client.ts';
import type { WebhookEndpointRow } from '../../db/schema.ts';
import { comparePositions, horizon, type LoggedRow, readAfter } from '../../events/event-reads.ts';
import { newSortableId, sortableIdFloor } from '../../lib/ids.ts';
import { enqueueAttempt, type WebhookQueue } from './webhooks.jobs.ts';
import * as repo from './webhooks.repo.ts';

const CONSUMER = 'webhooks';
const BATCH = 500;
const PRUNE_EVERY_MS = 3_600_000;

export const receives = (endpoint: Pick<WebhookEndpointRow, 'eventTypes' | 'createdAt'>, event: Pick<LoggedRow, 'type' | 'created_at'>) =>
  (endpoint.eventTypes.includes('*') || endpoint.eventTypes.includes(event.type)) &&
  // An endpoint gets the events that happen after it exists, not a backlog the consumer had not reached.
  new Date(event.created_at).getTime() >= endpoint.createdAt.getTime();

/**
 * The webhook fan-out: a durable consumer of the event log. Its position is a row of
 * `event_consumers`, locked (FOR UPDATE SKIP LOCKED: one instance at a time) and advanced in the
 * same transaction that inserts the deliveries of the events it read and enqueues their jobs. A
 * process killed at any point leaves either all of that or none of it, so every event is fanned
 * out exactly once. It reads the log below the horizon (see event-reads.ts), as the dispatcher
 * does, so a late-committing event is never skipped.
 *
 * It polls on its own timer rather than following the dispatcher: a runtime call's commit costs
 * nothing extra, and while no endpoint is enabled anywhere a poll is three small queries that
 * move the position to the horizon.
 */
export function createWebhookFanout(deps: {
  db: Db;
  logger: Logger;
  pollMs: number;
  queue: WebhookQueue;
  /** Deliveries older than this are deleted (hourly). */
  logRetentionMs: number;
}) {
  const { db, logger } = deps;
  let lastPruneAt = Date.now();
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let stepping: Promise<void> | null = null;

  /** Fans out one batch; true when there may be more right away. */
  async function step(): Promise<{ more: boolean; enqueued: number }> {
    return db.transaction(async (tx) => {
      const at = await repo.lockConsumer(tx, CONSUMER);
      if (!at) return { more: false, enqueued: 0 }; // another instance is at it
      const end = { txid: await horizon(tx), id: '' };
      if (!(await repo.anyEnabledEndpoint(tx))) {
        if (comparePositions(end, at) > 0) await repo.saveConsumer(tx, CONSUMER, end);
        return { more: false, enqueued: 0 };
      }
      const rows = await readAfter(tx, at, { limit: BATCH, until: end });
      const endpoints = await repo.enabledEndpointsOf(tx, [...new Set(rows.map((r) => r.org_id))]);
      const deliveries = rows.flatMap((event) =>
        endpoints
          .filter((e) => e.orgId === event.org_id && receives(e, event))
          .map((e) => ({
            id: newSortableId('webhookDelivery'),
            orgId: e.orgId,
            endpointId: e.id,
            messageId: event.id,
            eventId: event.id,
            eventType: event.type,
            eventData: event.data,
            eventAt: new Date(event.created_at),
            nextAttemptAt: new Date(),
          })),
      );
      const ids = await repo.insertDeliveries(tx, deliveries);
      for (const id of ids) await enqueueAttempt(deps.queue, tx, id, { trigger: 'scheduled', attempt: 1 });
      const last = rows.at(-1);
      const more = rows.length === BATCH;
      const next = more && last ? { txid: BigInt(last.txid), id: last.id } : end;
      if (comparePositions(next, at) > 0) await repo.saveConsumer(tx, CONSUMER, next);
      return { more, enqueued: ids.length };
    });
  }

  /** Fans out everything committed so far; concurrent calls share one run. */
  function drain(): Promise<void> {
    stepping ??= (async () => {
      for (;;) {
        const { more, enqueued } = await step();
        if (enqueued > 0) deps.queue.wake();
        if (!more || !running) return;
      }
    })()
      .catch((err: unknown) => logger.warn({ err }, 'webhooks: could not read the event log; will retry'))
      .finally(() => {
        stepping = null;
      });
    return stepping;
  }

  /** The delivery log's retention: ids sort by time, so the first id of the cut-off bounds what goes. */
  async function prune(): Promise<number> {
    lastPruneAt = Date.now();
    return repo.pruneDeliveries(db, sortableIdFloor('webhookDelivery', Date.now() - deps.logRetentionMs));
  }

  async function tick(): Promise<void> {
    await drain();
    if (Date.now() - lastPruneAt > PRUNE_EVERY_MS) {
      await prune().catch((err: unknown) => logger.warn({ err }, 'webhooks: could not prune old deliveries'));
    }
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => void tick().finally(schedule), deps.pollMs);
    timer.unref();
  }

  return {
    /** Starts polling; the first start of an instance begins at the end of the log. */
    async start(): Promise<void> {
      await repo.ensureConsumer(db, CONSUMER, { txid: await horizon(db), id: '' });
      running = true;
      schedule();
    },
    /** Fans out what is committed now (tests). */
    drain,
    prune,
    async stop(): Promise<void> {
      running = false;
      if (timer) clearTimeout(timer);
      await stepping;
    },
  };
}

export type WebhookFanout = ReturnType<typeof createWebhookFanout>;
