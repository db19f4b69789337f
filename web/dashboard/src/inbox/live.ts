import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Schemas } from '../api/client';
import { chatKey, inboxKey } from './queries';
import type { TypingStore } from './typing';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

type Frame = Schemas['InboxEvent'];

/** Recorded event types the inbox stream sends (SSE needs a listener per named event). */
const EVENT_TYPES = ['chat.created', 'chat.updated', 'chat.deleted', 'chat.memory.created', 'message.created', 'message.updated', 'message.deleted', 'typing'];

/**
 * Turns frames into refetches. Events carry ids, not records, so the affected queries are invalidated; a burst (a
 * reply writes several events) is folded into one refetch per query.
 */
function frameHandler(client: QueryClient, orgId: string, typing: TypingStore) {
  const chats = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    void client.invalidateQueries({ queryKey: inboxKey(orgId) });
    for (const id of chats) void client.invalidateQueries({ queryKey: chatKey(id) });
    chats.clear();
  };
  return (frame: Frame) => {
    if (frame.type === 'typing' && 'chat_id' in frame.data && 'by' in frame.data) {
      typing.signal(frame.data as Schemas['TypingSignal']);
      return;
    }
    const chatId = typeof frame.data.chat_id === 'string' ? frame.data.chat_id : undefined;
    if (chatId) {
      chats.add(chatId);
      if (frame.type === 'message.created') typing.wrote(chatId, frame.data.role === 'user' ? 'customer' : 'member');
    }
    timer ??= setTimeout(flush, 120);
  };
}

const backoff = (attempt: number) => Math.min(10_000, 500 * 2 ** attempt);

/**
 * Follows the org's inbox over a WebSocket (the session cookie authenticates it), resuming after the last cursor
 * on reconnect; when the WebSocket cannot open at all (a proxy that refuses upgrades), falls back to Server-Sent
 * Events, whose EventSource reconnects with Last-Event-ID by itself.
 */
export function useInboxLive(orgId: string, typing: TypingStore): LiveStatus {
  const client = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');

  useEffect(() => {
    const handle = frameHandler(client, orgId, typing);
    let cursor: string | undefined;
    let stopped = false;
    let socket: WebSocket | undefined;
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let everOpened = false;

    const receive = (raw: string) => {
      let frame: Frame;
      try {
        frame = JSON.parse(raw) as Frame;
      } catch {
        return;
      }
      if ('cursor' in frame && frame.cursor) cursor = frame.cursor;
      handle(frame);
    };
    const query = () => (cursor ? `?after=${encodeURIComponent(cursor)}` : '');
    // Whatever happened while disconnected is replayed after the cursor; without one, a refetch catches up.
    const catchUp = () => void client.invalidateQueries({ queryKey: inboxKey(orgId) });

    const openSse = () => {
      source = new EventSource(`/orgs/${encodeURIComponent(orgId)}/inbox/stream${query()}`, { withCredentials: true });
      source.onopen = () => setStatus('live');
      source.onerror = () => setStatus('reconnecting');
      for (const type of EVENT_TYPES) source.addEventListener(type, (e) => receive((e as MessageEvent<string>).data));
    };

    const openWs = () => {
      const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
      const ws = new WebSocket(`${scheme}://${window.location.host}/orgs/${encodeURIComponent(orgId)}/inbox/ws${query()}`);
      socket = ws;
      ws.onopen = () => {
        if (everOpened || attempt > 0) catchUp();
        everOpened = true;
        attempt = 0;
        setStatus('live');
      };
      ws.onmessage = (e) => receive(String(e.data));
      ws.onclose = () => {
        if (stopped) return;
        setStatus('reconnecting');
        if (!everOpened && attempt >= 2) return openSse();
        retry = setTimeout(openWs, backoff(attempt++));
      };
    };

    openWs();
    return () => {
      stopped = true;
      clearTimeout(retry);
      socket?.close();
      source?.close();
    };
  }, [client, orgId, typing]);

  return status;
}
