import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import type { JobEnqueuer, JobHandlers } from '../../jobs/job-queue.ts';

export const DELIVER_JOB = 'webhooks.deliver' as const;

/**
 * The webhooks feature's job catalog: one job per delivery attempt. The retry schedule is the
 * delivery's own (each attempt enqueues the next, in the transaction that records it), so the
 * queue's retries only cover an attempt whose process died or whose database write failed.
 */
export const webhookJobCatalog = {
  [DELIVER_JOB]: {
    payload: z.object({
      delivery_id: z.string(),
      trigger: z.enum(['scheduled', 'manual', 'test']).default('scheduled'),
      /** The scheduled attempt this job makes (1 = the first). */
      attempt: z.number().int().min(1).optional(),
    }),
    maxAttempts: 5,
    backoffMs: 2_000,
    // Above the longest attempt PARLEY_WEBHOOK_TIMEOUT_MS allows (60 s) plus the database work around it.
    timeoutMs: 120_000,
  },
};

export type WebhookJobCatalog = typeof webhookJobCatalog;
export type WebhookQueue = JobEnqueuer<WebhookJobCatalog>;

/**
 * Enqueues one attempt of a delivery in `tx`. A redelivery asked for twice while the first is
 * still queued is one attempt; scheduled attempts are told apart by their number.
 */
export function enqueueAttempt(
  queue: WebhookQueue,
  tx: DbOrTx,
  deliveryId: string,
  opts: { trigger: 'scheduled'; attempt: number; delayMs?: number } | { trigger: 'manual' | 'test' },
): Promise<void> {
  const key = opts.trigger === 'scheduled' ? `webhook:${deliveryId}:${opts.attempt}` : `webhook:${deliveryId}:${opts.trigger}`;
  const attempt = opts.trigger === 'scheduled' ? opts.attempt : undefined;
  const delayMs = opts.trigger === 'scheduled' ? opts.delayMs : undefined;
  return queue.enqueue(tx, DELIVER_JOB, { delivery_id: deliveryId, trigger: opts.trigger, attempt }, { dedupeKey: key, delayMs });
}

/** What runs an attempt (webhook-delivery.ts); named by its shape, as that module enqueues through this one. */
export interface AttemptRunner {
  attempt(deliveryId: string, trigger: Trigger, expected: number | undefined, signal: AbortSignal): Promise<void>;
  gaveUp(deliveryId: string, trigger: Trigger, expected: number | undefined, err: Error): Promise<void>;
}

type Trigger = 'scheduled' | 'manual' | 'test';

export function webhookJobHandlers(deliverer: AttemptRunner): JobHandlers<WebhookJobCatalog> {
  return {
    [DELIVER_JOB]: {
      run: ({ delivery_id, trigger, attempt }, ctx) => deliverer.attempt(delivery_id, trigger, attempt, ctx.signal),
      onFailed: ({ delivery_id, trigger, attempt }, err) => deliverer.gaveUp(delivery_id, trigger, attempt, err),
    },
  };
}
