import type { Field } from './contacts.schemas.ts';

type Spec = [key: string, type: Field['schema']['type'], name: string, description: string, opts?: { readonly?: boolean; array?: boolean; optional?: boolean }];

/**
 * The built-in (`system`) fields of a contact, in the reference's Field shape, for tools that render contact
 * tables, import mappings or broadcast variables. Custom attributes are free-form and not listed here.
 */
const SPECS: Spec[] = [
  ['name', 'string', 'Name', 'Full name of the contact.', { optional: true }],
  ['email', 'string', 'Email', 'Email of one of the contact\'s channels.', { optional: true }],
  ['phone', 'string', 'Phone', 'Phone number, with country code, of one of the contact\'s channels.', { optional: true }],
  ['user_id', 'string', 'User id', 'The identity of the contact inside a channel.', { optional: true }],
  ['language', 'string', 'Language', 'Language tag of the contact\'s latest channel.', { optional: true }],
  ['segments', 'segment', 'Segments', 'The segments the contact is in.', { array: true }],
  ['blocked', 'boolean', 'Blocked', 'A blocked contact gets no replies.'],
  ['unsubscribed', 'boolean', 'Unsubscribed', 'The contact asked not to receive broadcasts.'],
  ['ai_replies_disabled', 'boolean', 'AI replies disabled', 'Only humans answer this contact.'],
  ['last_seen_at', 'datetime', 'Last seen', 'When the contact last wrote.', { readonly: true, optional: true }],
  ['created_at', 'datetime', 'Created', 'When the contact was created.', { readonly: true }],
];

export const CONTACT_FIELDS: Field[] = SPECS.map(([key, type, name, description, opts = {}], i) => ({
  id: `contacts.${key}`,
  table_id: 'contacts',
  key,
  readonly: opts.readonly ?? false,
  kind: 'system',
  schema: { type, name, description, optional: opts.optional ?? false, array: opts.array ?? false, order: i + 1, hidden: false },
}));
