import type { Schemas } from '../api/client';

export type EventType = Exclude<Schemas['CreateWebhook']['event_types'][number], '*'>;

/**
 * The event catalog as the API's types name it (docs/events.md). A Record over the generated union: a type added to
 * the server's catalog fails the dashboard's type check until it is listed here, so the picker cannot fall behind.
 */
export const EVENT_SUMMARIES: Record<EventType, string> = {
  "org.created": "A sub-organization was created",
  "org.updated": "An organization was updated",
  "org.deleted": "A sub-organization was deleted with its subtree",
  "api_key.created": "An API key was created",
  "api_key.revoked": "An API key was revoked",
  "member.created": "Someone joined the organization (an invite accepted, or a user created by the operator)",
  "member.updated": "A member's role or status changed",
  "member.deleted": "A member was removed from the organization",
  "invite.created": "Someone was invited to join",
  "invite.deleted": "An invite was revoked",
  "assistant.created": "An assistant was created",
  "assistant.updated": "An assistant was updated",
  "assistant.deleted": "An assistant was deleted (with the knowledge only it used)",
  "provider.updated": "Model provider credentials were stored",
  "provider.deleted": "Model provider credentials were removed",
  "knowledge.item.created": "A knowledge item was added (text, file or website)",
  "knowledge.item.updated": "A knowledge item changed: edited, re-synced, or its processing ended",
  "knowledge.item.deleted": "A knowledge item was deleted",
  "chat.created": "A conversation started",
  "chat.updated": "A conversation changed (title, pin, run status, state, assignment, handover, unseen counts, CSAT request and score)",
  "chat.deleted": "A conversation was deleted",
  "chat.memory.created": "A rolling summary of a conversation was written (chat memories, every 10 messages)",
  "chat.memory.deleted": "A summary of a conversation was deleted",
  "message.created": "A message was added to a conversation (a reply still RUNNING is written when it is slow)",
  "message.updated": "A reply that was RUNNING ended (completed, failed or cancelled), or the team edited its reply or note",
  "message.deleted": "The team deleted one of its replies or notes",
  "contact.created": "A contact was created: over the API, or for someone who wrote through a channel",
  "contact.updated": "A contact changed: its fields, its channels (`channels`) or its segments (`segments`)",
  "contact.deleted": "A contact was deleted (its chats stay, without a contact)",
  "contact.merged": "A contact was merged into another: its channels, segments and chats moved there, and it was deleted",
  "segment.created": "A segment was created",
  "segment.updated": "A segment was renamed or recoloured",
  "segment.deleted": "A segment was deleted (its contacts stay)",
  "webhook_endpoint.created": "A webhook endpoint was created",
  "webhook_endpoint.updated": "A webhook endpoint was updated, re-enabled or its signing secret rotated (`changed` has `secret`)",
  "webhook_endpoint.deleted": "A webhook endpoint was deleted with its delivery log",
  "webhook_endpoint.disabled": "Parley disabled a webhook endpoint: its deliveries kept failing, or it answered 410 Gone",
};

export const EVENT_TYPE_OPTIONS = [
  { value: '*', label: '* (every event, those added later too)' },
  ...Object.keys(EVENT_SUMMARIES).map((t) => ({ value: t, label: t })),
];

export type EventTypeOrAll = Schemas['CreateWebhook']['event_types'][number];
const KNOWN = new Set<string>(['*', ...Object.keys(EVENT_SUMMARIES)]);
export const isEventType = (v: string): v is EventTypeOrAll => KNOWN.has(v);
