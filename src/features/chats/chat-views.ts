import type { MessagePart, MessageRow } from '../../db/schema.ts';
import { iso } from '../../http/common-schemas.ts';
import type { ChatView } from './chats.repo.ts';
import type { Chat, ChatState, CustomerChatState, CustomerMessage, Message } from './chats.schemas.ts';

/** How chats, their state and their messages look in the API. */

/** The text of a message's parts (tool parts have none). */
export const textOf = (parts: MessagePart[]): string => parts.map((p) => (p.type === 'text' ? p.text : '')).join('');

export const toState = (row: ChatView): ChatState => ({
  state: row.state,
  snoozed_until: iso(row.snoozedUntil),
  ai_enabled: row.aiEnabled,
  handover: row.aiEnabled ? null : row.assignee ? 'ASSIGNED' : 'WAITING',
  handover_at: iso(row.handoverAt),
  assigned_member: row.assignee,
  assigned_at: iso(row.assignedAt),
  admin_unseen_count: row.adminUnseenCount,
  user_unseen_count: row.userUnseenCount,
  follow_up_at: iso(row.followUpAt),
  muted_until: iso(row.mutedUntil),
  csat_score: row.csatScore,
  csat_requested_at: iso(row.csatRequestedAt),
  resolved_at: iso(row.resolvedAt),
});

export const toChat = (row: ChatView): Chat => ({
  id: row.id,
  org_id: row.orgId,
  assistant_id: row.assistantId,
  contact_id: row.contactId,
  channel: { type: row.channel, id: row.contactChannelId },
  title: row.title,
  status: row.status,
  pinned: row.pinned,
  messages_count: row.messagesCount,
  last_message_at: row.lastMessageAt.toISOString(),
  state: toState(row),
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

function authorOf(row: MessageRow): Message['author'] {
  if (row.role === 'user') return 'customer';
  if (row.kind !== null) return 'system';
  if (row.memberId) return 'member';
  if (row.role === 'event') return 'system';
  if (row.role === 'tool') return 'assistant';
  // An assistant-role message no model wrote is the team's, sent with an API key.
  return row.role === 'assistant' && row.model !== null ? 'assistant' : 'team';
}

export const toMessage = (row: MessageRow, member: { id: string; name: string; email: string } | null = null): Message => ({
  id: row.id,
  chat_id: row.chatId,
  role: row.role,
  kind: row.kind,
  author: authorOf(row),
  member: member ? { id: member.id, name: member.name, email: member.email } : null,
  parts: row.parts,
  status: row.status,
  model: row.model,
  usage: row.usage
    ? { input_tokens: row.usage.prompt_tokens, output_tokens: row.usage.completion_tokens, total_tokens: row.usage.total_tokens }
    : null,
  latency_ms: row.latencyMs,
  error: row.error,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

/** What the customer sees of a message; null for what they never see (notes, internal event lines). */
export function toCustomerMessage(row: MessageRow, member: { id: string; name: string } | null): CustomerMessage | null {
  if (row.role !== 'user' && row.role !== 'assistant') return null;
  return {
    id: row.id,
    chat_id: row.chatId,
    role: row.role,
    author: row.role === 'user' ? 'customer' : row.memberId ? 'member' : row.kind ? 'system' : row.model !== null ? 'assistant' : 'team',
    member: member ? { id: member.id, name: member.name } : null,
    kind: row.kind ?? null,
    parts: row.parts,
    status: row.status,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** What the customer sees of a chat's state: who answers, whether it is resolved; never a member's email. */
export const toCustomerState = (chat: ChatView): CustomerChatState => ({
  chat_id: chat.id,
  state: chat.state,
  ai_enabled: chat.aiEnabled,
  handover: chat.aiEnabled ? null : chat.assignee ? 'ASSIGNED' : 'WAITING',
  assigned_member: chat.assignee ? { id: chat.assignee.id, name: chat.assignee.name } : null,
  user_unseen_count: chat.userUnseenCount,
  csat_score: chat.csatScore,
});
