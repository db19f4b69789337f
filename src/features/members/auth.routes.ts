import type { FastifyRequest } from 'fastify';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import type { MemberPrincipal, Principal } from '../../http/principal.ts';
import { clearSessionCookies, setSessionCookies } from '../../http/session-cookie.ts';
import { z } from 'zod';
import {
  AcceptInviteBodySchema,
  IdentitySchema,
  InviteInfoBodySchema,
  InviteInfoSchema,
  SessionParams,
  SessionSchema,
  SignedInSchema,
  SignedOutSchema,
  SignInBodySchema,
  UpdateUserBodySchema,
  UserSchema,
  type Identity,
} from './auth.schemas.ts';
import type { AuthService, ClientMeta, StartedSession } from './auth.service.ts';
import type { MembersService } from './members.service.ts';

const tags = ['Sign-in'];

const metaOf = (request: FastifyRequest): ClientMeta => ({ ip: request.ip, userAgent: request.headers['user-agent'] });
/** Only on `session` routes, where auth has refused everything but a member. */
const member = (p: Principal) => p as MemberPrincipal;

export function authRoutes(auth: AuthService, members: MembersService): RouteDef[] {
  const signedIn = (request: FastifyRequest, reply: Parameters<typeof setSessionCookies>[1], s: StartedSession) => {
    setSessionCookies(request, reply, s);
    return { user: s.user, csrf_token: s.csrfToken };
  };
  return [
    defineRoute({
      method: 'POST',
      url: '/auth/sign-in',
      operationId: 'signIn',
      summary: 'Sign in',
      description:
        'Checks the email and password, sets the HttpOnly session cookie `parley_session` and the `parley_csrf` cookie, ' +
        'and returns the user and the CSRF token. Attempts are limited per email and per IP address (429 with Retry-After).',
      tags,
      auth: 'public',
      body: SignInBodySchema,
      responses: { 200: SignedInSchema },
      errors: [401],
      handler: async ({ body, request, reply }) => signedIn(request, reply, await auth.signIn(body, metaOf(request))),
    }),
    defineRoute({
      method: 'POST',
      url: '/auth/sign-out',
      operationId: 'signOut',
      summary: 'Sign out',
      description: 'Ends the current session and clears its cookies.',
      tags,
      auth: 'session',
      responses: { 200: SignedOutSchema },
      handler: async ({ principal, request, reply }) => {
        await auth.signOut(member(principal));
        clearSessionCookies(request, reply);
        return { signed_out: true as const };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/auth/accept-invite',
      operationId: 'acceptInvite',
      summary: 'Accept an invite',
      description:
        'Uses an invite token (once): creates the account, or adds the membership to the existing account of the ' +
        'invited email (then `password` must be its current password), and signs in as `POST /auth/sign-in` does.',
      tags,
      auth: 'public',
      body: AcceptInviteBodySchema,
      responses: { 200: SignedInSchema },
      errors: [401, 404, 409],
      handler: async ({ body, request, reply }) => signedIn(request, reply, await members.acceptInvite(body, metaOf(request))),
    }),
    defineRoute({
      method: 'POST',
      url: '/auth/invite-info',
      operationId: 'getInviteInfo',
      summary: 'Read an invite before accepting it',
      description:
        'What an invite token is for, without using it: the organization, the role, the invited email, when it expires, ' +
        'and whether that email already has an account (accepting then takes its current password). The token travels ' +
        'in the body, not the URL, so that it stays out of access logs. 404 for a wrong, used, revoked or expired token.',
      tags,
      auth: 'public',
      body: InviteInfoBodySchema,
      responses: { 200: InviteInfoSchema },
      errors: [404],
      handler: async ({ body }) => members.inviteInfo(body.token),
    }),
    defineRoute({
      method: 'GET',
      url: '/user',
      operationId: 'getCurrentUser',
      summary: 'Who am I',
      description: 'The signed-in user with their orgs and roles (`kind: member`), or the calling API key (`kind: api_key`).',
      tags,
      auth: 'authenticated',
      responses: { 200: IdentitySchema },
      handler: async ({ principal }): Promise<Identity> =>
        principal.kind === 'member'
          ? { kind: 'member', user: await auth.getUser(principal.userId) }
          : { kind: 'api_key', api_key: { id: principal.keyId, org_id: principal.orgId, scope: principal.scope, assistant_id: principal.assistantId } },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/user',
      operationId: 'updateCurrentUser',
      summary: 'Update your profile',
      description: 'Your name, and your default org (what `c` means for you).',
      tags,
      auth: 'session',
      body: UpdateUserBodySchema,
      responses: { 200: UserSchema },
      handler: async ({ principal, body }) => auth.updateUser(member(principal).userId, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/user/sessions',
      operationId: 'listSessions',
      summary: 'List your sessions',
      description: 'Your unexpired sessions, most recently used first (not paginated).',
      tags,
      auth: 'session',
      responses: { 200: z.array(SessionSchema) },
      handler: async ({ principal }) => auth.listSessions(member(principal)),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/user/sessions/:session_id',
      operationId: 'revokeSession',
      summary: 'Revoke a session',
      description: 'Signs that session out at once (for example a lost laptop).',
      tags,
      auth: 'session',
      params: SessionParams,
      responses: { 200: SessionSchema },
      handler: async ({ principal, params }) => auth.revokeSession(member(principal), params.session_id),
    }),
  ];
}
