import { z } from 'zod';
import { idParam, OrgIdParam, Timestamp } from '../../http/common-schemas.ts';
import { ROLES } from '../../http/permissions.ts';

export const RoleSchema = z.enum(ROLES).meta({
  description: 'ADMIN: everything. DEVELOPER: assistants, knowledge, keys, providers; reads chats and usage. ' +
    'MANAGER: members and invites, usage, chats. AGENT: chats; reads assistants. See `/guides/members`.',
});
export const MemberStatusSchema = z
  .enum(['ACTIVE', 'AWAY'])
  .meta({ description: 'Availability for conversations, set by the member or a manager. It does not limit access.' });

/** Compared without case; stored lower-cased. */
export const EmailSchema = z.email().max(254).meta({ examples: ['ada@example.com'] });
export const PasswordSchema = z.string().min(8).max(256).meta({ description: '8 to 256 characters.', examples: ['correct horse battery staple'] });

export const MemberSchema = z
  .object({
    id: z.string().meta({ examples: ['mem_3Lq8Tn2Xv7Bc1Mw4Pz9Rk5'] }),
    org_id: z.string(),
    user_id: z.string(),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    status: MemberStatusSchema,
    created_at: Timestamp,
  })
  .meta({ id: 'Member' });

export const UpdateMemberBodySchema = z
  .object({ role: RoleSchema.optional(), status: MemberStatusSchema.optional() })
  .meta({ id: 'UpdateMember', examples: [{ role: 'MANAGER' }, { status: 'AWAY' }] });

export const InviteSchema = z
  .object({
    id: z.string().meta({ examples: ['inv_8Hn4fK2LmX7cV9tR0s1bQz'] }),
    org_id: z.string(),
    email: z.string(),
    role: RoleSchema,
    expires_at: Timestamp,
    created_at: Timestamp,
  })
  .meta({ id: 'Invite' });

export const CreatedInviteSchema = InviteSchema.extend({
  emailed: z.boolean().meta({
    description: 'True when the link was emailed to the invitee (SMTP configured); `url` and `token` are then null, so only the invitee holds them.',
  }),
  url: z
    .string()
    .nullable()
    .meta({
      description:
        'The link to hand to the invitee (single use, expiring), when it was not emailed. Shown only in this response.',
      examples: ['/app/invite?token=pit_7Tq2Wm9xYvB3nC8kL1pZ5sD0fG6hJ4rE2tU9wQ1aMbX'],
    }),
  token: z.string().nullable().meta({ description: 'The invite token in the link, for `POST /auth/accept-invite`; null when emailed.' }),
}).meta({ id: 'CreatedInvite' });

export const CreateInviteBodySchema = z
  .object({ email: EmailSchema, role: RoleSchema })
  .meta({ id: 'CreateInvite', examples: [{ email: 'ada@example.com', role: 'AGENT' }] });

export const MemberParams = z.object({ org_id: OrgIdParam, member_id: idParam('A member id.', 'mem_3Lq8Tn2Xv7Bc1Mw4Pz9Rk5') });
export const InviteParams = z.object({ org_id: OrgIdParam, invite_id: idParam('An invite id.', 'inv_8Hn4fK2LmX7cV9tR0s1bQz') });

export type Member = z.infer<typeof MemberSchema>;
export type Invite = z.infer<typeof InviteSchema>;
export type CreatedInvite = z.infer<typeof CreatedInviteSchema>;
export type UpdateMemberInput = z.infer<typeof UpdateMemberBodySchema>;
export type CreateInviteInput = z.infer<typeof CreateInviteBodySchema>;
