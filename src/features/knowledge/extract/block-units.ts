import { countTokens } from '../../../llm/tokens.ts';
import type { Block } from './markdown-blocks.ts';
import { countOrSplit, lineSpans, splitToBudget, type CountedSpan, type Span } from './split-text.ts';

/**
 * The smallest pieces the chunker packs: a whole block when it fits the budget, otherwise the
 * block's natural parts (list items, table rows, code lines), and sentences/words only below that.
 */
export type Unit = CountedSpan & {
  /** Index of the block the unit belongs to; consecutive units of one block render as one slice of the document. */
  block: number;
  page?: number;
  /** Prose (paragraph, list, quote) may be repeated as overlap; tables and code are not. */
  prose: boolean;
};

/** Repeated around every piece of a split table (its header rows) or code block (its fences). */
export type Wrapper = { open: string; close: string; openTokens: number; closeTokens: number };

const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const PROSE = new Set(['paragraph', 'list', 'quote']);

export function blockUnits(
  md: string,
  block: Block,
  index: number,
  page: number | undefined,
  maxTokens: number,
): { units: Unit[]; wrapper?: Wrapper } {
  const prose = PROSE.has(block.kind);
  const unit = (s: CountedSpan): Unit => ({ ...s, block: index, page, prose });
  const tokens = countOrSplit(md.slice(block.start, block.end));
  if (tokens <= maxTokens) return { units: [unit({ start: block.start, end: block.end, tokens })] };

  if (block.kind === 'table' || block.kind === 'code') {
    const split = splitWrapped(md, block, maxTokens);
    if (split) return { units: split.pieces.map(unit), wrapper: split.wrapper };
  }
  if (block.kind !== 'list') return { units: splitToBudget(md, block, maxTokens).map(unit) };
  const units: Unit[] = [];
  for (const item of listItems(md, block)) {
    const t = countOrSplit(md.slice(item.start, item.end));
    if (t <= maxTokens) units.push(unit({ ...item, tokens: t }));
    else for (const s of splitToBudget(md, item, maxTokens)) units.push(unit(s));
  }
  return { units };
}

/** Top-level items of a list block (nested lists stay inside their item). */
function listItems(md: string, block: Block): Span[] {
  const lines = rawLines(md, block);
  const indent = lines[0]!.text.length - lines[0]!.text.trimStart().length;
  const starts = lines.filter((l) => LIST_ITEM.test(l.text) && l.text.length - l.text.trimStart().length <= indent + 1);
  return starts.map((l, k) => {
    const start = l.start + (l.text.length - l.text.trimStart().length);
    return trimEnd(md, start, k + 1 < starts.length ? starts[k + 1]!.start : block.end);
  });
}

/**
 * A table split by rows under a repeated header, or a code block split by lines inside repeated
 * fences. The first piece starts at the block (so it holds the header or opening fence itself), the
 * last ends with it. Undefined when the header alone would eat half the budget: then plain lines.
 */
function splitWrapped(md: string, block: Block, maxTokens: number): { pieces: CountedSpan[]; wrapper: Wrapper } | undefined {
  const lines = rawLines(md, block);
  const isCode = block.kind === 'code';
  const headerLines = isCode ? 1 : 2;
  const fence = /^\s*(`{3,}|~{3,})/.exec(lines[0]!.text)?.[1] ?? '```';
  const closed = isCode && lines.length > 1 && /^\s*(`{3,}|~{3,})\s*$/.test(lines.at(-1)!.text);
  const body = lines.slice(headerLines, closed ? -1 : undefined).filter((l) => l.text.trim() !== '');
  const open = md.slice(block.start, trimEnd(md, block.start, lines[headerLines - 1]!.end).end);
  const close = isCode ? (closed ? lines.at(-1)!.text.trim() : fence) : '';
  const wrapper = { open, close, openTokens: countOrSplit(open), closeTokens: countTokens(close) };
  // Each of the two joins ("\n" after the header or fence, before the closing fence) may cost up to
  // three tokens once tokenized together with its neighbours; a piece must fit even alone in a chunk.
  const budget = maxTokens - wrapper.openTokens - wrapper.closeTokens - 6;
  if (body.length === 0 || budget < maxTokens / 2) return undefined;

  const pieces: CountedSpan[] = [];
  for (const line of body) {
    // Code keeps its indentation; a table row is trimmed like any block.
    const span = isCode ? trimEnd(md, line.start, line.end) : lineSpans(md, line.start, line.end)[0]!;
    const tokens = countOrSplit(md.slice(span.start, span.end));
    if (tokens <= budget) pieces.push({ ...span, tokens });
    else for (const s of splitToBudget(md, span, budget)) pieces.push(s);
  }
  // The first piece takes in the header (or fence) and the last the closing fence: both are then
  // plain slices of the document, counted exactly.
  const exact = (start: number, end: number) => countTokens(md.slice(start, end));
  pieces[0] = { ...pieces[0]!, start: block.start, tokens: exact(block.start, pieces[0]!.end) };
  if (closed) {
    const last = pieces.at(-1)!;
    pieces[pieces.length - 1] = { ...last, end: block.end, tokens: exact(last.start, block.end) };
  }
  return { pieces, wrapper };
}

function rawLines(md: string, block: Span): Array<Span & { text: string }> {
  const lines: Array<Span & { text: string }> = [];
  // The block starts at its first non-blank character; its first line begins at the line start.
  let start = md.lastIndexOf('\n', block.start - 1) + 1;
  while (start < block.end) {
    let end = md.indexOf('\n', start);
    if (end === -1 || end > block.end) end = block.end;
    lines.push({ start, end, text: md.slice(start, end).replace(/\r$/, '') });
    start = end + 1;
  }
  return lines;
}

function trimEnd(md: string, start: number, end: number): Span {
  while (end > start && /\s/.test(md[end - 1]!)) end--;
  return { start, end };
}
