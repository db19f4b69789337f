import { z } from 'zod';
import { DeletedSchema, OrgParams, PageQuerySchema } from '../../http/common-schemas.ts';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { sendPage } from '../../http/pagination.ts';
import {
  CreateWebhookBodySchema,
  DeliveryListQuerySchema,
  DeliveryParams,
  UpdateWebhookBodySchema,
  WebhookDeliverySchema,
  WebhookParams,
  WebhookSchema,
  WebhookWithSecretSchema,
} from './webhooks.schemas.ts';
import type { WebhooksService } from './webhooks.service.ts';

const tags = ['Webhooks'];
const read = { permission: 'webhooks:read' } as const;
const write = { permission: 'webhooks:write' } as const;

export function webhooksRoutes(webhooks: WebhooksService): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/webhooks',
      operationId: 'listWebhooks',
      summary: 'List webhook endpoints',
      description: 'Newest first. Signing secrets are never listed.',
      tags,
      auth: read,
      params: OrgParams,
      query: PageQuerySchema,
      responses: { 200: z.array(WebhookSchema) },
      handler: async ({ orgId, query, reply }) => sendPage(reply, await webhooks.list(orgId, query)),
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/webhooks',
      operationId: 'createWebhook',
      summary: 'Create a webhook endpoint',
      description:
        'Events of the listed types are POSTed to `url`, signed per the Standard Webhooks specification. The signing secret is returned in `secret` only here (and when rotated).',
      tags,
      auth: write,
      params: OrgParams,
      body: CreateWebhookBodySchema,
      responses: { 200: WebhookWithSecretSchema },
      handler: async ({ orgId, body, actor }) => webhooks.create(orgId, body, actor),
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/webhooks/:webhook_id',
      operationId: 'getWebhook',
      summary: 'Get a webhook endpoint',
      tags,
      auth: read,
      params: WebhookParams,
      responses: { 200: WebhookSchema },
      handler: async ({ orgId, params }) => webhooks.get(orgId, params.webhook_id),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/orgs/:org_id/webhooks/:webhook_id',
      operationId: 'updateWebhook',
      summary: 'Update a webhook endpoint',
      description: 'Change its URL, event types or description, or disable it; enabling a disabled endpoint clears its failure count.',
      tags,
      auth: write,
      params: WebhookParams,
      body: UpdateWebhookBodySchema,
      responses: { 200: WebhookSchema },
      handler: async ({ orgId, params, body, actor }) => webhooks.update(orgId, params.webhook_id, body, actor),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/orgs/:org_id/webhooks/:webhook_id',
      operationId: 'deleteWebhook',
      summary: 'Delete a webhook endpoint',
      description: 'With its delivery log; deliveries still scheduled are dropped.',
      tags,
      auth: write,
      params: WebhookParams,
      responses: { 200: DeletedSchema },
      handler: async ({ orgId, params, actor }) => {
        await webhooks.remove(orgId, params.webhook_id, actor);
        return { id: params.webhook_id, deleted: true as const };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/webhooks/:webhook_id/rotate-secret',
      operationId: 'rotateWebhookSecret',
      summary: 'Rotate the signing secret',
      description: 'Returns the new secret in `secret`, once. Every attempt from now on, retries included, is signed with it.',
      tags,
      auth: write,
      params: WebhookParams,
      responses: { 200: WebhookWithSecretSchema },
      handler: async ({ orgId, params, actor }) => webhooks.rotateSecret(orgId, params.webhook_id, actor),
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/webhooks/:webhook_id/test',
      operationId: 'testWebhook',
      summary: 'Send a test ping',
      description: 'Sends a `webhook.test` event now, enabled or not; one attempt, logged with the deliveries. Returns the queued delivery.',
      tags,
      auth: write,
      params: WebhookParams,
      responses: { 200: WebhookDeliverySchema },
      handler: async ({ orgId, params }) => webhooks.test(orgId, params.webhook_id),
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/webhooks/:webhook_id/deliveries',
      operationId: 'listWebhookDeliveries',
      summary: 'List the deliveries of an endpoint',
      description: 'The delivery log, newest first: each event sent, its status and every attempt (status code, duration, the start of the answer, the error).',
      tags,
      auth: read,
      params: WebhookParams,
      query: DeliveryListQuerySchema,
      responses: { 200: z.array(WebhookDeliverySchema) },
      handler: async ({ orgId, params, query, reply }) => {
        const { status, ...page } = query;
        return sendPage(reply, await webhooks.deliveries(orgId, params.webhook_id, { status }, page));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/webhooks/:webhook_id/deliveries/:delivery_id',
      operationId: 'getWebhookDelivery',
      summary: 'Get a delivery',
      tags,
      auth: read,
      params: DeliveryParams,
      responses: { 200: WebhookDeliverySchema },
      handler: async ({ orgId, params }) => webhooks.delivery(orgId, params.webhook_id, params.delivery_id),
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/webhooks/:webhook_id/deliveries/:delivery_id/redeliver',
      operationId: 'redeliverWebhook',
      summary: 'Redeliver',
      description: 'One more attempt now, with the same `webhook-id` and the same body. If it fails, retries still scheduled run as planned.',
      tags,
      auth: write,
      params: DeliveryParams,
      responses: { 200: WebhookDeliverySchema },
      handler: async ({ orgId, params }) => webhooks.redeliver(orgId, params.webhook_id, params.delivery_id),
    }),
  ];
}
