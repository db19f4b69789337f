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

/** The roles, with what each may do (docs/members.md), for the role pickers. */
export const ROLES: Array<{ value: Role; label: string; description: string }> = [
  { value: 'ADMIN', label: 'Admin', description: 'Everything, including members and billing of usage.' },
  { value: 'DEVELOPER', label: 'Developer', description: 'Assistants, knowledge, API keys, providers; reads chats.' },
  { value: 'MANAGER', label: 'Manager', description: 'Members and invites, usage, the inbox.' },
  { value: 'AGENT', label: 'Agent', description: 'The inbox; sees the assistants.' },
];
