import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';
import type { AuthRequirement } from './define-route.ts';
import { type Permission, type Role, roleHas, SCOPE_PERMISSIONS } from './permissions.ts';
import type { ApiKeyPrincipal, MemberPrincipal, Principal, VisitorPrincipal } from './principal.ts';
import { CSRF_HEADER, sessionTokenOf } from './session-cookie.ts';

/** What the auth hook needs from the api-keys, members and orgs features (wired in app/). */
export interface Authenticator {
  /** The principal for a presented API key secret, or null when unknown, revoked or expired. */
  authenticate(secret: string): Promise<ApiKeyPrincipal | null>;
  /** The principal for a session cookie's token, or null when unknown, revoked or expired. */
  authenticateSession(token: string): Promise<MemberPrincipal | null>;
  /** Resolves `{org_id}` (`c` or an id) to an org the key reaches, else throws 404. */
  resolveOrg(principal: ApiKeyPrincipal, orgParam: string): Promise<string>;
  /**
   * The org `{org_id}` names and the member's role there: their own membership, or ADMIN through an
   * ADMIN membership of an ancestor org; else throws 404 (like a missing org).
   */
  memberAccess(principal: MemberPrincipal, orgParam: string): Promise<{ orgId: string; role: Role }>;
  /** The visitor a widget visitor token names, or null when it is forged, expired or for no enabled widget. */
  authenticateVisitor(token: string): Promise<VisitorPrincipal | null>;
}

export const INVALID_KEY_MESSAGE = 'invalid or expired api key';
export const INVALID_VISITOR_MESSAGE = 'invalid or expired visitor token: start a new one with POST /widget/v1/sessions';
export const INVALID_SESSION_MESSAGE = 'not signed in: the session is invalid, expired or signed out';
export const CSRF_MESSAGE = `missing or wrong CSRF token: send the csrf_token of your sign-in in the ${CSRF_HEADER} header`;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** The widget visitor (on visitor routes). */
    visitor?: VisitorPrincipal;
    orgId?: string;
    /** A member's role in `orgId` (set on permission routes). */
    memberRole?: Role;
  }
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A Bearer header wins over a cookie: API clients never need the CSRF token. */
async function identify(request: FastifyRequest, auth: Authenticator): Promise<Principal> {
  const header = request.headers.authorization;
  const token = sessionTokenOf(request);
  if (header !== undefined || token === undefined) {
    const match = header ? BEARER.exec(header) : null;
    const principal = match?.[1] ? await auth.authenticate(match[1]) : null;
    if (!principal) throw new AppError('unauthorized', INVALID_KEY_MESSAGE);
    return principal;
  }
  const principal = await auth.authenticateSession(token);
  if (!principal) throw new AppError('unauthorized', INVALID_SESSION_MESSAGE);
  // A cross-site form can make the browser send the cookie, but cannot read the CSRF cookie to echo it.
  const sent = request.headers[CSRF_HEADER];
  if (!SAFE_METHODS.has(request.method) && (typeof sent !== 'string' || !sameSecret(sent, principal.csrfToken))) {
    throw new AppError('forbidden', CSRF_MESSAGE);
  }
  return principal;
}

function refuse(permission: Permission, principal: Principal, role: Role | null): AppError {
  const why =
    principal.kind === 'api_key'
      ? `this api key does not have it: its scope is "${principal.scope}", which allows only the runtime API`
      : role
        ? `your role in this organization, ${role}, does not have it`
        : 'you are not a member of your default organization';
  return new AppError('forbidden', `this endpoint needs the "${permission}" permission; ${why}`);
}

/** Authenticates and authorises one request for a route with the given requirement. */
export async function authorize(request: FastifyRequest, requirement: AuthRequirement, auth: Authenticator): Promise<void> {
  if (requirement === 'public') return;
  if (requirement === 'visitor') {
    const match = request.headers.authorization ? BEARER.exec(request.headers.authorization) : null;
    const visitor = match?.[1] ? await auth.authenticateVisitor(match[1]) : null;
    if (!visitor) throw new AppError('unauthorized', INVALID_VISITOR_MESSAGE);
    request.visitor = visitor;
    request.orgId = visitor.orgId;
    return;
  }
  const principal = await identify(request, auth);
  request.principal = principal;
  if (requirement === 'session' && principal.kind !== 'member') {
    throw new AppError('forbidden', 'this endpoint needs a signed-in user (a session cookie); an api key has no user');
  }
  const orgParam = (request.params as Record<string, string> | undefined)?.org_id;
  if (typeof requirement !== 'object') {
    request.orgId = principal.orgId;
    return;
  }
  const { permission } = requirement;
  if (principal.kind === 'api_key') {
    // Refused for its scope before any record (or org) is looked at.
    if (!SCOPE_PERMISSIONS[principal.scope].includes(permission)) throw refuse(permission, principal, null);
    request.orgId = orgParam === undefined ? principal.orgId : await auth.resolveOrg(principal, orgParam);
    return;
  }
  const { orgId, role } =
    orgParam === undefined ? { orgId: principal.orgId, role: principal.role } : await auth.memberAccess(principal, orgParam);
  if (!role || !roleHas(role, permission)) throw refuse(permission, principal, role);
  request.orgId = orgId;
  request.memberRole = role;
}
