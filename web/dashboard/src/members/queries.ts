import { api, type Role, type Schemas } from '../api/client';
import { usePagedList } from '../api/paged';

export const membersKey = (orgId: string) => ['orgs', orgId, 'members'] as const;
export const invitesKey = (orgId: string) => ['orgs', orgId, 'invites'] as const;

/** The org's members, a page at a time (the table's "Load more"). */
export function useMembers(orgId: string) {
  return usePagedList<Schemas['Member']>([...membersKey(orgId), 'list'], (query) => api.GET('/orgs/{org_id}/members', { params: { path: { org_id: orgId }, query } }));
}

/** Pending invites, a page at a time. */
export function useInvites(orgId: string) {
  return usePagedList<Schemas['Invite']>([...invitesKey(orgId), 'list'], (query) => api.GET('/orgs/{org_id}/invites', { params: { path: { org_id: orgId }, query } }));
}

/** The roles in the words the dashboard uses; what each may do is in docs/members.md. */
export const ROLES: Array<{ value: Role; label: string }> = [
  { value: 'ADMIN', label: 'Admin' },
  { value: 'DEVELOPER', label: 'Developer' },
  { value: 'MANAGER', label: 'Manager' },
  { value: 'AGENT', label: 'Agent' },
];
