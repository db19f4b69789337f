import { useQuery } from '@tanstack/react-query';
import { api, FIRST_PAGE, type Role, unwrap } from '../api/client';

export const membersKey = (orgId: string) => ['orgs', orgId, 'members'] as const;
export const invitesKey = (orgId: string) => ['orgs', orgId, 'invites'] as const;

export function useMembers(orgId: string) {
  return useQuery({
    queryKey: membersKey(orgId),
    queryFn: () => unwrap(api.GET('/orgs/{org_id}/members', { params: { path: { org_id: orgId }, query: FIRST_PAGE } })),
  });
}

export function useInvites(orgId: string, enabled: boolean) {
  return useQuery({
    queryKey: invitesKey(orgId),
    queryFn: () => unwrap(api.GET('/orgs/{org_id}/invites', { params: { path: { org_id: orgId }, query: FIRST_PAGE } })),
    enabled,
  });
}

/** The roles in the words the dashboard uses; what each may do is in docs/members.md. */
export const ROLES: Array<{ value: Role; label: string }> = [
  { value: 'ADMIN', label: 'Admin' },
  { value: 'DEVELOPER', label: 'Developer' },
  { value: 'MANAGER', label: 'Manager' },
  { value: 'AGENT', label: 'Agent' },
];
