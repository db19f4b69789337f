import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { chatKey, inboxKey, type Chat } from './queries';

type StatePatch = Schemas['UpdateChatState'];

/**
 * The moves on one chat. Each answers the updated chat or message; the live stream would refresh the screens
 * anyway, but refreshing here makes the agent's own click show at once, even with the stream down.
 */
export function useChatActions(orgId: string, chatId: string) {
  const client = useQueryClient();
  const refresh = () => {
    void client.invalidateQueries({ queryKey: chatKey(chatId) });
    void client.invalidateQueries({ queryKey: inboxKey(orgId) });
  };
  const path = { params: { path: { chat_id: chatId } } };

  const patch = useMutation({
    mutationFn: (body: StatePatch) => unwrap(api.PATCH('/chats/{chat_id}/state', { ...path, body })),
    onSuccess: (chat) => client.setQueryData<Chat>([...chatKey(chatId), 'chat'], chat),
    onSettled: refresh,
  });
  const assign = useMutation({
    mutationFn: (memberId: string | null) => unwrap(api.PATCH('/chats/{chat_id}/state/assign', { ...path, body: { member_id: memberId } })),
    // Assigning answers the state alone.
    onSuccess: (state) => client.setQueryData<Chat>([...chatKey(chatId), 'chat'], (c) => c && { ...c, state }),
    onSettled: refresh,
  });
  const send = useMutation({
    mutationFn: ({ text, role }: { text: string; role: 'assistant' | 'note' }) =>
      unwrap(api.POST('/chats/{chat_id}/messages', { ...path, body: { role, message: [{ type: 'text', text }] } })),
    onSettled: refresh,
  });

  // A failure stays in the mutation's state and is shown as the server's text; callers only learn whether it worked.
  const ok = (p: Promise<unknown>) => p.then(() => true, () => false);

  return {
    takeOver: () => ok(patch.mutateAsync({ ai_enabled: false })),
    handBack: () => ok(patch.mutateAsync({ ai_enabled: true })),
    resolve: () => ok(patch.mutateAsync({ state: 'CLOSED' })),
    reopen: () => ok(patch.mutateAsync({ state: 'OPEN' })),
    snooze: (until: Date) => ok(patch.mutateAsync({ state: 'SNOOZED', snoozed_until: until.toISOString() })),
    assign: (memberId: string | null) => ok(assign.mutateAsync(memberId)),
    send: (text: string, role: 'assistant' | 'note') => ok(send.mutateAsync({ text, role })),
    busy: patch.isPending || assign.isPending,
    sending: send.isPending,
    error: patch.error ?? assign.error ?? send.error,
    clearError: () => {
      patch.reset();
      assign.reset();
      send.reset();
    },
  };
}

export type ChatActions = ReturnType<typeof useChatActions>;

/** Opening a chat with unseen customer messages marks them seen; so does one arriving while it is open. */
export function useMarkSeen(orgId: string, chat: Chat | undefined) {
  const client = useQueryClient();
  const inFlight = useRef<string | null>(null);
  const unseen = chat?.state.admin_unseen_count ?? 0;
  useEffect(() => {
    if (!chat || unseen === 0 || inFlight.current === chat.id) return;
    inFlight.current = chat.id;
    api
      .POST('/chats/{chat_id}/state/seen', { params: { path: { chat_id: chat.id } } })
      .then(() => {
        void client.invalidateQueries({ queryKey: inboxKey(orgId) });
        void client.invalidateQueries({ queryKey: [...chatKey(chat.id), 'chat'] });
      })
      .finally(() => (inFlight.current = null));
  }, [chat, unseen, client, orgId]);
}

const TYPING_EVERY_MS = 3000;

/**
 * Tells the visitor and the team that a reply is being written: at most one signal every 3 s while the draft
 * changes, and a stop when it is sent or cleared. Never for notes: the customer must not see a note being written.
 */
export function useTypingSignal(chatId: string) {
  const last = useRef(0);
  const post = (typing: boolean) =>
    void api.POST('/chats/{chat_id}/typing', { params: { path: { chat_id: chatId } }, body: { typing } }).catch(() => {});
  useEffect(() => () => {
    if (last.current) post(false);
    last.current = 0;
  }, [chatId]);
  return {
    changed(draft: string, mode: 'reply' | 'note') {
      const now = Date.now();
      if (mode === 'reply' && draft.trim() && now - last.current >= TYPING_EVERY_MS) {
        last.current = now;
        post(true);
      } else if ((!draft.trim() || mode === 'note') && last.current) {
        last.current = 0;
        post(false);
      }
    },
    stopped() {
      last.current = 0;
    },
  };
}
