import { useQueries } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api, FIRST_PAGE, type Role, unwrap, type User } from '../api/client';
import { useCurrentUser } from '../auth/session';

export interface ReachableOrg {
  id: string;
  name: string;
  role: Role;
  /** The parent's name, for a sub-organization reached through an ADMIN membership of its parent. */
  parentName?: string;
}

/**
 * The orgs the member can switch to: their memberships, plus the sub-organizations of the orgs where they are
 * ADMIN (an ADMIN of a parent is ADMIN below it; see docs/members.md).
 */
export function useReachableOrgs(memberships: User['memberships']): ReachableOrg[] {
  const direct: ReachableOrg[] = memberships.map((m) => ({ id: m.org_id, name: m.org_name, role: m.role }));
  const admin = memberships.filter((m) => m.role === 'ADMIN');
  const children = useQueries({
    queries: admin.map((m) => ({
      queryKey: ['orgs', m.org_id, 'children'],
      queryFn: () => unwrap(api.GET('/orgs/{org_id}/orgs', { params: { path: { org_id: m.org_id }, query: FIRST_PAGE } })),
      staleTime: 60_000,
    })),
  });
  const seen = new Set(direct.map((o) => o.id));
  const below = children.flatMap((q, i) =>
    (q.data ?? []).filter((o) => !seen.has(o.id)).map((o) => ({ id: o.id, name: o.name, role: 'ADMIN' as const, parentName: admin[i]!.org_name })),
  );
  return [...direct, ...below];
}

/** The org of the URL (`/o/{org_id}/...`) and the member's role there (undefined when it is not one of theirs). */
export function useOrg(): { orgId: string; org: ReachableOrg | undefined; orgs: ReachableOrg[] } {
  const { orgId = '' } = useParams();
  const { data: user } = useCurrentUser();
  const orgs = useReachableOrgs(user?.memberships ?? []);
  return { orgId, org: orgs.find((o) => o.id === orgId), orgs };
}
