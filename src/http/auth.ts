import type { FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';
import type { AuthMode } from './define-route.ts';
import type { Principal } from './principal.ts';

/** What the auth hook needs from the api-keys and orgs features (wired in app/). */
export interface Authenticator {
  /** The principal for a presented secret, or null when unknown, revoked or expired. */
  authenticate(secret: string): Promise<Principal | null>;
  /** Resolves `{org_id}` (`c` or an id) to an org the principal reaches, else throws 404. */
  resolveOrg(principal: Principal, orgParam: string): Promise<string>;
}

export const INVALID_KEY_MESSAGE = 'invalid or expired api key';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    orgId?: string;
  }
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** Authenticates and authorises one request for a route of the given mode. */
export async function authorize(request: FastifyRequest, mode: AuthMode, auth: Authenticator): Promise<void> {
  if (mode === 'public') return;
  const header = request.headers.authorization;
  const match = header ? BEARER.exec(header) : null;
  const principal = match?.[1] ? await auth.authenticate(match[1]) : null;
  if (!principal) throw new AppError('unauthorized', INVALID_KEY_MESSAGE);
  if (mode === 'admin' && principal.scope !== 'admin') {
    throw new AppError(
      'unauthorized',
      `this endpoint is not available to this api key: its scope is "${principal.scope}", which allows only the runtime API`,
    );
  }
  request.principal = principal;
  const orgParam = (request.params as Record<string, string> | undefined)?.org_id;
  request.orgId = orgParam === undefined ? principal.orgId : await auth.resolveOrg(principal, orgParam);
}
