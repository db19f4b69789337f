import type { Actor } from '../events/actor.ts';
import type { Role } from './permissions.ts';

/** An API key (Bearer). */
export interface ApiKeyPrincipal {
  kind: 'api_key';
  keyId: string;
  /** The org the key was issued for (what `c` means). */
  orgId: string;
  scope: 'admin' | 'runtime';
  /** When set, the key may invoke only this assistant. */
  assistantId: string | null;
}

/** A signed-in user (session cookie). */
export interface MemberPrincipal {
  kind: 'member';
  userId: string;
  sessionId: string;
  /** The user's default org (what `c` means, and where routes without `{org_id}` apply); '' when in none. */
  orgId: string;
  /** The user's role in `orgId`; null when not a member of any org. */
  role: Role | null;
  /** What unsafe requests must send in `x-csrf-token` (derived from the session token). */
  csrfToken: string;
}

/** Who is calling: resolved once per request from the Bearer key or the session cookie. */
export type Principal = ApiKeyPrincipal | MemberPrincipal;

/** The actor the event log records for changes this principal makes. */
export function actorOf(principal: Principal): Actor {
  return principal.kind === 'api_key' ? { type: 'api_key', id: principal.keyId } : { type: 'member', id: principal.userId };
}

/** Whether records of sub-orgs of `orgId` are in reach: keys, and ADMIN members of that org (as parent keys). */
export const reachesSubOrgs = (principal: Principal): boolean => principal.kind === 'api_key' || principal.role === 'ADMIN';
