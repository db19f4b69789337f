import { z } from 'zod';
import { idParam, Timestamp } from '../../http/common-schemas.ts';
import { EmailSchema, MemberStatusSchema, PasswordSchema, RoleSchema } from './members.schemas.ts';

export const UserSchema = z
  .object({
    id: z.string().meta({ examples: ['usr_6Wp1Zr8Kd3Nf5Gh2Jq9Lx4'] }),
    email: z.string(),
    name: z.string(),
    default_org_id: z.string().nullable().meta({ description: 'The org `c` means for this user, and where routes without `{org_id}` apply.' }),
    created_at: Timestamp,
    memberships: z.array(
      z.object({
        member_id: z.string(),
        org_id: z.string(),
        org_name: z.string(),
        role: RoleSchema,
        status: MemberStatusSchema,
      }),
    ),
  })
  .meta({ id: 'User' });

export const SignInBodySchema = z
  .object({ email: EmailSchema, password: z.string().min(1).max(256) })
  .meta({ id: 'SignIn', examples: [{ email: 'ada@example.com', password: 'correct horse battery staple' }] });

export const SignedInSchema = z
  .object({
    user: UserSchema,
    csrf_token: z.string().meta({ description: 'Send it in `x-csrf-token` on every POST, PUT, PATCH and DELETE made with the session cookie.' }),
  })
  .meta({ id: 'SignedIn' });

const InviteTokenSchema = z.string().min(1).max(200).meta({ examples: ['pit_7Tq2Wm9xYvB3nC8kL1pZ5sD0fG6hJ4rE2tU9wQ1aMbX'] });

export const AcceptInviteBodySchema = z
  .object({
    token: InviteTokenSchema,
    name: z.string().trim().min(1).max(128).meta({ description: 'Your name (ignored when you already have an account).', examples: ['Ada Lovelace'] }),
    password: PasswordSchema.meta({ description: 'A new password, or your current one when the invited email already has an account.' }),
  })
  .meta({
    id: 'AcceptInvite',
    examples: [{ token: 'pit_7Tq2Wm9xYvB3nC8kL1pZ5sD0fG6hJ4rE2tU9wQ1aMbX', name: 'Ada Lovelace', password: 'correct horse battery staple' }],
  });

export const InviteInfoBodySchema = z
  .object({ token: InviteTokenSchema })
  .meta({ id: 'InviteInfoRequest', examples: [{ token: 'pit_7Tq2Wm9xYvB3nC8kL1pZ5sD0fG6hJ4rE2tU9wQ1aMbX' }] });

export const InviteInfoSchema = z
  .object({
    email: z.string().meta({ description: 'The invited email: the account joins under it.', examples: ['ada@example.com'] }),
    role: RoleSchema,
    org: z.object({ id: z.string(), name: z.string().nullable() }).meta({ description: 'The organization the invite is to.' }),
    expires_at: Timestamp,
    has_account: z.boolean().meta({ description: 'Whether this email already has a Parley account: accepting then takes its current password (and ignores `name`).' }),
  })
  .meta({ id: 'InviteInfo' });

export type InviteInfo = z.infer<typeof InviteInfoSchema>;

export const SignedOutSchema = z.object({ signed_out: z.literal(true) }).meta({ id: 'SignedOut' });

export const IdentitySchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('member'), user: UserSchema }).meta({ id: 'MemberIdentity', description: 'A signed-in user (session cookie).' }),
    z
      .object({
        kind: z.literal('api_key'),
        api_key: z.object({ id: z.string(), org_id: z.string(), scope: z.enum(['admin', 'runtime']), assistant_id: z.string().nullable() }),
      })
      .meta({ id: 'ApiKeyIdentity', description: 'An API key (Bearer).' }),
  ])
  .meta({ id: 'Identity', description: '`kind` says which: a signed-in user with their orgs and roles, or the API key making the call.' });

export const UpdateUserBodySchema = z
  .object({
    name: z.string().trim().min(1).max(128).optional(),
    default_org_id: z.string().min(1).max(64).optional().meta({ description: 'An org you are a member of.' }),
  })
  .meta({ id: 'UpdateUser', examples: [{ name: 'Ada Lovelace' }] });

export const SessionSchema = z
  .object({
    id: z.string().meta({ examples: ['ses_1bQz8Hn4fK2LmX7cV9tR0s'] }),
    created_at: Timestamp,
    last_seen_at: Timestamp,
    expires_at: Timestamp,
    user_agent: z.string().nullable(),
    ip: z.string().nullable(),
    current: z.boolean().meta({ description: 'The session making this request.' }),
  })
  .meta({ id: 'Session' });

export const SessionParams = z.object({ session_id: idParam('A session id (not the cookie).', 'ses_1bQz8Hn4fK2LmX7cV9tR0s') });

export type User = z.infer<typeof UserSchema>;
export type Session = z.infer<typeof SessionSchema>;
export type Identity = z.infer<typeof IdentitySchema>;
export type UpdateUserInput = z.infer<typeof UpdateUserBodySchema>;
