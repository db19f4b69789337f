// widget.js: the small, stable-URL script a site embeds. It defines <parley-assistant>, turns a
// `<script data-assistant-id>` into one, queues window.Parley calls, and loads the content-hashed app bundle.
declare const __APP__: string;

(() => {
  const w = window as unknown as { Parley?: Record<string, unknown> };
  if (customElements.get('parley-assistant')) return;
  const script = document.currentScript as HTMLScriptElement | null;
  const src = script?.src || location.href;
  const base = new URL('.', src).href.replace(/\/$/, '');
  const q: [string, unknown[]][] = [];
  const hosts: HTMLElement[] = [];
  const P: Record<string, unknown> = { _q: q, _hosts: hosts, _base: base };
  for (const m of ['open', 'close', 'identify', 'reset', 'on']) P[m] = (...a: unknown[]) => void q.push([m, a]);
  w.Parley = P;

  let loading = false;
  const load = () => {
    if (loading) return;
    loading = true;
    const s = document.createElement('script');
    s.src = new URL(__APP__, src).href;
    s.async = true;
    s.onerror = () => console.error('Parley widget: could not load', s.src);
    document.head.appendChild(s);
  };

  customElements.define(
    'parley-assistant',
    class extends HTMLElement {
      connectedCallback() {
        if (this.shadowRoot) return;
        this.attachShadow({ mode: 'open' });
        const mount = P._mount as ((el: HTMLElement) => void) | undefined;
        if (mount) mount(this);
        else {
          hosts.push(this);
          load();
        }
      }
    },
  );

  const id = script?.dataset.assistantId;
  if (id) {
    const el = document.createElement('parley-assistant');
    for (const a of Array.from(script!.attributes)) if (a.name.startsWith('data-')) el.setAttribute(a.name.slice(5), a.value);
    const add = () => document.body.appendChild(el);
    if (document.body) add();
    else addEventListener('DOMContentLoaded', add);
  }
})();
