export { createWebhooksService, type WebhooksService } from './webhooks.service.ts';
export { webhooksRoutes } from './webhooks.routes.ts';
export { createDeliverer } from './webhook-delivery.ts';
export { createWebhookFanout, type WebhookFanout } from './webhook-fanout.ts';
export { webhookJobCatalog, webhookJobHandlers, type WebhookJobCatalog } from './webhooks.jobs.ts';
export type { PayloadSources } from './webhook-payload.ts';
export type { Webhook, WebhookDelivery } from './webhooks.schemas.ts';
