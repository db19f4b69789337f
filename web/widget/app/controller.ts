import { type Api, ApiError, type Assistant, type ChatState, createApi, type LiveEvent, type Message, type SessionInput, type SseFrame, type Source, type StreamEvent } from './api.ts';

export interface Options {
  base: string;
  assistantId: string;
  userId?: string;
  userHash?: string;
  userName?: string;
  userEmail?: string;
}

/** A reply being written: the visitor's message and the streamed text, until the chat's own messages replace them. */
export interface Draft { question: string; answer: string; streaming: boolean; sources: Source[] }

export interface View {
  status: 'starting' | 'ready' | 'error';
  /** What went wrong, in words for the visitor; `retry` says whether trying again may help. */
  error: { message: string; retry: boolean } | null;
  assistant: Assistant | null;
  chatId: string | null;
  messages: Message[];
  state: ChatState | null;
  draft: Draft | null;
  open: boolean;
  /** The live stream is down and reconnecting. */
  reconnecting: boolean;
  rated: number | null;
  /** A person of the team is typing a reply (their name, or null for "the team"). */
  typing: { name: string | null } | null;
}

type Listener = (name: string, payload?: unknown) => void;
const MAX_BACKOFF_MS = 15_000;

/** The widget's state and its conversation with the server; the components only render it and call its methods. */
export class Controller {
  view: View = { status: 'starting', error: null, assistant: null, chatId: null, messages: [], state: null, draft: null, open: false, reconnecting: false, rated: null, typing: null };
  private token: string | undefined;
  private api: Api;
  private follow: AbortController | null = null;
  private cursor: string | undefined;
  private sources = new Map<string, Source[]>();
  private subs = new Set<() => void>();
  private listeners = new Map<string, Set<Listener>>();
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private typingSentAt = 0;

  constructor(private opts: Options) {
    this.api = createApi(opts.base, () => this.token);
    this.token = this.load('token') ?? undefined;
  }

  private key = (what: string) => `parley.${this.opts.assistantId}.${what}`;
  private load(what: string): string | null {
    try {
      return localStorage.getItem(this.key(what));
    } catch {
      return null;
    }
  }
  private store(what: string, value: string | null) {
    try {
      if (value === null) localStorage.removeItem(this.key(what));
      else localStorage.setItem(this.key(what), value);
    } catch {
      /* storage blocked (private mode): the conversation lasts as long as the page */
    }
  }

  subscribe(fn: () => void): () => void {
    this.subs.add(fn);
    return () => this.subs.delete(fn);
  }
  on(name: string, fn: Listener) {
    if (!this.listeners.has(name)) this.listeners.set(name, new Set());
    this.listeners.get(name)!.add(fn);
  }
  private emit(name: string, payload?: unknown) {
    for (const fn of this.listeners.get(name) ?? []) {
      try {
        fn(name, payload);
      } catch (err) {
        console.error(err);
      }
    }
  }
  private set(patch: Partial<View>) {
    this.view = { ...this.view, ...patch };
    for (const fn of this.subs) fn();
  }
  private fail(err: unknown) {
    if (err instanceof DOMException && err.name === 'AbortError') return;
    const e = err instanceof ApiError ? err : new ApiError(0, 'Something went wrong.');
    // 403/404: this page or this visitor may not chat (not allowed origin, wrong identity, widget off): retrying will not help.
    this.set({ status: 'error', error: { message: e.message, retry: e.status === 0 || e.status >= 429 } });
  }

  /** Starts (or renews) the visitor session and finds the conversation this browser was having. */
  async start(): Promise<void> {
    this.set({ status: 'starting', error: null });
    const o = this.opts;
    const input: SessionInput = { assistant_id: o.assistantId, visitor_token: this.token, user_id: o.userId, user_hash: o.userHash, user_name: o.userName, user_email: o.userEmail };
    try {
      let session;
      try {
        session = await this.api.session(input);
      } catch (err) {
        // An expired or foreign token: start over as a new visitor rather than failing.
        if (!(err instanceof ApiError && err.status === 401 && this.token)) throw err;
        this.token = undefined;
        session = await this.api.session({ ...input, visitor_token: undefined });
      }
      this.token = session.visitor_token;
      this.store('token', this.token);
      const recent = (await this.api.chats())[0];
      let chatId = this.load('chat');
      if (chatId === null) chatId = recent?.id ?? '';
      this.set({ assistant: session.assistant, status: 'ready', state: recent && recent.id === chatId ? recent.state : null });
      if (chatId) await this.openChat(chatId);
    } catch (err) {
      this.fail(err);
    }
  }

