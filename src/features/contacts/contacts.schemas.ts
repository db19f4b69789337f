import { z } from 'zod';
import { idParam, NullableTimestamp, OrgIdParam, PageQuerySchema, Timestamp, WebUrl } from '../../http/common-schemas.ts';
import { SegmentSchema } from './segments.schemas.ts';

export const EXAMPLE_CONTACT_ID = 'cnt_6Tq2Wm9xYvB3nC8kL1pZ5s';
export const EXAMPLE_CHANNEL_ID = 'cch_3Nf5Gh2Jq9Lx4Wp1Zr8Kd7';

/**
 * WEB: the chat widget (user_id: the visitor's id). API: callers of the runtime API that name their user.
 * CUSTOM: a team's own transport (WhatsApp through their provider, SMS, email...), driven over this API.
 */
export const ChannelTypeSchema = z.enum(['WEB', 'API', 'CUSTOM']).meta({
  id: 'ContactChannelType',
  description: '`WEB` (the chat widget), `API` (runtime API callers who name their user), `CUSTOM` (your own transport).',
});

/** Limits of custom attributes: flat values, bounded keys, bounded size. */
export const CUSTOM_ATTRIBUTE_LIMITS = { keys: 50, keyLength: 64, valueLength: 1024 } as const;

const AttributeKey = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'keys start with a letter or "_" and hold letters, digits, "_", "." or "-" (at most 64)');
const AttributeValue = z.union([z.string().max(CUSTOM_ATTRIBUTE_LIMITS.valueLength), z.number(), z.boolean()]);

export const CustomAttributesSchema = z
  .record(AttributeKey, AttributeValue)
  .meta({
    id: 'CustomAttributes',
    description: `Your own fields on the contact: flat values (string up to ${CUSTOM_ATTRIBUTE_LIMITS.valueLength} characters, number, boolean), at most ${CUSTOM_ATTRIBUTE_LIMITS.keys} keys.`,
    examples: [{ plan: 'pro', seats: 12, vip: true }],
  });

/** On update a key set to null is removed; other keys are kept (a JSON merge patch). */
const CustomAttributesPatchSchema = z
  .record(AttributeKey, AttributeValue.nullable())
  .refine((o) => Object.keys(o).length <= CUSTOM_ATTRIBUTE_LIMITS.keys, `at most ${CUSTOM_ATTRIBUTE_LIMITS.keys} keys`)
  .meta({
    id: 'CustomAttributesPatch',
    description: 'Keys to set; a key set to `null` is removed, keys not named are kept.',
    examples: [{ plan: 'enterprise', trial_ends: null }],
  });

