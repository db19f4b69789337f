import { z } from 'zod';
import { OrgIdParam, PageQuerySchema, Timestamp } from '../../http/common-schemas.ts';
import { CHAT_CHANNEL_TYPES, ChatSchema, TypingSignalSchema } from '../chats/index.ts';

export const INBOX_FILTERS = ['all', 'unread', 'unresolved', 'resolved', 'waiting', 'mine', 'unassigned', 'snoozed'] as const;
export type InboxFilter = (typeof INBOX_FILTERS)[number];

export const InboxParams = z.object({ org_id: OrgIdParam });

export const InboxQuerySchema = PageQuerySchema.extend({
  filter: z.enum(INBOX_FILTERS).default('unresolved').meta({
    description:
      'all; unread (customer messages the team has not seen); unresolved (open or snoozed); resolved (closed); waiting (a person was asked for and nobody is assigned); mine (assigned to the signed-in member); unassigned (open, nobody assigned); snoozed.',
  }),
  assistant_id: z.string().min(1).max(64).optional().meta({ description: 'Only chats with this assistant.' }),
  channel: z.enum(CHAT_CHANNEL_TYPES).optional().meta({ description: 'Only chats on this channel: API (the runtime API), WEB (the web widget) or CUSTOM (a channel the team plugs in).' }),
  contact_id: z.string().min(1).max(64).optional().meta({ description: "Only chats with this contact (a contact panel's previous conversations); use it with `filter=all`." }),
});

export const LastMessageSchema = z
  .object({
    id: z.string(),
    role: z.enum(['user', 'assistant', 'note']),
    text: z.string().meta({ description: 'The start of the message (at most 280 characters).' }),
    created_at: Timestamp,
  })
  .meta({ id: 'InboxLastMessage' });

const InboxContactSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable().meta({ description: 'null until the person gives a name.' }),
    email: z.string().nullable().meta({ description: "The first email among the contact's channels, if any." }),
    phone: z.string().nullable().meta({ description: "The first phone number among the contact's channels, if any." }),
  })
  .meta({ id: 'InboxContact', description: 'Who the chat is with, for the list; read the contact for the rest.' });

export const InboxChatSchema = ChatSchema.extend({ last_message: LastMessageSchema.nullable(), contact: InboxContactSchema.nullable() }).meta({ id: 'InboxChat' });

export const InboxCountsSchema = z
  .object(Object.fromEntries(INBOX_FILTERS.map((f) => [f, z.number().int()])) as Record<InboxFilter, z.ZodNumber>)
  .meta({ id: 'InboxCounts', description: 'How many chats each filter of the inbox holds (for the assistant, when given).' });

export const InboxCountsQuerySchema = InboxQuerySchema.pick({ assistant_id: true, channel: true });

/** Narrows the inbox to one assistant, one channel or one contact. */
export interface InboxScope {
  assistantId?: string;
  channel?: (typeof CHAT_CHANNEL_TYPES)[number];
  contactId?: string;
}

export type InboxChat = z.infer<typeof InboxChatSchema>;

export const InboxFollowQuerySchema = z.object({
  after: z.string().min(1).max(100).optional().meta({ description: 'Resume after this cursor (the `id` of the last event seen); `Last-Event-ID` takes precedence.' }),
});

const InboxLogEventSchema = z
  .object({
    type: z.string().meta({ description: 'The event type (see the events guide): chat.created, chat.updated, chat.deleted, chat.memory.created, message.created, message.updated, message.deleted.' }),
    id: z.string().meta({ description: 'The event id (evt_...).' }),
    cursor: z.string().meta({ description: 'Where this event sits in the log: resume after it with `after` or `Last-Event-ID`.' }),
    created_at: Timestamp,
    data: z.record(z.string(), z.unknown()).meta({ description: "The event's data, as the events guide lists it (ids and what changed: read the chat or message for the rest)." }),
  })
  .meta({ id: 'InboxLogEvent', description: 'A recorded event, with its cursor.' });

const InboxTypingEventSchema = z
  .object({ type: z.literal('typing'), data: TypingSignalSchema })
  .meta({
    id: 'InboxTypingEvent',
    description: 'Someone is typing in a chat: the customer (`by: customer`, from the web widget) or a member of the team (`by: member`). Not recorded: no cursor (over SSE no `id:` line), never replayed.',
  });

export const InboxEventSchema = z.union([InboxTypingEventSchema, InboxLogEventSchema]).meta({ id: 'InboxEvent' });
