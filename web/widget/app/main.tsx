import { render } from 'preact';
import { Controller } from './controller.ts';
import { isRtl } from './strings.ts';
import { App } from './ui.tsx';
import css from './styles.css';

interface Loader {
  _q: [string, unknown[]][];
  _hosts: HTMLElement[];
  _base: string;
  _mount?: (host: HTMLElement) => void;
  [method: string]: unknown;
}

const w = window as unknown as { Parley: Loader };
const P = w.Parley;
let current: Controller | null = null;
const HEX = /^#[0-9a-fA-F]{3,8}$/;

/** Renders the widget into the shadow root the loader attached to `host` (a <parley-assistant> element). */
function mount(host: HTMLElement) {
  const attr = (name: string) => host.getAttribute(name) ?? undefined;
  const assistantId = attr('assistant-id');
  const root = host.shadowRoot!;
  if (!assistantId) {
    console.error('Parley widget: the assistant-id attribute (or data-assistant-id) is missing.');
    return;
  }
  const locale = attr('locale') || document.documentElement.lang || navigator.language || 'en';
  const c = new Controller({ base: P._base, assistantId, userId: attr('user-id'), userHash: attr('user-hash'), userName: attr('user-name'), userEmail: attr('user-email') });
  current = c;
  const style = document.createElement('style');
  style.textContent = css;
  const el = document.createElement('div');
  el.lang = locale;
  el.dir = isRtl(locale) ? 'rtl' : 'ltr';
  root.append(style, el);

  // Page attributes win over the assistant's settings; colours only when they are colours.
  const theme = () => {
    const a = c.view.assistant;
    const appearance = attr('theme-appearance') ?? a?.appearance ?? 'auto';
    const dark = appearance === 'dark' || (appearance === 'auto' && matchMedia('(prefers-color-scheme: dark)').matches);
    el.className = `theme ${dark ? 'dark' : 'light'}`;
    const bg = attr('theme-button-background-color') ?? a?.button_background_color;
    const fg = attr('theme-button-color') ?? a?.button_color;
    if (bg && HEX.test(bg)) el.style.setProperty('--accent', bg);
    if (fg && HEX.test(fg)) el.style.setProperty('--accent-fg', fg);
    const pos = attr('position') ?? a?.position;
    if (pos) el.dataset.position = pos === 'bottom-left' || pos === 'left' ? 'bottom-left' : 'bottom-right';
  };
  c.subscribe(theme);
  theme();
  render(<App c={c} lang={locale} />, el);
  void c.start();
}

const api: Record<string, (...a: any[]) => unknown> = {
  open: () => current?.setOpen(true),
  close: () => current?.setOpen(false),
  identify: (user: { userId: string; userHash: string; name?: string; email?: string }) => current?.identify(user),
  reset: () => current?.reset(),
  on: (name: string, fn: (payload?: unknown) => void) => current?.on(name, (_n, p) => fn(p)),
};

P._mount = mount;
for (const host of P._hosts.splice(0)) mount(host);
for (const [m, args] of P._q.splice(0)) api[m]?.(...args);
Object.assign(P, api);
