import type { Db, DbOrTx } from '../../db/client.ts';
import type { WebhookAttempt, WebhookDeliveryRow, WebhookEndpointRow } from '../../db/schema.ts';
import { SYSTEM_ACTOR } from '../../events/actor.ts';
import type { Emit, EventLog } from '../../events/event-log.ts';
import type { EgressFetch } from '../../infra/egress/egress.ts';
import type { SecretBox } from '../../infra/secret-box.ts';
import { buildPayload, type PayloadSources } from './webhook-payload.ts';
import { sendWebhook } from './webhook-sender.ts';
import { enqueueAttempt, type WebhookQueue } from './webhooks.jobs.ts';
import * as repo from './webhooks.repo.ts';

export interface DeliveryDeps {
  db: Db;
  events: EventLog;
  fetch: EgressFetch;
  secretBox: () => SecretBox | undefined;
  sources: PayloadSources;
  /** The delivery queue (a getter: the queue runs this deliverer's attempts, so it is made after it). */
  queue: () => WebhookQueue;
  timeoutMs: number;
  /** Delays before retries 1..n; a delivery gets 1 + n scheduled attempts. */
  retryScheduleMs: number[];
  disableAfterFailures: number;
}

export type Trigger = WebhookAttempt['trigger'];

/** Disables an endpoint and says so in the event log; a no-op when it already is. */
export async function disable(tx: DbOrTx, emit: Emit, endpoint: Pick<WebhookEndpointRow, 'id' | 'orgId'>, reason: string): Promise<boolean> {
  if (!(await repo.disableEndpoint(tx, endpoint.id, reason))) return false;
  emit({ type: 'webhook_endpoint.disabled', orgId: endpoint.orgId, subjectId: endpoint.id, data: { webhook_id: endpoint.id, reason } });
  return true;
}

/**
 * One delivery attempt: build (or reuse) the body, send it signed, and record the outcome with
 * what follows from it (the next retry, success, failure for good, disabling the endpoint) in one
 * transaction. A scheduled attempt runs only if it is the one the delivery expects, so a job run
 * again after a crash, or one overtaken by a redelivery, does nothing twice.
 */
export function createDeliverer(deps: DeliveryDeps) {
  const { db } = deps;
  const scheduled = 1 + deps.retryScheduleMs.length;

  async function skip(d: WebhookDeliveryRow, note: string) {
    await repo.updateDelivery(db, d.id, { status: 'FAILED', nextAttemptAt: null, nextAttempt: scheduled + 1, note });
  }

  async function attempt(deliveryId: string, trigger: Trigger, expected: number | undefined, signal: AbortSignal): Promise<void> {
    const d = await repo.findDeliveryById(db, deliveryId);
    if (!d) return; // its endpoint was deleted
    if (trigger === 'scheduled' && (d.status !== 'PENDING' || d.nextAttempt !== expected)) return;
    const endpoint = await repo.findEndpoint(db, d.orgId, d.endpointId);
    if (!endpoint) return;
    // People may test or redeliver to a disabled endpoint (to see it works again); the schedule may not.
    if (trigger === 'scheduled' && !endpoint.enabled) return skip(d, 'Not sent: the endpoint is disabled. Redeliver it once the endpoint works again.');
    const box = deps.secretBox();
    if (!box) return skip(d, 'Not sent: the signing secret cannot be read (PARLEY_SECRET is not set on this instance).');
    let secret: string;
    try {
      secret = box.open(endpoint.secret);
    } catch {
      return skip(d, 'Not sent: the signing secret cannot be read (was PARLEY_SECRET changed?). Rotate the secret, then redeliver.');
    }
    const payload = d.payload ?? (await repo.fixPayload(db, d.id, await buildPayload(deps.sources, d)));
    const result = await sendWebhook({
      fetch: deps.fetch,
      url: endpoint.url,
      secret,
      messageId: d.messageId,
      payload,
      timeoutMs: deps.timeoutMs,
      signal,
    });
    const entry: Omit<WebhookAttempt, 'attempt'> = {
      trigger,
      at: new Date().toISOString(),
      status_code: result.statusCode,
      duration_ms: result.durationMs,
      response: result.response,
      error: result.error,
    };
    await deps.events.transaction(SYSTEM_ACTOR, async (tx, emit) => {
      if (result.ok) {
        await repo.recordAttempt(tx, d.id, entry, { status: 'SUCCEEDED', nextAttemptAt: null, nextAttempt: scheduled + 1 });
        await repo.resetFailures(tx, endpoint.id);
        return;
      }
      if (result.statusCode === 410) {
        const reason = 'The receiver answered 410 Gone.';
        const disabled = await disable(tx, emit, endpoint, reason);
        await repo.recordAttempt(tx, d.id, entry, {
          status: 'FAILED',
          nextAttemptAt: null,
          nextAttempt: scheduled + 1,
          ...(disabled && { note: `The endpoint was disabled: ${reason}` }),
        });
        return;
      }
      if (trigger === 'scheduled' && expected! < scheduled) {
        const delayMs = deps.retryScheduleMs[expected! - 1]!;
        await repo.recordAttempt(tx, d.id, entry, { nextAttempt: expected! + 1, nextAttemptAt: new Date(Date.now() + delayMs) });
        await enqueueAttempt(deps.queue(), tx, d.id, { trigger: 'scheduled', attempt: expected! + 1, delayMs });
        return;
      }
      // A manual attempt while retries are still scheduled leaves them scheduled.
      if (trigger === 'manual' && d.nextAttemptAt) return repo.recordAttempt(tx, d.id, entry, {});
      let note: string | undefined;
      // Only deliveries of events count: a test ping or a redelivery is someone looking into it.
      if (trigger === 'scheduled' && endpoint.enabled) {
        const failures = await repo.countFailure(tx, endpoint.id);
        if (failures >= deps.disableAfterFailures) {
          const reason = `${failures} deliveries in a row failed every attempt.`;
          if (await disable(tx, emit, endpoint, reason)) note = `The endpoint was disabled: ${reason}`;
        }
      }
      await repo.recordAttempt(tx, d.id, entry, { status: 'FAILED', nextAttemptAt: null, nextAttempt: scheduled + 1, ...(note && { note }) });
    });
  }

  /**
   * The queue gave up on an attempt's job (its database writes kept failing, or its process kept
   * dying): the delivery would otherwise stay PENDING for ever.
   */
  async function gaveUp(deliveryId: string, trigger: Trigger, expected: number | undefined, err: Error): Promise<void> {
    const d = await repo.findDeliveryById(db, deliveryId);
    if (!d || d.status !== 'PENDING') return;
    const current = trigger === 'scheduled' ? d.nextAttempt === expected : d.nextAttemptAt === null;
    if (current) await skip(d, `Parley could not complete this attempt: ${err.message}. Redeliver it.`);
  }

  return { attempt, gaveUp };
}

export type Deliverer = ReturnType<typeof createDeliverer>;
