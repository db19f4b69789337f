import { personLabel } from '../ui/person';
import type { Chat, InboxChat, InboxView, Message } from './queries';

export const VIEWS: { value: InboxView; label: string }[] = [
  { value: 'unresolved', label: 'Unresolved' },
  { value: 'mine', label: 'Mine' },
  { value: 'unassigned', label: 'Unassigned' },
  { value: 'waiting', label: 'Waiting for a person' },
  { value: 'unread', label: 'Unread' },
  { value: 'snoozed', label: 'Snoozed' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
];

export const isView = (v: string | null): v is InboxView => VIEWS.some((x) => x.value === v);

/** Who a chat is with; a chat with no contact (started over the runtime API without one) is with a visitor. */
export const contactName = (chat: Pick<InboxChat, 'contact'>) => (chat.contact ? personLabel(chat.contact) : 'Visitor');

/** "14:02" today, "Mon" this week, "3 Dec" before: a list shows when, not a full date. */
export function shortTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const days = (now.getTime() - d.getTime()) / 86_400_000;
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (days < 6) return d.toLocaleDateString(undefined, { weekday: 'short' });
  return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

export const fullTime = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The words of a message; a tool call is shown as a compact line, its input rendered as text (it is model output). */
export function messageText(m: Message): string {
  if (m.role === 'tool') {
    const call = m.parts.find((p) => p.type === 'tool-call');
    const result = m.parts.find((p) => p.type === 'tool-result');
    const input = call && 'input' in call && call.input !== undefined ? JSON.stringify(call.input) : '';
    const failed = result && 'is_error' in result && result.is_error ? ' (refused)' : '';
    return `Tool ${call && 'tool_name' in call ? call.tool_name : 'call'}${failed}${input && input !== '{}' ? `: ${input}` : ''}`;
  }
  return m.parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
}

/** Who wrote a message, as the team reads it. */
export function authorName(m: Message): string {
  switch (m.author) {
    case 'customer':
      return 'Visitor';
    case 'assistant':
      return 'Assistant';
    case 'member':
      return m.member?.name ?? 'Team';
    case 'team':
      return 'Team (API)';
    case 'system':
      return 'Parley';
  }
}

export const CHANNEL_LABEL: Record<Chat['channel']['type'], string> = { API: 'API', WEB: 'Web', CUSTOM: 'Custom' };

/** The state of a chat in a word, for a filled badge (shades dark enough for white text, WCAG AA). */
export function stateLabel(chat: Pick<Chat, 'state'>): { label: string; color: string } {
  const s = chat.state;
  if (s.state === 'CLOSED') return { label: 'Resolved', color: 'gray.7' };
  if (s.state === 'SNOOZED') return { label: 'Snoozed', color: 'violet.8' };
  if (s.handover === 'WAITING') return { label: 'Waiting', color: 'red.9' };
  if (!s.ai_enabled) return { label: 'Human', color: 'blue.8' };
  return { label: 'AI', color: 'teal.9' };
}
