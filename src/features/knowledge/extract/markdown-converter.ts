import TurndownService from 'turndown';
import { highlightedCodeBlock, strikethrough, taskListItems } from 'turndown-plugin-gfm';

type Node = TurndownService.Node;

// Elements with no readable text, or text that is not content (scripts, styles, form controls).
const REMOVED = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'CANVAS', 'SVG', 'svg', 'BUTTON', 'SELECT', 'INPUT', 'TEXTAREA']);

/**
 * Turndown configured for knowledge text: ATX headings, fenced code, GFM strikethrough and task
 * lists, and its own table rules. The GFM plugin's table rules are not used: they read
 * `table.rows`, which linkedom does not implement, and they keep header-less tables (every table
 * mammoth makes from Word) as raw HTML.
 */
export function createMarkdownConverter(): TurndownService {
  const service = new TurndownService({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
    emDelimiter: '_',
    hr: '---',
  });
  service.use([highlightedCodeBlock, strikethrough, taskListItems]);
  service.remove((node) => REMOVED.has(node.nodeName));
  // Images carry no text a customer can be answered with (and mammoth would inline them as base64).
  service.addRule('image', { filter: 'img', replacement: () => '' });
  // A link around nothing but an image would otherwise leave `[](url)` behind.
  service.addRule('emptyLink', {
    filter: (node) => node.nodeName === 'A' && (node.textContent ?? '').trim() === '',
    replacement: () => '',
  });
  addListItemRule(service);
  addTableRules(service);
  return service;
}

/** Turndown pads list markers to four columns (`-   item`); one space is the common style and saves tokens. */
function addListItemRule(service: TurndownService): void {
  service.addRule('listItem', {
    filter: 'li',
    replacement: (content, node, options) => {
      const list = node.parentNode as HTMLElement | null;
      let prefix = `${options.bulletListMarker} `;
      if (list?.nodeName === 'OL') {
        const start = Number(list.getAttribute('start') ?? 1) || 1;
        prefix = `${start + Array.prototype.indexOf.call(list.children, node)}. `;
      }
      const isParagraph = /\n$/.test(content);
      const body = content.replace(/^\n+|\n+$/g, '') + (isParagraph ? '\n' : '');
      return prefix + body.replace(/\n/g, `\n${' '.repeat(prefix.length)}`) + (node.nextSibling ? '\n' : '');
    },
  });
}

/** Tables become GFM tables whose first row is the header (Word tables have no <th>, so it is promoted). */
function addTableRules(service: TurndownService): void {
  service.addRule('tableCell', {
    filter: ['th', 'td'],
    // A cell must stay on one line: paragraphs inside it are joined, pipes escaped.
    replacement: (content) => ` ${content.replace(/\s*\n+\s*/g, ' ').replace(/\|/g, '\\|').trim()} |`,
  });
  service.addRule('tableRow', {
    filter: 'tr',
    replacement: (content, node) => {
      const row = `\n|${content.trimEnd()}`;
      if (!isFirstRow(node)) return row;
      const cells = Array.from(node.childNodes).filter((c) => c.nodeName === 'TH' || c.nodeName === 'TD').length;
      return `${row}\n|${' --- |'.repeat(Math.max(cells, 1))}`;
    },
  });
  service.addRule('tableSection', { filter: ['thead', 'tbody', 'tfoot'], replacement: (content) => content });
  service.addRule('tableCaption', { filter: 'caption', replacement: () => '' });
  service.addRule('table', {
    filter: 'table',
    replacement: (content, node) => {
      const caption = (node as HTMLElement).querySelector('caption')?.textContent?.trim();
      return `\n\n${caption ? `${caption}\n\n` : ''}${content.replace(/\n+/g, '\n').trim()}\n\n`;
    },
  });
}

const isFirstRow = (row: Node): boolean => {
  let table: globalThis.Node | null = row.parentNode;
  while (table && table.nodeName !== 'TABLE') table = table.parentNode;
  return !!table && (table as HTMLElement).querySelector('tr') === row;
};
