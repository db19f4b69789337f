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

/** A web widget visitor (Bearer visitor token, on the widget's own routes only): one assistant's customer. */
export interface VisitorPrincipal {
  kind: 'visitor';
  visitorId: string;
  /** The assistant's org. */
  orgId: string;
  assistantId: string;
  /** The site's user id, when the site verified it (`user_hash`); null for an anonymous visitor. */
  userId: string | null;
}

/** Who is calling the management API: resolved once per request from the Bearer key or the session cookie. */
export type Principal = ApiKeyPrincipal | MemberPrincipal;

/** Anyone who can start a runtime call: the team (key or member) or a widget visitor. */
export type Caller = Principal | VisitorPrincipal;

/** The actor the event log records for changes this caller makes. */
export function actorOf(principal: Caller): Actor {
  switch (principal.kind) {
    case 'api_key':
      return { type: 'api_key', id: principal.keyId };
    case 'member':
      return { type: 'member', id: principal.userId };
    case 'visitor':
      return { type: 'visitor', id: principal.visitorId };
  }
}

/** Whether records of sub-orgs of `orgId` are in reach: keys, and ADMIN members of that org (as parent keys). */
export const reachesSubOrgs = (principal: Caller): boolean => principal.kind === 'api_key' || (principal.kind === 'member' && principal.role === 'ADMIN');
