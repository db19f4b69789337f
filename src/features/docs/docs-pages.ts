import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Marked } from 'marked';
import { ROOT } from '../../lib/root.ts';

export const DOCS_DIR = path.join(ROOT, 'docs');

export interface DocPage {
  slug: string;
  title: string;
  description: string;
  order: number;
  markdown: string;
  /** The page's body as HTML, rendered when first asked for (most instances never serve most pages). */
  html(): Promise<string>;
}

/** `---` front matter with `key: value` lines (title, description, order); nothing fancier is used. */
function parseFrontMatter(source: string): { meta: Record<string, string>; body: string } {
  const m = /^---\n([\s\S]*?)\n---\n?/.exec(source);
  if (!m) return { meta: {}, body: source };
  const meta: Record<string, string> = {};
  for (const line of m[1]!.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) meta[line.slice(0, i).trim()] = line.slice(i + 1).trim().replace(/^["']|["']$/g, '');
  }
  return { meta, body: source.slice(m[0].length) };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `body{font:16px/1.6 system-ui,sans-serif;margin:0;color:#1d2430;display:flex}
nav{width:240px;padding:24px;border-right:1px solid #e5e7eb;min-height:100vh;box-sizing:border-box;flex-shrink:0}
nav a{display:block;color:#374151;text-decoration:none;padding:3px 0}nav a.active{font-weight:600;color:#4f46e5}
main{max-width:820px;padding:24px 40px}code{background:#f3f4f6;padding:1px 4px;border-radius:4px;font-size:90%}
pre{background:#0f172a;color:#e2e8f0;padding:14px;border-radius:8px;overflow:auto}pre code{background:none;color:inherit}
table{border-collapse:collapse}td,th{border:1px solid #e5e7eb;padding:4px 8px;text-align:left}
.meta{font-size:14px;color:#6b7280}nav .meta a{display:inline}`;

export function renderLayout(pages: DocPage[], current: DocPage | null, bodyHtml: string, title: string): string {
  const nav = pages
    .map((p) => `<a href="/guides/${p.slug}"${p === current ? ' class="active"' : ''}>${escapeHtml(p.title)}</a>`)
    .join('');
  const mdLink = current ? ` · <a href="/guides/${current.slug}.md">Markdown</a>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Parley</title><link rel="icon" href="/favicon.svg" type="image/svg+xml"><style>${STYLE}</style></head><body>
<nav><strong>Parley docs</strong><p class="meta"><a href="/app">Dashboard</a> · <a href="/docs">API reference</a> · <a href="/llms.txt">llms.txt</a></p>${nav}</nav>
<main><p class="meta">Parley documentation${mdLink}</p>${bodyHtml}</main></body></html>`;
}

export function loadDocPages(dir: string = DOCS_DIR): DocPage[] {
  // The Markdown renderer is loaded with the first page asked for as HTML, not at start.
  let renderer: Promise<Marked> | undefined;
  const render = async (markdown: string) => {
    // Headings get GitHub's ids, so links such as /guides/inbox#auto-resolve land on their section.
    renderer ??= Promise.all([import('marked'), import('marked-gfm-heading-id')]).then(([{ Marked }, { gfmHeadingId }]) => new Marked({ gfm: true }, gfmHeadingId()));
    return (await renderer).parse(markdown) as string;
  };
  const pages = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .map((file): DocPage => {
      const { meta, body } = parseFrontMatter(readFileSync(path.join(dir, file), 'utf8'));
      const slug = file.replace(/\.md$/, '');
      const title = meta.title ?? slug;
      const markdown = `# ${title}\n\n${meta.description ? `> ${meta.description}\n\n` : ''}${body.trim()}\n`;
      let html: Promise<string> | undefined;
      return {
        slug,
        title,
        description: meta.description ?? '',
        order: Number(meta.order ?? 100),
        markdown,
        html: () => (html ??= render(markdown)),
      };
    });
  return pages.sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
}
