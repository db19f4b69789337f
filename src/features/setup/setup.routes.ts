import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { setSessionCookies } from '../../http/session-cookie.ts';
import { SignedInSchema } from '../members/index.ts';
import { SetupBodySchema, SetupStateSchema } from './setup.schemas.ts';
import type { SetupService } from './setup.service.ts';

const tags = ['Sign-in'];

/** The dashboard's first-run screen: whether the instance still needs its first user, and creating that user. */
export function setupRoutes(setup: SetupService, opts: { attemptsPerIp: number }): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/setup',
      operationId: 'getSetupState',
      summary: 'Whether first-run setup is needed',
      description: '`needs_setup` is true while the instance has no user (the dashboard then shows its setup screen).',
      tags,
      auth: 'public',
      responses: { 200: SetupStateSchema },
      handler: async () => ({ needs_setup: await setup.needsSetup() }),
    }),
    defineRoute({
      method: 'POST',
      url: '/setup',
      operationId: 'setUp',
      summary: 'Create the first user',
      description:
        'Only while the instance has no user: checks `admin_key` (an `admin` key of a top-level organization, such as ' +
        'the one printed at first start), creates the user as ADMIN of that key\'s organization, and signs in as ' +
        '`POST /auth/sign-in` does. 401 for a wrong key, 409 once a user exists. Attempts are limited per IP address.',
      tags,
      auth: 'public',
      body: SetupBodySchema,
      responses: { 200: SignedInSchema },
      errors: [401, 409],
      // The key is a credential: guessing it is throttled as sign-in's passwords are (per IP, 15-minute windows).
      rateLimit: { name: 'setup', limit: opts.attemptsPerIp, windowMs: 15 * 60_000, message: 'too many setup attempts: wait before trying again', per: 'ip' },
      handler: async ({ body, request, reply }) => {
        const s = await setup.setUp(body, { ip: request.ip, userAgent: request.headers['user-agent'] });
        setSessionCookies(request, reply, s);
        return { user: s.user, csrf_token: s.csrfToken };
      },
    }),
  ];
}