export const ContactChannelSchema = z
  .object({
    id: z.string().meta({ examples: [EXAMPLE_CHANNEL_ID] }),
    contact_id: z.string(),
    type: ChannelTypeSchema,
    user_id: z.string().meta({ description: 'Who the person is inside that channel: a visitor id, your user id, a phone number.' }),
    name: z.string().nullable(),
    username: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    avatar: z.string().nullable(),
    country: z.string().nullable(),
    language: z.string().nullable(),
    agent: z.string().nullable().meta({ description: 'The user agent the person last wrote from (widget).' }),
    ip: z.string().nullable(),
    platform_data: z.record(z.string(), z.unknown()),
    last_seen_at: NullableTimestamp.meta({ description: 'When the person last wrote through this channel.' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'ContactChannel' });

export const ContactSchema = z
  .object({
    id: z.string().meta({ examples: [EXAMPLE_CONTACT_ID] }),
    org_id: z.string(),
    name: z.string().nullable(),
    blocked: z.boolean().meta({ description: 'A blocked contact gets no replies (see the contacts guide).' }),
    unsubscribed: z.boolean().meta({ description: 'The contact asked not to receive broadcasts.' }),
    ai_replies_disabled: z.boolean().meta({ description: 'Only humans answer this contact.' }),
    is_admin: z.boolean().meta({ description: 'The contact is one of the organization\'s own members (always false in this version).' }),
    custom_attributes: CustomAttributesSchema,
    channels: z.array(ContactChannelSchema),
    segments: z.array(SegmentSchema),
    last_seen_at: NullableTimestamp.meta({ description: 'When the contact last wrote, through any channel.' }),
    blocked_at: NullableTimestamp,
    unsubscribed_at: NullableTimestamp,
    unsubscribe_reason: z.string().nullable(),
    unsubscribe_feedback: z.string().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Contact' });

export type Contact = z.infer<typeof ContactSchema>;
export type ContactChannel = z.infer<typeof ContactChannelSchema>;

const Text256 = z.string().trim().min(1).max(256);
const Email = z.email().max(256).meta({ examples: ['ada@example.com'] });
const Phone = z.string().trim().min(1).max(256).meta({ examples: ['+33612345678'] });
const UserId = z.string().trim().min(1).max(256).meta({ examples: ['+33612345678'] });
const Language = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as "en" or "pt-BR"')
  .meta({ examples: ['fr'] });
const ContactName = z.string().trim().min(1).max(512).meta({ examples: ['Ada Lovelace'] });

export const CreateContactChannelBodySchema = z
  .object({
    type: ChannelTypeSchema.default('CUSTOM'),
    user_id: UserId.optional().meta({ description: 'The identity inside the channel; defaults to the email, else the phone.' }),
    name: Text256.nullable().optional(),
    username: Text256.nullable().optional(),
    email: Email.nullable().optional(),
    phone: Phone.nullable().optional(),
    avatar: WebUrl.nullable().optional(),
    language: Language.nullable().optional(),
  })
  .refine((c) => c.user_id || c.email || c.phone, { message: 'give user_id, email or phone: a channel needs an identity', path: ['user_id'] })
  .meta({
    id: 'CreateContactChannel',
    examples: [{ type: 'CUSTOM', user_id: '+33612345678', name: 'Ada on WhatsApp' }],
  });

export const CreateContactBodySchema = z
  .object({
    name: ContactName.nullable().optional(),
    channel: CreateContactChannelBodySchema.optional().meta({ description: 'The contact\'s first channel (an identity must be unique in the organization).' }),
    segment_ids: z.array(idParam('A segment id.', 'seg_2Kd3Lp0Qw2Er5Ty7Ui9Op1')).max(50).optional(),
    custom_attributes: CustomAttributesSchema.optional(),
    blocked: z.boolean().optional(),
    unsubscribed: z.boolean().optional(),
    ai_replies_disabled: z.boolean().optional(),
  })
  .refine((b) => b.name || b.channel, { message: 'give a name or a channel', path: ['name'] })
  .refine((b) => Object.keys(b.custom_attributes ?? {}).length <= CUSTOM_ATTRIBUTE_LIMITS.keys, {
    message: `at most ${CUSTOM_ATTRIBUTE_LIMITS.keys} keys`,
    path: ['custom_attributes'],
  })
  .meta({
    id: 'CreateContact',
    examples: [{ name: 'Ada Lovelace', channel: { type: 'CUSTOM', user_id: '+33612345678', phone: '+33612345678' }, custom_attributes: { plan: 'pro' } }],
  });

export const UpdateContactBodySchema = z
  .object({
    name: ContactName.nullable().optional(),
    blocked: z.boolean().optional(),
    unsubscribed: z.boolean().optional(),
    ai_replies_disabled: z.boolean().optional(),
    custom_attributes: CustomAttributesPatchSchema.optional(),
  })
  .meta({ id: 'UpdateContact', examples: [{ blocked: true }, { name: 'Ada King', custom_attributes: { plan: 'enterprise', trial_ends: null } }] });

export const UpdateContactChannelBodySchema = z
  .object({
    avatar: WebUrl.nullable().optional(),
    name: Text256.nullable().optional(),
    phone: Text256.nullable().optional(),
    username: Text256.nullable().optional(),
    email: Email.nullable().optional(),
    language: Language.nullable().optional(),
  })
  .meta({ id: 'UpdateContactChannel', examples: [{ name: 'Ada (WhatsApp)', email: 'ada@example.com' }] });

export const MergeContactBodySchema = z
  .object({ from_contact_id: idParam('The contact to merge into this one; it is deleted.', 'cnt_9Wp1Zr8Kd3Nf5Gh2Jq4Lx6') })
  .meta({ id: 'MergeContact', examples: [{ from_contact_id: 'cnt_9Wp1Zr8Kd3Nf5Gh2Jq4Lx6' }] });

export type CreateContactInput = z.infer<typeof CreateContactBodySchema>;
export type CreateChannelInput = z.infer<typeof CreateContactChannelBodySchema>;
export type UpdateContactInput = z.infer<typeof UpdateContactBodySchema>;
export type UpdateChannelInput = z.infer<typeof UpdateContactChannelBodySchema>;

export const ContactStatusSchema = z
  .enum(['ALL', 'SUBSCRIBED', 'UNSUBSCRIBED', 'BLOCKED', 'AI_REPLIES_DISABLED'])
  .meta({ description: 'ALL (default), SUBSCRIBED / UNSUBSCRIBED (to broadcasts), BLOCKED, AI_REPLIES_DISABLED.' });

export const ContactListQuerySchema = PageQuerySchema.extend({
  search: z.string().trim().min(1).max(256).optional().meta({ description: 'Part of a name, email or phone (any channel), without case.', examples: ['ada'] }),
  status: ContactStatusSchema.default('ALL'),
  email: z.email().max(256).optional().meta({ description: 'Contacts with a channel of this email, without case.' }),
  user_id: z.string().min(1).max(256).optional().meta({ description: 'Contacts with a channel of this user id (any type).' }),
  segment_id: z.string().min(1).max(64).optional().meta({ description: 'Contacts in this segment.', examples: ['seg_2Kd3Lp0Qw2Er5Ty7Ui9Op1'] }),
});

export type ContactListQuery = z.infer<typeof ContactListQuerySchema>;

export const ContactParams = z.object({ org_id: OrgIdParam, contact_id: idParam('A contact id.', EXAMPLE_CONTACT_ID) });
export const ChannelParams = ContactParams.extend({ channel_id: idParam('A channel id of the contact.', EXAMPLE_CHANNEL_ID) });
export const ContactSegmentParams = ContactParams.extend({ segment_id: idParam('A segment id.', 'seg_2Kd3Lp0Qw2Er5Ty7Ui9Op1') });

/** A contact field, as the reference's Field of tables: here only the built-in (`system`) fields. */
export const FieldSchema = z
  .object({
    id: z.string().meta({ examples: ['contacts.name'] }),
    table_id: z.string().meta({ examples: ['contacts'] }),
    key: z.string().meta({ examples: ['name'] }),
    readonly: z.boolean(),
    kind: z.enum(['system']),
    schema: z
      .object({
        type: z.enum(['string', 'number', 'boolean', 'datetime', 'enum', 'segment']),
        name: z.string(),
        description: z.string(),
        optional: z.boolean(),
        array: z.boolean(),
        order: z.number().int().min(1),
        hidden: z.boolean(),
        allowed_values: z.array(z.string()).optional(),
      })
      .meta({ id: 'FieldSchema' }),
  })
  .meta({ id: 'Field' });

export type Field = z.infer<typeof FieldSchema>;
