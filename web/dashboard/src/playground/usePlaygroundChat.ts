import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { sseEvents } from './sse';

export interface Turn {
  id: number;
  role: 'user' | 'assistant';
  text: string;
  /** The reply is still arriving. */
  streaming?: boolean;
  sources?: Schemas['Source'][];
  handover?: Schemas['InvokeResponse']['handover'];
  /** Why the reply failed or stopped, as text. */
  error?: string;
}

/**
 * One playground conversation: each message goes to `invoke/stream` with the session cookie (the typed client adds
 * the CSRF header) and the reply is appended token by token; the first reply's `chat_id` carries the follow-ups.
 */
export function usePlaygroundChat(assistantId: string | null) {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [chatId, setChatId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const seq = useRef(0);

  // Leaving the page ends a reply still streaming (the server records what was produced).
  useEffect(() => () => abort.current?.abort(), []);

  const update = (id: number, patch: (t: Turn) => Partial<Turn>) => setTurns((ts) => ts.map((t) => (t.id === id ? { ...t, ...patch(t) } : t)));

  const send = useCallback(
    async (message: string) => {
      if (!assistantId || busy) return;
      const userTurn: Turn = { id: ++seq.current, role: 'user', text: message };
      const reply: Turn = { id: ++seq.current, role: 'assistant', text: '', streaming: true };
      setTurns((ts) => [...ts, userTurn, reply]);
      setBusy(true);
      const controller = new AbortController();
      abort.current = controller;
      let finished = false;
      try {
        const body = await unwrap(
          api.POST('/api/agents/{agentId}/invoke/stream', {
            params: { path: { agentId: assistantId } },
            body: chatId ? { message, chat_id: chatId } : { message },
            parseAs: 'stream',
            signal: controller.signal,
          }),
        );
        if (!body) throw new Error('the server sent no stream');
        for await (const event of sseEvents(body)) {
          if (event.type === 'metadata') setChatId(event.data.chat_id);
          else if (event.type === 'token') update(reply.id, (t) => ({ text: t.text + event.content }));
          else if (event.type === 'done') {
            finished = true;
            setChatId(event.data.chat_id);
            update(reply.id, () => ({ text: event.data.response, sources: event.data.sources, handover: event.data.handover, streaming: false }));
          } else if (event.type === 'error') {
            finished = true;
            update(reply.id, () => ({ error: event.content, streaming: false }));
          }
        }
        if (!finished) update(reply.id, () => ({ error: 'The reply ended before it was complete.', streaming: false }));
      } catch (e) {
        const stopped = controller.signal.aborted;
        update(reply.id, () => ({ streaming: false, error: stopped ? 'Stopped.' : e instanceof Error ? e.message : String(e) }));
      } finally {
        abort.current = null;
        setBusy(false);
      }
    },
    [assistantId, busy, chatId],
  );

  const stop = useCallback(() => abort.current?.abort(), []);
  const reset = useCallback(() => {
    abort.current?.abort();
    setTurns([]);
    setChatId(null);
  }, []);

  return { turns, chatId, busy, send, stop, reset };
}
