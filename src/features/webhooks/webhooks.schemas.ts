import { z } from 'zod';
import { EVENT_TYPES } from '../../events/catalog.ts';
import { idParam, NullableTimestamp, OrgIdParam, PageQuerySchema, Timestamp, WebUrl } from '../../http/common-schemas.ts';

export const EXAMPLE_WEBHOOK_ID = 'whk_3Lq8Vn2Xc7Tb1Mz9Kp4Rw6';
export const EXAMPLE_DELIVERY_ID = 'whd_0Pm2Qx8KdFg40000a1B2c3D4e5';

/** `*` (every event type, those added later too) or a type of the event catalog. */
export const EventTypeSchema = z.enum(['*', ...EVENT_TYPES] as [string, ...string[]]).meta({
  description: 'An event type of the catalog (see the events guide), or `*` for every type, including those added later.',
  examples: ['message.created'],
});

const secretField = z.string().meta({
  description: 'The signing secret (Standard Webhooks `whsec_<base64>`). Shown only in this response; store it now.',
  examples: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
});

export const WebhookSchema = z
  .object({
    id: z.string().meta({ examples: [EXAMPLE_WEBHOOK_ID] }),
    org_id: z.string(),
    url: z.string().meta({ examples: ['https://example.com/parley/webhooks'] }),
    description: z.string(),
    event_types: z.array(z.string()).meta({ examples: [['message.created', 'chat.created']] }),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable().meta({ description: 'Why Parley disabled the endpoint, when it did.' }),
    disabled_at: NullableTimestamp,
    consecutive_failures: z.number().int().meta({ description: 'Deliveries in a row that failed every attempt (reset by any success).' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Webhook' });

export const WebhookWithSecretSchema = WebhookSchema.extend({ secret: secretField }).meta({ id: 'WebhookWithSecret' });

export const CreateWebhookBodySchema = z
  .object({
    url: WebUrl.meta({ description: 'Where events are POSTed. Reached through the egress guard: private addresses are refused.' }),
    event_types: z.array(EventTypeSchema).min(1).max(100),
    enabled: z.boolean().default(true),
    description: z.string().trim().max(500).default(''),
  })
  .meta({
    id: 'CreateWebhook',
    examples: [{ url: 'https://example.com/parley/webhooks', event_types: ['message.created'], enabled: true, description: 'Replies to WhatsApp' }],
  });

export const UpdateWebhookBodySchema = z
  .object({
    url: WebUrl.optional(),
    event_types: z.array(EventTypeSchema).min(1).max(100).optional(),
    enabled: z.boolean().optional().meta({ description: 'Enabling a disabled endpoint clears its failure count.' }),
    description: z.string().trim().max(500).optional(),
  })
  .meta({ id: 'UpdateWebhook', examples: [{ enabled: true }] });

export const WebhookAttemptSchema = z
  .object({
    attempt: z.number().int().meta({ description: 'The attempt number of this delivery, from 1.' }),
    trigger: z.enum(['scheduled', 'manual', 'test']).meta({ description: '`scheduled`: the first attempt or a retry; `manual`: a redelivery; `test`: a test ping.' }),
    at: Timestamp,
    status_code: z.number().int().nullable().meta({ description: "The receiver's HTTP status; null when no answer came." }),
    duration_ms: z.number().int(),
    response: z.string().nullable().meta({ description: "The start of the receiver's answer (at most 1,000 characters)." }),
    error: z.string().nullable().meta({ description: 'Why the attempt failed (a non-2xx status, a timeout, a refused address...).' }),
  })
  .meta({ id: 'WebhookAttempt' });

export const WebhookDeliverySchema = z
  .object({
    id: z.string().meta({ examples: [EXAMPLE_DELIVERY_ID] }),
    webhook_id: z.string(),
    message_id: z.string().meta({ description: 'The `webhook-id` header: the event id, the same on every retry and redelivery.' }),
    event_id: z.string().nullable().meta({ description: 'The event delivered; null for a test ping.' }),
    event_type: z.string().meta({ examples: ['message.created'] }),
    status: z.enum(['PENDING', 'SUCCEEDED', 'FAILED']).meta({
      description: '`PENDING`: attempts are under way or scheduled; `SUCCEEDED`: an attempt got a 2xx; `FAILED`: every attempt failed.',
    }),
    attempts: z.array(WebhookAttemptSchema).meta({ description: 'Every attempt, oldest first (the last 50).' }),
    attempt_count: z.number().int(),
    next_attempt_at: NullableTimestamp.meta({ description: 'When the next scheduled retry runs, if one is.' }),
    note: z.string().nullable().meta({ description: 'What happened besides the attempts (the endpoint was disabled, the delivery was skipped).' }),
    payload: z.string().nullable().meta({ description: 'The exact body sent (JSON `{type, timestamp, data}`); null before the first attempt.' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'WebhookDelivery' });

export type Webhook = z.infer<typeof WebhookSchema>;
export type WebhookWithSecret = z.infer<typeof WebhookWithSecretSchema>;
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;
export type CreateWebhookInput = z.output<typeof CreateWebhookBodySchema>;
export type UpdateWebhookInput = z.output<typeof UpdateWebhookBodySchema>;

export const WebhookParams = z.object({ org_id: OrgIdParam, webhook_id: idParam('The webhook endpoint id.', EXAMPLE_WEBHOOK_ID) });
export const DeliveryParams = WebhookParams.extend({ delivery_id: idParam('The delivery id.', EXAMPLE_DELIVERY_ID) });

export const DeliveryListQuerySchema = PageQuerySchema.extend({
  status: z.enum(['PENDING', 'SUCCEEDED', 'FAILED']).optional().meta({ description: 'Only deliveries with this status.' }),
});
