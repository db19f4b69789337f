import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../api/client';
import { usePagedList } from '../api/paged';

export type Webhook = Schemas['Webhook'];
export type Delivery = Schemas['WebhookDelivery'];

export const webhooksKey = (orgId: string) => ['orgs', orgId, 'webhooks'] as const;

export function useWebhooks(orgId: string) {
  return usePagedList<Webhook>([...webhooksKey(orgId), 'list'], (query) => api.GET('/orgs/{org_id}/webhooks', { params: { path: { org_id: orgId }, query } }));
}

export function useWebhook(orgId: string, id: string) {
  return useQuery({
    queryKey: [...webhooksKey(orgId), id],
    queryFn: () => unwrap(api.GET('/orgs/{org_id}/webhooks/{webhook_id}', { params: { path: { org_id: orgId, webhook_id: id } } })),
  });
}

/** Deliveries are sent by a background job: while one is pending, the log polls for its attempts. */
export function useDeliveries(orgId: string, id: string) {
  return usePagedList<Delivery>(
    [...webhooksKey(orgId), id, 'deliveries'],
    (query) => api.GET('/orgs/{org_id}/webhooks/{webhook_id}/deliveries', { params: { path: { org_id: orgId, webhook_id: id }, query } }),
    { refetchInterval: (rows) => (rows?.some((d) => d.status === 'PENDING') ? 1500 : false) },
  );
}

const path = (orgId: string, id: string) => ({ params: { path: { org_id: orgId, webhook_id: id } } });

export const setEnabled = (orgId: string, id: string, enabled: boolean) =>
  unwrap(api.PATCH('/orgs/{org_id}/webhooks/{webhook_id}', { ...path(orgId, id), body: { enabled } }));
export const deleteWebhook = (orgId: string, id: string) => unwrap(api.DELETE('/orgs/{org_id}/webhooks/{webhook_id}', path(orgId, id)));
export const rotateSecret = (orgId: string, id: string) => unwrap(api.POST('/orgs/{org_id}/webhooks/{webhook_id}/rotate-secret', path(orgId, id)));
export const sendTest = (orgId: string, id: string) => unwrap(api.POST('/orgs/{org_id}/webhooks/{webhook_id}/test', path(orgId, id)));
export const redeliver = (orgId: string, id: string, deliveryId: string) =>
  unwrap(api.POST('/orgs/{org_id}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver', { params: { path: { org_id: orgId, webhook_id: id, delivery_id: deliveryId } } }));
