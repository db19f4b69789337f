// The visitor API (/widget/v1/...) through openapi-fetch and the types generated from Parley's OpenAPI document
// (web/generated/openapi.d.ts, written by the dashboard build), so a change of the API that the widget does not follow
// fails its type-check. Server-Sent Events are read from a fetch body so the visitor token can travel in the
// Authorization header (EventSource cannot send headers).
import createClient from 'openapi-fetch';
import type { components, paths } from '../../generated/openapi';

type S = components['schemas'];
export type Source = S['Source'];
/** A message as the visitor sees it; `sources` is filled in by the widget from the streamed reply's `done` event. */
export type Message = S['CustomerMessage'] & { sources?: Source[] };
export type ChatState = S['CustomerChatState'];
export type Chat = S['WidgetChat'];
export type Assistant = S['WidgetAssistant'];
export type Session = S['WidgetSession'];
export type SessionInput = S['WidgetSessionRequest'];
/** One event of a streamed reply (`metadata`, `token`, `done`, `error`). */
export type StreamEvent = S['StreamEvent'];
/** One frame of a chat's live stream (a recorded change, or someone of the team typing). */
export type LiveEvent = S['ChatLiveEvent'];
export interface SseFrame { id?: string; event?: string; data: string }

/** An HTTP failure with the server's own message (`{message}`), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const OFFLINE = 'You seem to be offline: Parley could not be reached.';

export function createApi(base: string, token: () => string | undefined) {
  const client = createClient<paths>({ baseUrl: base });
  client.use({
    onRequest({ request }) {
      const t = token();
      if (t) request.headers.set('authorization', `Bearer ${t}`);
      return request;
    },
  });

  /** The data of a call, or an ApiError with the server's message (status 0 when the network failed). */
  async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>, signal?: AbortSignal): Promise<T> {
    let r: { data?: T; error?: unknown; response: Response };
    try {
      r = await call;
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new ApiError(0, OFFLINE);
    }
    if (r.response.ok && r.data !== undefined) return r.data;
    const message = (r.error as { message?: unknown } | undefined)?.message;
    throw new ApiError(r.response.status, typeof message === 'string' ? message : `The server answered ${r.response.status}.`);
  }
  const chat = (chatId: string) => ({ params: { path: { chat_id: chatId } } });

  return {
    session: (input: SessionInput) => unwrap(client.POST('/widget/v1/sessions', { body: input })),
    chats: () => unwrap(client.GET('/widget/v1/chats', { params: { query: { take: 1 } } })),
    messages: (chatId: string): Promise<Message[]> => unwrap(client.GET('/widget/v1/chats/{chat_id}/messages', { params: { path: { chat_id: chatId }, query: { take: 100 } } })),
    seen: (chatId: string) => unwrap(client.POST('/widget/v1/chats/{chat_id}/seen', chat(chatId))),
    typing: (chatId: string, typing: boolean) => unwrap(client.POST('/widget/v1/chats/{chat_id}/typing', { ...chat(chatId), body: { typing } })),
    rate: (chatId: string, score: number) => unwrap(client.POST('/widget/v1/chats/{chat_id}/rating', { ...chat(chatId), body: { score } })),
    /** POST a message; each SSE frame of the streamed reply goes to `onFrame`. */
    send: async (body: { message: string; chat_id?: string }, onFrame: (f: SseFrame) => void, signal?: AbortSignal) => {
      const res = await unwrap(client.POST('/widget/v1/messages', { body, parseAs: 'stream', signal }), signal);
      await readSse(res, onFrame);
    },
    /** GET a chat's live stream from `after`; `onOpen` runs when the response starts: the server is subscribed by
     * then, so a read made after it misses nothing. Resolves when the stream ends. */
    follow: async (chatId: string, after: string | undefined, onFrame: (f: SseFrame) => void, signal: AbortSignal, onOpen?: () => void) => {
      const res = await unwrap(
        client.GET('/widget/v1/chats/{chat_id}/stream', { ...chat(chatId), headers: after ? { 'last-event-id': after } : {}, parseAs: 'stream', signal }),
        signal,
      );
      onOpen?.();
      await readSse(res, onFrame);
    },
  };
}
export type Api = ReturnType<typeof createApi>;

/** Splits an event-stream body into frames (`id:`, `event:`, `data:` lines; comments and heartbeats skipped). */
export async function readSse(body: ReadableStream<Uint8Array<ArrayBuffer>> | Response | null, onFrame: (f: SseFrame) => void): Promise<void> {
  const stream = body instanceof Response ? body.body : body;
  if (!stream) return;
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value.replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      const frame: SseFrame = { data: '' };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        const i = line.indexOf(':');
        if (i === 0) continue;
        const field = i < 0 ? line : line.slice(0, i);
        const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
        if (field === 'data') data.push(val);
        else if (field === 'id') frame.id = val;
        else if (field === 'event') frame.event = val;
      }
      if (data.length) onFrame({ ...frame, data: data.join('\n') });
    }
  }
}
