// The visitor API (/widget/v1/...) over fetch: JSON calls, and Server-Sent Events read from a fetch body so the
// visitor token can travel in the Authorization header (EventSource cannot send headers).

export interface Source { knowledge_id: string; title: string; url: string | null; snippet: string }
export interface Part { type: string; text?: string }
export interface Message {
  id: string;
  chat_id: string;
  role: 'user' | 'assistant';
  author: 'customer' | 'assistant' | 'member' | 'team' | 'system';
  member: { id: string; name: string } | null;
  kind: 'csat_request' | null;
  parts: Part[];
  status: string;
  created_at: string;
  /** Filled in by the widget from the streamed reply's `done` event. */
  sources?: Source[];
}
export interface ChatState {
  chat_id: string;
  state: 'OPEN' | 'SNOOZED' | 'CLOSED';
  ai_enabled: boolean;
  handover: { state: string; assigned_member?: { name: string } | null } | null;
  assigned_member: { id: string; name: string } | null;
  user_unseen_count: number;
  csat_score: number | null;
}
export interface Chat { id: string; state: ChatState; last_message: Message | null }
export interface Assistant {
  id: string;
  name: string;
  avatar_url: string | null;
  welcome_banner: string;
  suggested_messages: string[];
  auto_intro_message: string;
  enable_auto_csat: boolean;
  appearance: 'auto' | 'light' | 'dark';
  button_background_color: string;
  button_color: string;
  position: 'bottom-right' | 'bottom-left';
}
export interface Session { visitor_token: string; visitor_id: string; user_id: string | null; assistant: Assistant }
export interface SessionInput { assistant_id: string; visitor_token?: string; user_id?: string; user_hash?: string; user_name?: string; user_email?: string }
export interface SseFrame { id?: string; event?: string; data: string }

/** An HTTP failure with the server's own message (`{message}`), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function createApi(base: string, token: () => string | undefined) {
  const headers = (json: boolean): Record<string, string> => {
    const h: Record<string, string> = {};
    const t = token();
    if (t) h.authorization = `Bearer ${t}`;
    if (json) h['content-type'] = 'application/json';
    return h;
  };
  const request = async (method: string, path: string, body?: unknown, signal?: AbortSignal, extra?: Record<string, string>): Promise<Response> => {
    let res: Response;
    try {
      res = await fetch(base + path, { method, headers: { ...headers(body !== undefined), ...extra }, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new ApiError(0, 'You seem to be offline: Parley could not be reached.');
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let message = `The server answered ${res.status}.`;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        /* not JSON: keep the status line */
      }
      throw new ApiError(res.status, message);
    }
    return res;
  };
  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => (await request(method, path, body)).json() as Promise<T>;
  return {
    session: (input: SessionInput) => json<Session>('POST', '/widget/v1/sessions', input),
    chats: () => json<Chat[]>('GET', '/widget/v1/chats?take=1'),
    messages: (chatId: string) => json<Message[]>('GET', `/widget/v1/chats/${encodeURIComponent(chatId)}/messages?take=100`),
    seen: (chatId: string) => json<ChatState>('POST', `/widget/v1/chats/${encodeURIComponent(chatId)}/seen`),
    typing: (chatId: string, typing: boolean) => json<unknown>('POST', `/widget/v1/chats/${encodeURIComponent(chatId)}/typing`, { typing }),
    rate: (chatId: string, score: number) => json<ChatState>('POST', `/widget/v1/chats/${encodeURIComponent(chatId)}/rating`, { score }),
    /** POST a message; each SSE frame of the streamed reply goes to `onFrame`. */
    send: async (body: { message: string; chat_id?: string }, onFrame: (f: SseFrame) => void, signal?: AbortSignal) =>
      readSse(await request('POST', '/widget/v1/messages', body, signal), onFrame),
    /** GET a chat's live stream from `after`; resolves when the stream ends. */
    /** `onOpen` runs when the response starts: the server is subscribed by then, so a read made after it misses nothing. */
    follow: async (chatId: string, after: string | undefined, onFrame: (f: SseFrame) => void, signal: AbortSignal, onOpen?: () => void) => {
      const path = `/widget/v1/chats/${encodeURIComponent(chatId)}/stream`;
      const res = await request('GET', path, undefined, signal, after ? { 'last-event-id': after } : undefined);
      onOpen?.();
      await readSse(res, onFrame);
    },
  };
}
export type Api = ReturnType<typeof createApi>;

/** Splits an event-stream body into frames (`id:`, `event:`, `data:` lines; comments and heartbeats skipped). */
export async function readSse(res: Response, onFrame: (f: SseFrame) => void): Promise<void> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
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
