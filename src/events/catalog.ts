import { z } from 'zod';

/**
 * The event catalog: every event type Parley records, with the schema of its `data`.
 *
 * Events are thin, as Stripe's v2 events are: they say what happened to which record (ids, the
 * fields that changed, a status), not a copy of the record, so the hot path writes little and a
 * consumer (a live view, a webhook) reads the current record when it needs more. The catalog is
 * the one source for the live streams, webhooks, the audit log and the events docs page.
 */
const id = z.string();
const changed = z.array(z.string()).describe('The fields the change set');

export const EVENT_CATALOG = {
  'org.created': { summary: 'A sub-organization was created', data: z.object({ org_id: id, parent_id: id.nullable(), name: z.string() }) },
  'org.updated': { summary: 'An organization was updated', data: z.object({ org_id: id, changed }) },
  'org.deleted': { summary: 'A sub-organization was deleted with its subtree', data: z.object({ org_id: id }) },
  'api_key.created': {
    summary: 'An API key was created',
    data: z.object({ key_id: id, name: z.string(), scope: z.enum(['admin', 'runtime']), assistant_id: id.nullable() }),
  },
  'api_key.revoked': { summary: 'An API key was revoked', data: z.object({ key_id: id, name: z.string() }) },
  'member.created': {
    summary: 'Someone joined the organization (an invite accepted, or a user created by the operator)',
    data: z.object({ member_id: id, user_id: id, role: z.enum(['ADMIN', 'DEVELOPER', 'MANAGER', 'AGENT']) }),
  },
  'member.updated': { summary: "A member's role or status changed", data: z.object({ member_id: id, user_id: id, changed }) },
  'member.deleted': { summary: 'A member was removed from the organization', data: z.object({ member_id: id, user_id: id }) },
  'invite.created': {
    summary: 'Someone was invited to join',
    data: z.object({ invite_id: id, email: z.string(), role: z.enum(['ADMIN', 'DEVELOPER', 'MANAGER', 'AGENT']) }),
  },
  'invite.deleted': { summary: 'An invite was revoked', data: z.object({ invite_id: id, email: z.string() }) },
  'assistant.created': { summary: 'An assistant was created', data: z.object({ assistant_id: id, name: z.string() }) },
  'assistant.updated': { summary: 'An assistant was updated', data: z.object({ assistant_id: id, changed }) },
  'assistant.deleted': { summary: 'An assistant was deleted (with the knowledge only it used)', data: z.object({ assistant_id: id }) },
  'provider.updated': { summary: 'Model provider credentials were stored', data: z.object({ provider: z.string() }) },
  'provider.deleted': { summary: 'Model provider credentials were removed', data: z.object({ provider: z.string() }) },
  'knowledge.item.created': {
    summary: 'A knowledge item was added (text, file or website)',
    data: z.object({ content_id: id, assistant_id: id.nullable(), type: z.string() }),
  },
  'knowledge.item.updated': {
    summary: 'A knowledge item changed: edited, re-synced, or its processing ended',
    data: z.object({ content_id: id, changed, status: z.string().optional() }),
  },
  'knowledge.item.deleted': { summary: 'A knowledge item was deleted', data: z.object({ content_id: id }) },
  'chat.created': { summary: 'A conversation started', data: z.object({ chat_id: id, assistant_id: id }) },
  'chat.updated': {
    summary: 'A conversation changed (title, pin, run status, state, assignment, handover, unseen counts, CSAT request and score)',
    data: z.object({ chat_id: id, changed, state: z.enum(['OPEN', 'SNOOZED', 'CLOSED']).optional().meta({ description: 'The new state, when `changed` holds `state`.' }) }),
  },
  'chat.deleted': { summary: 'A conversation was deleted', data: z.object({ chat_id: id }) },
  'chat.memory.created': {
    summary: 'A rolling summary of a conversation was written (chat memories, every 10 messages)',
    data: z.object({ chat_id: id, memory_id: id, message_count: z.number().int() }),
  },
  'chat.memory.deleted': { summary: 'A summary of a conversation was deleted', data: z.object({ chat_id: id, memory_id: id }) },
  'message.created': {
    summary: 'A message was added to a conversation (a reply still RUNNING is written when it is slow)',
    data: z.object({ chat_id: id, message_id: id, role: z.enum(['user', 'assistant', 'event', 'note', 'tool']), status: z.string() }),
  },
  'message.updated': {
    summary: 'A reply that was RUNNING ended (completed, failed or cancelled), or the team edited its reply or note',
    data: z.object({ chat_id: id, message_id: id, status: z.string() }),
  },
  'message.deleted': {
    summary: 'The team deleted one of its replies or notes',
    data: z.object({ chat_id: id, message_id: id }),
  },
  'contact.created': {
    summary: 'A contact was created: over the API, or for someone who wrote through a channel',
    data: z.object({ contact_id: id, channel_id: id.nullable(), channel_type: z.string().nullable() }),
  },
  'contact.updated': {
    summary: "A contact changed: its fields, its channels (`channels`) or its segments (`segments`)",
    data: z.object({ contact_id: id, changed }),
  },
  'contact.deleted': { summary: 'A contact was deleted (its chats stay, without a contact)', data: z.object({ contact_id: id }) },
  'contact.merged': {
    summary: 'A contact was merged into another: its channels, segments and chats moved there, and it was deleted',
    data: z.object({
      contact_id: id.describe('The contact that remains'),
      from_contact_id: id.describe('The contact merged into it, now deleted'),
      channels_moved: z.number().int(),
      chats_moved: z.number().int(),
    }),
  },
  'segment.created': { summary: 'A segment was created', data: z.object({ segment_id: id, name: z.string() }) },
  'segment.updated': { summary: 'A segment was renamed or recoloured', data: z.object({ segment_id: id, changed }) },
  'segment.deleted': { summary: 'A segment was deleted (its contacts stay)', data: z.object({ segment_id: id }) },
  'webhook_endpoint.created': { summary: 'A webhook endpoint was created', data: z.object({ webhook_id: id, url: z.string() }) },
  'webhook_endpoint.updated': {
    summary: 'A webhook endpoint was updated, re-enabled or its signing secret rotated (`changed` has `secret`)',
    data: z.object({ webhook_id: id, changed }),
  },
  'webhook_endpoint.deleted': { summary: 'A webhook endpoint was deleted with its delivery log', data: z.object({ webhook_id: id }) },
  'webhook_endpoint.disabled': {
    summary: 'Parley disabled a webhook endpoint: its deliveries kept failing, or it answered 410 Gone',
    data: z.object({ webhook_id: id, reason: z.string() }),
  },
} as const satisfies Record<string, { summary: string; data: z.ZodType }>;

export type EventType = keyof typeof EVENT_CATALOG;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_CATALOG)[T]['data']>;
export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];

/** A change to record: its type, the org it happened in, what it is about, and its data. */
export type EventInput = {
  [T in EventType]: { type: T; orgId: string; subjectId: string; data: EventData<T> };
}[EventType];

/** A committed event as consumers receive it. */
export interface ParleyEvent<T extends EventType = EventType> {
  id: string;
  /** Where this event sits in the log; a consumer that reconnects passes the last one it saw. */
  cursor: string;
  type: T;
  org_id: string;
  subject_id: string;
  actor: { type: 'api_key' | 'member' | 'visitor' | 'system'; id: string | null };
  data: EventData<T>;
  created_at: string;
}
