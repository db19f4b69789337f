import { useSyncExternalStore } from 'react';
import type { Schemas } from '../api/client';

type Signal = Schemas['TypingSignal'];

/** Who is typing in a chat right now: the visitor, or a member of the team (by name). */
export interface Typist {
  by: Signal['by'];
  memberId: string | null;
  name: string | null;
  until: number;
}

/**
 * Typing signals of the inbox stream, per chat. They are not recorded, so this is the only place they live: each
 * one ends when `typing: false` arrives, a message from that person arrives, or its `expires_in_seconds` pass.
 */
export class TypingStore {
  private chats = new Map<string, Typist[]>();
  private listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly ignoreMemberId: () => string | undefined) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  of = (chatId: string): Typist[] | undefined => this.chats.get(chatId);

  signal(s: Signal) {
    const memberId = s.member?.id ?? null;
    // Our own typing comes back on the stream too; nobody needs to be told they are typing.
    if (s.by === 'member' && memberId && memberId === this.ignoreMemberId()) return;
    const others = (this.chats.get(s.chat_id) ?? []).filter((t) => !(t.by === s.by && t.memberId === memberId));
    const next = s.typing ? [...others, { by: s.by, memberId, name: s.member?.name ?? null, until: Date.now() + s.expires_in_seconds * 1000 }] : others;
    this.set(s.chat_id, next);
  }

  /** A message arrived: whoever wrote it has stopped typing. */
  wrote(chatId: string, by: Signal['by'] | 'any') {
    const list = this.chats.get(chatId);
    if (list) this.set(chatId, by === 'any' ? [] : list.filter((t) => t.by !== by));
  }

  private set(chatId: string, list: Typist[]) {
    if (list.length) this.chats.set(chatId, list);
    else this.chats.delete(chatId);
    this.emit();
    this.schedule();
  }

  private schedule() {
    clearTimeout(this.timer);
    const next = Math.min(...[...this.chats.values()].flat().map((t) => t.until));
    if (Number.isFinite(next)) this.timer = setTimeout(() => this.expire(), Math.max(50, next - Date.now()));
  }

  private expire() {
    const now = Date.now();
    for (const [chatId, list] of this.chats) {
      const alive = list.filter((t) => t.until > now);
      if (alive.length !== list.length) {
        if (alive.length) this.chats.set(chatId, alive);
        else this.chats.delete(chatId);
      }
    }
    this.emit();
    this.schedule();
  }

  private emit() {
    for (const l of this.listeners) l();
  }
}

/** The people typing in a chat, re-rendering when that changes. */
export function useTypists(store: TypingStore, chatId: string | undefined): Typist[] {
  return useSyncExternalStore(store.subscribe, () => (chatId ? store.of(chatId) : undefined)) ?? [];
}

/** "Visitor 4kQz is typing…" (`customer`: the chat's person, as the thread names them), "Ana is typing…", or null. */
export function typingLine(typists: Typist[], customer = 'Visitor'): string | null {
  if (!typists.length) return null;
  const names = typists.map((t) => (t.by === 'customer' ? customer : (t.name ?? 'Someone of the team')));
  return `${[...new Set(names)].join(' and ')} ${names.length > 1 ? 'are' : 'is'} typing…`;
}
