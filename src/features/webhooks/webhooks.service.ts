import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../../db/schema.ts';
import { type Actor, SYSTEM_ACTOR } from '../../events/actor.ts';
import type { EventLog } from '../../events/event-log.ts';
import type { EgressPolicy } from '../../infra/egress/egress.ts';
import { assertAllowedUrl } from '../../infra/egress/url-guard.ts';
import type { SecretBox } from '../../infra/secret-box.ts';
import { badRequest, notFound } from '../../lib/errors.ts';
import { newId, newSortableId } from '../../lib/ids.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import { PING_TYPE } from './webhook-payload.ts';
import { enqueueAttempt, type WebhookQueue } from './webhooks.jobs.ts';
import * as repo from './webhooks.repo.ts';
import type { CreateWebhookInput, UpdateWebhookInput, Webhook, WebhookDelivery, WebhookWithSecret } from './webhooks.schemas.ts';

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64 (what its libraries accept). */
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

export const toWebhook = (row: WebhookEndpointRow): Webhook => ({
  id: row.id,
  org_id: row.orgId,
  url: row.url,
  description: row.description,
  event_types: row.eventTypes,
  enabled: row.enabled,
  disabled_reason: row.disabledReason,
  disabled_at: row.disabledAt?.toISOString() ?? null,
  consecutive_failures: row.consecutiveFailures,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export const toDelivery = (row: WebhookDeliveryRow): WebhookDelivery => ({
  id: row.id,
  webhook_id: row.endpointId,
  message_id: row.messageId,
  event_id: row.eventId,
  event_type: row.eventType,
  status: row.status,
  attempts: row.attempts,
  attempt_count: row.attemptCount,
  next_attempt_at: row.nextAttemptAt?.toISOString() ?? null,
  note: row.note,
  payload: row.payload,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export type WebhooksService = ReturnType<typeof createWebhooksService>;

export function createWebhooksService(deps: {
  db: Db;
  events: EventLog;
  secretBox: () => SecretBox | undefined;
  queue: WebhookQueue;
  /** Endpoints the egress guard would refuse on every delivery are refused when saved. */
  egressPolicy: EgressPolicy;
}) {
  const { db, events, queue } = deps;
  const box = () => {
    const b = deps.secretBox();
    if (!b) throw badRequest('webhook signing secrets are stored encrypted: set PARLEY_SECRET on this instance');
    return b;
  };

  async function endpoint(orgId: string, id: string): Promise<WebhookEndpointRow> {
    const row = await repo.findEndpoint(db, orgId, id);
    if (!row) throw notFound('Webhook');
    return row;
  }

  return {
    async create(orgId: string, input: CreateWebhookInput, actor: Actor = SYSTEM_ACTOR): Promise<WebhookWithSecret> {
      await assertAllowedUrl(deps.egressPolicy, input.url, { field: 'url', unresolvable: 'accept' });
      const secret = newSecret();
      const sealed = box().seal(secret);
      return events.transaction(actor, async (tx, emit) => {
        const row = await repo.insertEndpoint(tx, {
          id: newId('webhook'),
          orgId,
          url: input.url,
          description: input.description,
          eventTypes: [...new Set(input.event_types)],
          enabled: input.enabled,
          secret: sealed,
          createdAt: new Date(),
        });
        emit({ type: 'webhook_endpoint.created', orgId, subjectId: row.id, data: { webhook_id: row.id, url: row.url } });
        return { ...toWebhook(row), secret };
      });
    },

    async list(orgId: string, q: PageQuery): Promise<Page<Webhook>> {
      const [rows, count] = await repo.listEndpoints(db, orgId, q);
      return { items: rows.map(toWebhook), count, ...q };
    },

    async get(orgId: string, id: string): Promise<Webhook> {
      return toWebhook(await endpoint(orgId, id));
    },

    async update(orgId: string, id: string, input: UpdateWebhookInput, actor: Actor = SYSTEM_ACTOR): Promise<Webhook> {
      if (input.url !== undefined) await assertAllowedUrl(deps.egressPolicy, input.url, { field: 'url', unresolvable: 'accept' });
      return events.transaction(actor, async (tx, emit) => {
        const current = await repo.findEndpoint(tx, orgId, id);
        if (!current) throw notFound('Webhook');
        const enabling = input.enabled === true && !current.enabled;
        const row = await repo.updateEndpoint(tx, orgId, id, {
          ...(input.url !== undefined && { url: input.url }),
          ...(input.event_types !== undefined && { eventTypes: [...new Set(input.event_types)] }),
          ...(input.description !== undefined && { description: input.description }),
          ...(input.enabled !== undefined && { enabled: input.enabled }),
          // Enabled again: a fresh start, the failures that disabled it are behind it.
          ...(enabling && { disabledReason: null, disabledAt: null, consecutiveFailures: 0 }),
          ...(input.enabled === false && current.enabled && { disabledReason: null, disabledAt: new Date() }),
        });
        if (!row) throw notFound('Webhook');
        const changed = Object.keys(input).filter((k) => input[k as keyof UpdateWebhookInput] !== undefined);
        emit({ type: 'webhook_endpoint.updated', orgId, subjectId: id, data: { webhook_id: id, changed } });
        return toWebhook(row);
      });
    },

    async remove(orgId: string, id: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
      await events.transaction(actor, async (tx, emit) => {
        // Its deliveries go with it (ON DELETE CASCADE); their queued jobs find nothing and end.
        if (!(await repo.deleteEndpoint(tx, orgId, id))) throw notFound('Webhook');
        emit({ type: 'webhook_endpoint.deleted', orgId, subjectId: id, data: { webhook_id: id } });
      });
    },

    /** A new signing secret, effective at once: attempts from now on are signed with it. */
    async rotateSecret(orgId: string, id: string, actor: Actor = SYSTEM_ACTOR): Promise<WebhookWithSecret> {
      const secret = newSecret();
      const sealed = box().seal(secret);
      return events.transaction(actor, async (tx, emit) => {
        const row = await repo.updateEndpoint(tx, orgId, id, { secret: sealed });
        if (!row) throw notFound('Webhook');
        emit({ type: 'webhook_endpoint.updated', orgId, subjectId: id, data: { webhook_id: id, changed: ['secret'] } });
        return { ...toWebhook(row), secret };
      });
    },

    /** Sends a `webhook.test` event to the endpoint now (enabled or not): one attempt, logged. */
    async test(orgId: string, id: string): Promise<WebhookDelivery> {
      const ep = await endpoint(orgId, id);
      const deliveryId = newSortableId('webhookDelivery');
      const now = new Date();
      const row = await db.transaction(async (tx) => {
        await repo.insertDeliveries(tx, [
          {
            id: deliveryId,
            orgId,
            endpointId: ep.id,
            messageId: deliveryId,
            eventId: null,
            eventType: PING_TYPE,
            eventData: { webhook_id: ep.id, message: 'A test ping from Parley.' },
            eventAt: now,
          },
        ]);
        await enqueueAttempt(queue, tx, deliveryId, { trigger: 'test' });
        return repo.findDeliveryById(tx, deliveryId);
      });
      queue.wake();
      return toDelivery(row!);
    },

    async deliveries(orgId: string, id: string, filter: { status?: WebhookDeliveryRow['status'] }, q: PageQuery): Promise<Page<WebhookDelivery>> {
      await endpoint(orgId, id);
      const [rows, count] = await repo.listDeliveries(db, orgId, id, filter, q);
      return { items: rows.map(toDelivery), count, ...q };
    },

    async delivery(orgId: string, id: string, deliveryId: string): Promise<WebhookDelivery> {
      const row = await repo.findDelivery(db, orgId, id, deliveryId);
      if (!row) throw notFound('Delivery');
      return toDelivery(row);
    },

    /** One more attempt now, with the same `webhook-id` and body (a test ping is sent again as it was). */
    async redeliver(orgId: string, id: string, deliveryId: string): Promise<WebhookDelivery> {
      const row = await db.transaction(async (tx) => {
        const d = await repo.findDelivery(tx, orgId, id, deliveryId);
        if (!d) throw notFound('Delivery');
        await enqueueAttempt(queue, tx, d.id, { trigger: d.eventId === null ? 'test' : 'manual' });
        return repo.updateDelivery(tx, d.id, { status: 'PENDING' });
      });
      queue.wake();
      return toDelivery(row!);
    },
  };
}
