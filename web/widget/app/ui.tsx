import { useEffect, useRef, useState } from 'preact/hooks';
import type { Message } from './api.ts';
import type { Controller, Draft, View } from './controller.ts';
import { t } from './strings.ts';

const text = (m: Message) => m.parts.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
const initial = (name: string) => (name.trim()[0] ?? '?').toUpperCase();

function Avatar({ name, url }: { name: string; url: string | null }) {
  return url ? <img class="avatar" src={url} alt="" /> : <span class="avatar" aria-hidden="true">{initial(name)}</span>;
}

function Bubble({ m, c, v, lang, draft }: { m: Message; c: Controller; v: View; lang: string; draft?: Draft }) {
  if (m.kind === 'csat_request') return <Stars c={c} v={v} lang={lang} prompt={text(m)} />;
  const mine = m.role === 'user';
  const who = mine ? t(lang, 'you') : m.author === 'member' || m.author === 'team' ? (m.member?.name ?? t(lang, 'team')) : (v.assistant?.name ?? '');
  return (
    <div class={`msg ${mine ? 'mine' : 'theirs'}${m.author === 'member' || m.author === 'team' ? ' human' : ''}`} aria-busy={draft?.streaming || undefined}>
      <span class="sr">{who}: </span>
      {!mine && (m.author === 'member' || m.author === 'team') && <span class="who" aria-hidden="true">{who}</span>}
      <div class="text" dir="auto">{draft ? draft.answer || <span class="typing" aria-label={t(lang, 'typing')}>• • •</span> : text(m)}</div>
      {!!m.sources?.length && (
        <ul class="sources" aria-label={t(lang, 'sources')}>
          {/* One entry per item: an answer may draw on several passages of the same page. */}
          {m.sources.filter((s, i, all) => all.findIndex((o) => o.knowledge_id === s.knowledge_id) === i).map((s) => (
            <li key={s.knowledge_id}>{s.url ? <a href={s.url} target="_blank" rel="noopener noreferrer">{s.title || s.url}</a> : <span>{s.title}</span>}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Stars({ c, v, lang, prompt }: { c: Controller; v: View; lang: string; prompt: string }) {
  const rated = v.rated ?? v.state?.csat_score ?? null;
  return (
    <div class="msg theirs csat">
      <div class="text" dir="auto">{prompt || t(lang, 'rate')}</div>
      <div class="stars" role="group" aria-label={t(lang, 'rate')}>
        {[1, 2, 3, 4, 5].map((n) => (
          <button key={n} type="button" class={`star${rated !== null && n <= rated ? ' on' : ''}`} aria-pressed={rated === n} aria-label={t(lang, 'stars', n)} onClick={() => void c.rate(n)}>
            ★
          </button>
        ))}
      </div>
      {rated !== null && <p class="thanks">{t(lang, 'thanks')}</p>}
    </div>
  );
}

/** The open panel: a dialog that keeps focus inside it; Escape closes it. */
function Panel({ c, v, lang, onClose }: { c: Controller; v: View; lang: string; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const log = useRef<HTMLDivElement>(null);
  const [value, setValue] = useState('');
  const a = v.assistant;

  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [v.messages, v.draft]);

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    } else if (e.key === 'Tab') {
      const items = [...(ref.current?.querySelectorAll<HTMLElement>('button:not([disabled]),textarea,a[href]') ?? [])];
      const first = items[0];
      const last = items[items.length - 1];
      const active = (ref.current?.getRootNode() as ShadowRoot).activeElement;
      if (e.shiftKey && active === first) {
        e.preventDefault();
        last?.focus();
      } else if (!e.shiftKey && active === last) {
        e.preventDefault();
        first?.focus();
      }
    }
  };
  const submit = () => {
    const msg = value.trim();
    if (!msg || v.draft?.streaming) return;
    setValue('');
    void c.send(msg).then((sent) => sent || setValue((now) => now || msg));
  };
  const empty = !v.messages.length && !v.draft;
  // A status line while a person has (or is about to take) the chat; not once the chat is resolved.
  const handedOver = (!!v.state?.handover || v.state?.ai_enabled === false) && v.state?.state !== 'CLOSED';

  return (
    <div class="panel" role="dialog" aria-modal="true" aria-labelledby="parley-title" ref={ref} onKeyDown={onKey}>
      <header>
        {a && <Avatar name={a.name} url={a.avatar_url} />}
        <h2 id="parley-title">{a?.name ?? t(lang, 'chat')}</h2>
        {v.chatId && (
          <button type="button" class="icon" aria-label={t(lang, 'restart')} title={t(lang, 'restart')} onClick={() => c.restart()}>
            ↻
          </button>
        )}
        <button type="button" class="icon" aria-label={t(lang, 'close')} title={t(lang, 'close')} onClick={onClose}>
          ✕
        </button>
      </header>
      {v.status === 'error' && v.error && (
        <div class="error" role="alert">
          <p>{v.error.message}</p>
          {v.error.retry && (
            <button type="button" onClick={() => void c.start()}>
              {t(lang, 'retry')}
            </button>
          )}
        </div>
      )}
      {v.status === 'starting' && <p class="status" role="status">{t(lang, 'connecting')}</p>}
      {v.reconnecting && <p class="status" role="status">{t(lang, 'reconnecting')}</p>}
      <div class="log" role="log" aria-live="polite" aria-label={t(lang, 'conversation')} ref={log}>
        {a?.welcome_banner && <div class="banner" dir="auto">{a.welcome_banner}</div>}
        {a?.auto_intro_message && (
          <div class="msg theirs">
            <div class="text" dir="auto">{a.auto_intro_message}</div>
          </div>
        )}
        {v.messages.map((m) => (
          <Bubble key={m.id} m={m} c={c} v={v} lang={lang} />
        ))}
        {v.draft && (
          <div class="msg mine">
            <div class="text" dir="auto">{v.draft.question}</div>
          </div>
        )}
        {v.draft && (v.draft.streaming || v.draft.answer) && (
          <Bubble
            m={{ id: 'draft', chat_id: '', role: 'assistant', author: 'assistant', member: null, kind: null, parts: [], status: 'RUNNING', created_at: '', updated_at: '', sources: v.draft.sources }}
            c={c}
            v={v}
            lang={lang}
            draft={v.draft}
          />
        )}
        {handedOver && <div class="notice">{v.state?.assigned_member ? t(lang, 'assigned', v.state.assigned_member.name) : t(lang, 'waiting')}</div>}
        {v.typing && (
          <div class="msg theirs human is-typing">
            <span class="who">{v.typing.name ?? t(lang, 'team')}</span>
            <div class="text">
              <span class="typing" aria-hidden="true">• • •</span>
              <span class="sr">{t(lang, 'personTyping', v.typing.name ?? t(lang, 'team'))}</span>
            </div>
          </div>
        )}
      </div>
      {v.status === 'ready' && v.error && <p class="error inline" role="alert">{v.error.message}</p>}
      {empty && v.status === 'ready' && !!a?.suggested_messages.length && (
        <div class="suggested" role="group" aria-label={t(lang, 'suggested')}>
          {a.suggested_messages.map((s) => (
            <button key={s} type="button" dir="auto" onClick={() => void c.send(s)}>
              {s}
            </button>
          ))}
        </div>
      )}
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <textarea
          ref={input}
          dir="auto"
          rows={1}
          value={value}
          aria-label={t(lang, 'message')}
          placeholder={t(lang, 'placeholder')}
          disabled={v.status !== 'ready'}
          onInput={(e) => {
            setValue((e.target as HTMLTextAreaElement).value);
            c.composing();
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
        />
        <button type="submit" class="send" aria-label={t(lang, 'send')} disabled={v.status !== 'ready' || !value.trim() || !!v.draft?.streaming}>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M3 20.5l18-8.5L3 3.5l.01 6.6L15 12 3.01 13.9z" /></svg>
        </button>
      </form>
    </div>
  );
}

export function App({ c, lang }: { c: Controller; lang: string }) {
  const [v, setV] = useState(c.view);
  const launcher = useRef<HTMLButtonElement>(null);
  useEffect(() => c.subscribe(() => setV(c.view)), [c]);
  const close = () => {
    c.setOpen(false);
    launcher.current?.focus();
  };
  const unread = c.unread();
  return (
    <div class={`root ${v.assistant?.position ?? 'bottom-right'}${v.open ? ' is-open' : ''}`}>
      {v.open && <Panel c={c} v={v} lang={lang} onClose={close} />}
      <button
        ref={launcher}
        type="button"
        class="launcher"
        aria-label={`${v.open ? t(lang, 'close') : t(lang, 'open')}${unread ? `, ${t(lang, 'unread', unread)}` : ''}`}
        aria-expanded={v.open}
        onClick={() => (v.open ? close() : c.setOpen(true))}
      >
        {v.open ? (
          <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" /></svg>
        ) : (
          <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><path fill="currentColor" d="M12 3C6.5 3 2 6.9 2 11.7c0 2.5 1.2 4.7 3.2 6.3L4.5 21l3.9-1.9c1.1.3 2.3.5 3.6.5 5.5 0 10-3.9 10-8.8S17.5 3 12 3z" /></svg>
        )}
        {unread > 0 && <span class="badge" aria-hidden="true">{unread > 9 ? '9+' : unread}</span>}
      </button>
    </div>
  );
}
