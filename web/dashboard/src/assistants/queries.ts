import { useQuery } from '@tanstack/react-query';
import { api, FIRST_PAGE, unwrap } from '../api/client';

export const assistantsKey = (orgId: string) => ['orgs', orgId, 'assistants'] as const;

export function useAssistants(orgId: string) {
  return useQuery({
    queryKey: assistantsKey(orgId),
    queryFn: () => unwrap(api.GET('/orgs/{org_id}/assistants', { params: { path: { org_id: orgId }, query: FIRST_PAGE } })),
  });
}

export function useAssistant(orgId: string, assistantId: string) {
  return useQuery({
    queryKey: [...assistantsKey(orgId), assistantId],
    queryFn: () => unwrap(api.GET('/orgs/{org_id}/assistants/{assistant_id}', { params: { path: { org_id: orgId, assistant_id: assistantId } } })),
  });
}
