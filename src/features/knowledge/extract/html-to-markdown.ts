import { Readability } from '@mozilla/readability';
import type TurndownService from 'turndown';
import { parseHtmlDocument } from './html-document.ts';
import { createMarkdownConverter } from './markdown-converter.ts';

export type HtmlToMarkdownOptions = {
  /** The page's address: relative links are resolved against it (and a <base href>). */
  url?: string;
  /** Keep only the main content (Readability) instead of the whole <body>. Default true. */
  mainContent?: boolean;
};

export type HtmlMarkdown = { title: string; markdown: string; links: string[]; /** The page's first <h1>, '' if none. */ heading: string };

// Building the converter registers a dozen rules; one instance is reused (conversion keeps no state).
let converter: TurndownService | undefined;

/**
 * Markdown of a page's main content, its title, and every http(s) link of the original page (the
 * crawler follows links in navigation too, which the main content drops).
 */
export function htmlToMarkdown(html: string, opts: HtmlToMarkdownOptions = {}): HtmlMarkdown {
  const document = parseHtmlDocument(html);
  const base = baseUrl(document, opts.url);
  const links = absolutizeLinks(document, base);
  const metaTitle = document.querySelector('meta[property="og:title"]')?.getAttribute('content')?.trim();
  const pageTitle = document.querySelector('title')?.textContent?.trim();
  const firstHeading = document.querySelector('h1')?.textContent?.trim();

  let root: Element = document.body;
  let articleTitle: string | undefined;
  if (opts.mainContent ?? true) {
    const article = readMainContent(document);
    if (article) {
      root = article.root;
      articleTitle = article.title;
    }
  }
  unwrapLayoutTables(root);
  const markdown = (converter ??= createMarkdownConverter())
    .turndown(root as unknown as HTMLElement)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const title = metaTitle || articleTitle || pageTitle || firstHeading || '';
  return { title: title.replace(/\s+/g, ' '), markdown, links, heading: (firstHeading ?? '').replace(/\s+/g, ' ') };
}

function baseUrl(document: Document, url: string | undefined): URL | undefined {
  const href = document.querySelector('base[href]')?.getAttribute('href') ?? undefined;
  return tryUrl(href, url) ?? tryUrl(url);
}

const tryUrl = (href: string | undefined, base?: string | URL): URL | undefined => {
  if (href === undefined) return undefined;
  try {
    return new URL(href, base);
  } catch {
    return undefined;
  }
};

/**
 * Rewrites every <a href> to its absolute address (so Markdown links work out of context) and
 * returns the distinct http(s) ones without fragments, in document order. Without a base URL,
 * relative links cannot be resolved and are left as they are.
 */
function absolutizeLinks(document: Document, base: URL | undefined): string[] {
  const links = new Set<string>();
  for (const a of document.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href')!.trim();
    const url = tryUrl(href, base);
    if (!url) continue;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      // javascript:, mailto: and the like are not text worth keeping as a link target.
      if (url.protocol === 'javascript:') a.removeAttribute('href');
      continue;
    }
    a.setAttribute('href', url.href);
    url.hash = '';
    links.add(url.href);
  }
  return [...links];
}

/**
 * Runs Readability on a copy (it rewrites the tree it is given, and the fallback needs the original
 * body). Readability strips classes, so the `language-*` ones that name a code block's language are
 * listed for it to keep.
 */
function readMainContent(document: Document): { root: Element; title?: string } | undefined {
  const codeClasses = new Set<string>();
  for (const el of document.querySelectorAll('pre[class], code[class]')) {
    for (const c of el.className.split(/\s+/)) if (/^(language|lang)-/.test(c)) codeClasses.add(c);
  }
  try {
    const copy = document.cloneNode(true) as Document;
    const article = new Readability(copy, { classesToPreserve: [...codeClasses] }).parse();
    if (!article?.content || !article.textContent?.trim()) return undefined;
    const root = parseHtmlDocument(`<body>${article.content}</body>`).body;
    return { root, title: article.title?.trim() || undefined };
  } catch {
    return undefined; // Readability gives up on some malformed trees; the whole body is better than nothing
  }
}

/** Tables of a single row or column are page layout, not data: their cells become plain blocks. */
function unwrapLayoutTables(root: Element): void {
  const tables = [...root.querySelectorAll('table')].reverse(); // innermost first
  for (const table of tables) {
    const rows = [...table.querySelectorAll('tr')].filter((tr) => tr.closest('table') === table);
    const widest = Math.max(0, ...rows.map((tr) => [...tr.children].filter((c) => c.tagName === 'TD' || c.tagName === 'TH').length));
    if (rows.length > 1 && widest > 1) continue;
    const div = table.ownerDocument.createElement('div');
    for (const cell of rows.flatMap((tr) => [...tr.children])) {
      const block = table.ownerDocument.createElement('div');
      while (cell.firstChild) block.appendChild(cell.firstChild);
      div.appendChild(block);
    }
    table.replaceWith(div);
  }
}