  private async openChat(chatId: string) {
    this.store('chat', chatId);
    this.set({ chatId });
    try {
      const messages = await this.api.messages(chatId);
      this.set({ messages: this.withSources(messages) });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        this.store('chat', '');
        this.set({ chatId: null, messages: [] });
        return;
      }
      throw err;
    }
    this.listen(chatId);
  }

  private withSources(ms: Message[]): Message[] {
    return ms.map((m) => (this.sources.has(m.id) ? { ...m, sources: this.sources.get(m.id) } : m));
  }

  /** Follows the chat's live stream, resuming after the last cursor with growing pauses when it drops. */
  private listen(chatId: string) {
    this.follow?.abort();
    const ctl = new AbortController();
    this.follow = ctl;
    this.cursor = undefined;
    let failures = 0;
    const loop = async () => {
      while (!ctl.signal.aborted) {
        try {
          const resumed = this.cursor !== undefined;
          await this.api.follow(
            chatId,
            this.cursor,
            (f) => {
              failures = 0;
              if (this.view.reconnecting) this.set({ reconnecting: false });
              this.onLive(f);
            },
            ctl.signal,
            // Without a cursor the stream starts now: read the chat once more, so a reply posted between the first
            // read and the subscription is not missed.
            () => void (resumed ? undefined : this.catchUp(chatId)),
          );
        } catch (err) {
          if (ctl.signal.aborted) return;
          if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return this.fail(err);
        }
        if (ctl.signal.aborted) return;
        failures++;
        this.set({ reconnecting: true });
        await new Promise((r) => setTimeout(r, Math.min(MAX_BACKOFF_MS, 500 * 2 ** failures)));
      }
    };
    void loop();
  }

  private async catchUp(chatId: string) {
    const fetched = await this.api.messages(chatId).catch(() => null);
    if (!fetched || this.view.chatId !== chatId || this.view.draft) return;
    const known = new Set(fetched.map((m) => m.id));
    const later = this.view.messages.filter((m) => !known.has(m.id));
    this.set({ messages: this.withSources([...fetched, ...later]) });
  }

  private onLive(f: SseFrame) {
    if (f.id) this.cursor = f.id;
    let frame: LiveEvent;
    try {
      frame = JSON.parse(f.data);
    } catch {
      return;
    }
    if (frame.type === 'typing') return this.showTyping(frame.data.typing ? (frame.data.member?.name ?? null) : undefined, frame.data.expires_in_seconds);
    const { message, message_id, state } = frame.data;
    if (message && (message.author === 'member' || message.author === 'team')) this.showTyping(undefined, 0);
    if ((frame.type === 'message.created' || frame.type === 'message.updated') && message) {
      // The visitor's own turn and its streamed reply are on screen as the draft; settle() swaps in the stored ones.
      if (this.view.draft && (message.author === 'customer' || message.author === 'assistant')) return;
      const known = this.view.messages.some((m) => m.id === message.id);
      const messages = known ? this.view.messages.map((m) => (m.id === message.id ? { ...m, ...message } : m)) : [...this.view.messages, message];
      this.set({ messages: this.withSources(messages) });
      if (!known && message.role === 'assistant') {
        this.emit('message', message);
        if (this.view.open && this.view.chatId) void this.api.seen(this.view.chatId).catch(() => undefined);
      }
    } else if (frame.type === 'message.deleted' && message_id) {
      this.set({ messages: this.view.messages.filter((m) => m.id !== message_id) });
    } else if (frame.type === 'chat.updated' && state) {
      this.set({ state, rated: state.csat_score ?? this.view.rated });
    }
  }

  /** "Ana is typing…" until they stop, send, or the signal lapses; `undefined` clears it. */
  private showTyping(name: string | null | undefined, seconds: number) {
    clearTimeout(this.typingTimer);
    if (name === undefined) return this.view.typing && this.set({ typing: null });
    this.set({ typing: { name } });
    this.typingTimer = setTimeout(() => this.set({ typing: null }), seconds * 1000);
  }

  /**
   * The visitor types: tell the team, at most every few seconds, and only once a person has the chat (while the
   * assistant answers alone nobody watches, so the signal would only cost requests).
   */
  composing() {
    const chatId = this.view.chatId;
    if (!chatId || this.view.state?.ai_enabled !== false || Date.now() - this.typingSentAt < 4000) return;
    this.typingSentAt = Date.now();
    void this.api.typing(chatId, true).catch(() => undefined);
  }

  /**
   * Sends the visitor's message and streams the reply token by token. Resolves false when the message could not be
   * sent (the composer keeps it for another try).
   */
  async send(text: string): Promise<boolean> {
    const message = text.trim();
    if (!message || this.view.draft?.streaming) return false;
    if (!this.token) await this.start();
    if (this.view.status !== 'ready') return false;
    const draft = (patch: Partial<Draft>) => this.set({ draft: { question: message, answer: '', streaming: true, sources: [], ...this.view.draft, ...patch } });
    this.set({ draft: null, error: null });
    this.typingSentAt = 0;
    draft({});
    let chatId = this.view.chatId ?? undefined;
    const fresh = !chatId;
    let failed: string | null = null;
    try {
      await this.api.send({ message, chat_id: chatId }, (f) => {
        const ev = JSON.parse(f.data) as StreamEvent;
        if (ev.type === 'metadata' && !chatId) {
          chatId = ev.data.chat_id;
          this.store('chat', chatId);
          this.set({ chatId, messages: [] });
        } else if (ev.type === 'token') {
          draft({ answer: this.view.draft!.answer + ev.content });
        } else if (ev.type === 'done') {
          draft({ answer: ev.data.response || this.view.draft!.answer, sources: ev.data.sources });
          // A person takes over: say so now; the chat's live stream keeps the state current from here on.
          const h = ev.data.handover;
          const base: ChatState = this.view.state ?? { chat_id: ev.data.chat_id, state: 'OPEN', ai_enabled: true, handover: null, assigned_member: null, user_unseen_count: 0, csat_score: null };
          if (h) this.set({ state: { ...base, ai_enabled: false, handover: h.state, assigned_member: h.assigned_member } });
        } else if (ev.type === 'error') {
          failed = ev.content;
        }
      });
    } catch (err) {
      this.set({ draft: null });
      this.fail(err);
      return false;
    }
    draft({ streaming: false });
    if (failed) this.set({ error: { message: `The assistant could not answer: ${failed}`, retry: false } });
    if (chatId) await this.settle(chatId, fresh);
    return true;
  }

  /**
   * Replaces the finished draft with the chat's stored messages. The reply is stored just after the stream ends, so a
   * new chat may answer 404 for a moment: retry a few times; until then the draft stays on screen.
   */
  private async settle(chatId: string, fresh: boolean) {
    const sources = this.view.draft?.sources ?? [];
    for (let attempt = 0; attempt < 6; attempt++) {
      try {
        const messages = await this.api.messages(chatId);
        const last = [...messages].reverse().find((m) => m.role === 'assistant' && m.author === 'assistant');
        if (last && sources.length) this.sources.set(last.id, sources);
        if (last && !this.view.messages.some((m) => m.id === last.id)) this.emit('message', { ...last, sources });
        if (this.view.chatId !== chatId) return;
        const recent = (await this.api.chats().catch(() => []))[0];
        this.set({ messages: this.withSources(messages), draft: null, ...(recent?.id === chatId ? { state: recent.state } : {}) });
        if (fresh || !this.follow) this.listen(chatId);
        return;
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 404)) break;
        await new Promise((r) => setTimeout(r, 150 * 2 ** attempt));
      }
    }
    if (fresh) this.listen(chatId);
  }

  async rate(score: number) {
    if (!this.view.chatId) return;
    try {
      const state = await this.api.rate(this.view.chatId, score);
      this.set({ state, rated: score });
    } catch (err) {
      this.fail(err);
    }
  }

  /** A new conversation; the old one stays on the server. */
  restart() {
    this.follow?.abort();
    this.store('chat', '');
    this.set({ chatId: null, messages: [], state: null, draft: null, rated: null, error: null });
  }

  setOpen(open: boolean) {
    if (open === this.view.open) return;
    this.set({ open });
    this.emit(open ? 'open' : 'close');
    if (open && this.view.chatId && (this.view.state?.user_unseen_count ?? 0) > 0) {
      void this.api.seen(this.view.chatId).then((state) => this.set({ state }), () => undefined);
    }
  }

  identify(user: { userId: string; userHash: string; name?: string; email?: string }) {
    Object.assign(this.opts, { userId: user.userId, userHash: user.userHash, userName: user.name, userEmail: user.email });
    return this.start();
  }

  /** Forgets this visitor (sign-out): a new anonymous visitor with no conversation. */
  reset() {
    this.follow?.abort();
    this.token = undefined;
    this.store('token', null);
    this.store('chat', null);
    Object.assign(this.opts, { userId: undefined, userHash: undefined, userName: undefined, userEmail: undefined });
    this.set({ chatId: null, messages: [], state: null, draft: null, rated: null });
    return this.start();
  }

  /** The unread badge: replies the visitor has not seen (from the chat state), none while the panel is open. */
  unread(): number {
    return this.view.open ? 0 : (this.view.state?.user_unseen_count ?? 0);
  }
}
