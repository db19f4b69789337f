import { PAGE_MARKER_LINE } from './page-marker.ts';

/**
 * The block structure of a Markdown document, as the chunker needs it: where each heading,
 * paragraph, list, table, code block, quote and page marker starts and ends. It is a line scanner
 * for the CommonMark/GFM subset that converters and people write, not a full parser: inline syntax
 * is left alone, and anything unrecognised is a paragraph.
 */
export type BlockKind = 'heading' | 'paragraph' | 'list' | 'table' | 'code' | 'quote' | 'page';

export type Block = {
  kind: BlockKind;
  /** Offsets into the document: the block's first non-blank character and the end of its last line (trailing blanks excluded). */
  start: number;
  end: number;
  /** Heading level (1-6). */
  level?: number;
  /** Heading text without markup. */
  title?: string;
  /** Page number, for page markers. */
  page?: number;
};

type Line = { start: number; end: number; text: string };

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const QUOTE = /^ {0,3}>/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const TABLE_DELIMITER = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;

const isBlank = (line: Line | undefined) => line !== undefined && line.text.trim() === '';
const indentOf = (text: string) => text.length - text.trimStart().length;

export function parseBlocks(markdown: string): Block[] {
  const lines = splitLines(markdown);
  const blocks: Block[] = [];
  const span = (kind: BlockKind, from: number, to: number, extra: Partial<Block> = {}) =>
    blocks.push({ kind, ...trimSpan(markdown, lines[from]!.start, lines[to]!.end), ...extra });
  let i = skipFrontMatter(lines);
  while (i < lines.length) {
    const text = lines[i]!.text;
    let m: RegExpExecArray | null;
    if (text.trim() === '' || THEMATIC_BREAK.test(text)) {
      i++;
    } else if ((m = PAGE_MARKER_LINE.exec(text.trim()))) {
      span('page', i, i, { page: Number(m[1]) });
      i++;
    } else if ((m = FENCE.exec(text))) {
      const close = findFenceClose(lines, i, m[1]!);
      span('code', i, close);
      i = close + 1;
    } else if ((m = ATX_HEADING.exec(text))) {
      span('heading', i, i, { level: m[1]!.length, title: plainText(m[2] ?? '') });
      i++;
    } else if (isTableStart(lines, i)) {
      let j = i + 2;
      while (j < lines.length && !isBlank(lines[j]) && lines[j]!.text.includes('|')) j++;
      span('table', i, j - 1);
      i = j;
    } else if (LIST_ITEM.test(text)) {
      const last = listEnd(lines, i);
      span('list', i, last);
      i = last + 1;
    } else if (QUOTE.test(text)) {
      let j = i + 1;
      while (j < lines.length && !isBlank(lines[j]) && (QUOTE.test(lines[j]!.text) || !startsBlock(lines, j))) j++;
      span('quote', i, j - 1);
      i = j;
    } else {
      i = paragraph(lines, i, span);
    }
  }
  return blocks;
}

/** A paragraph runs to a blank line or a line that starts another block; a setext underline makes it a heading. */
function paragraph(lines: Line[], i: number, span: (kind: BlockKind, from: number, to: number, extra?: Partial<Block>) => void): number {
  let j = i + 1;
  while (j < lines.length && !isBlank(lines[j])) {
    const underline = SETEXT_UNDERLINE.exec(lines[j]!.text);
    if (underline) {
      const title = plainText(lines.slice(i, j).map((l) => l.text.trim()).join(' '));
      span('heading', i, j, { level: underline[1]!.startsWith('=') ? 1 : 2, title });
      return j + 1;
    }
    if (startsBlock(lines, j)) break;
    j++;
  }
  span('paragraph', i, j - 1);
  return j;
}

/** Lines that interrupt a paragraph (as in CommonMark, plus tables and page markers). */
function startsBlock(lines: Line[], j: number): boolean {
  const text = lines[j]!.text;
  return (
    ATX_HEADING.test(text) ||
    FENCE.test(text) ||
    LIST_ITEM.test(text) ||
    QUOTE.test(text) ||
    THEMATIC_BREAK.test(text) ||
    PAGE_MARKER_LINE.test(text.trim()) ||
    isTableStart(lines, j)
  );
}

/** A GFM table: a row with pipes followed by a delimiter row (`| --- | :-: |`). */
const isTableStart = (lines: Line[], j: number) =>
  lines[j]!.text.includes('|') && (lines[j + 1]?.text.includes('|') ?? false) && TABLE_DELIMITER.test(lines[j + 1]!.text);

/**
 * Last line of the list starting at `i`: items, their indented continuation and nested lists,
 * lazy continuation lines, and blank lines between items. An unindented non-item after a blank line ends it.
 */
function listEnd(lines: Line[], i: number): number {
  let last = i;
  let j = i + 1;
  while (j < lines.length) {
    const line = lines[j]!;
    if (isBlank(line)) {
      let k = j + 1;
      while (k < lines.length && isBlank(lines[k])) k++;
      const next = lines[k];
      if (!next || (indentOf(next.text) < 2 && !LIST_ITEM.test(next.text))) break;
      j = k;
      continue;
    }
    const indented = indentOf(line.text) >= 2;
    if (!indented && !LIST_ITEM.test(line.text) && startsBlock(lines, j)) break;
    last = j;
    j++;
  }
  return last;
}

function findFenceClose(lines: Line[], open: number, fence: string): number {
  const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
  for (let j = open + 1; j < lines.length; j++) if (closing.test(lines[j]!.text)) return j;
  return lines.length - 1; // an unclosed fence runs to the end, as in CommonMark
}

/** YAML front matter (`---` ... `---` on the first lines) is metadata, not content. */
function skipFrontMatter(lines: Line[]): number {
  if (lines[0]?.text.trimEnd() !== '---') return 0;
  for (let j = 1; j < Math.min(lines.length, 200); j++) {
    const t = lines[j]!.text.trimEnd();
    if (t === '---' || t === '...') return j + 1;
  }
  return 0;
}

function splitLines(markdown: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start <= markdown.length) {
    let end = markdown.indexOf('\n', start);
    if (end === -1) end = markdown.length;
    // A CRLF document keeps its offsets; only the scanned text drops the \r.
    lines.push({ start, end, text: markdown.slice(start, markdown[end - 1] === '\r' ? end - 1 : end) });
    start = end + 1;
  }
  return lines;
}

function trimSpan(markdown: string, start: number, end: number): { start: number; end: number } {
  while (start < end && /\s/.test(markdown[start]!)) start++;
  while (end > start && /\s/.test(markdown[end - 1]!)) end--;
  return { start, end };
}

/** Heading text as a reader sees it: links and images reduced to their text, emphasis and escapes removed. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|~~|`)/g, '')
    .replace(/(^|\W)[*_](\S)/g, '$1$2')
    .replace(/(\S)[*_](\W|$)/g, '$1$2')
    .replace(/\\([\\`*_{}[\]()#+\-.!|~<>])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
