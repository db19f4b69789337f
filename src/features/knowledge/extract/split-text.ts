import { countTokens } from '../../../llm/tokens.ts';

// gpt-tokenizer's BPE takes time quadratic in the length of one pre-token (a run of letters or of
// punctuation with no space or digit): 8k letters take ~60 ms, 128k letters ~11 s. Prose never has
// such runs, so text holding one is never counted whole; it is split first, down to pieces of at most
// RUN_PIECE characters.
const LONG_RUN = 512;
const RUN_PIECE = 512;

/** True when `text` has LONG_RUN characters in a row without whitespace or a digit (a superset of long pre-tokens). */
export function hasLongRun(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || (c >= 48 && c <= 57)) run = 0;
    else if (++run >= LONG_RUN) return true;
  }
  return false;
}

/** Token count of text that may be arbitrarily long: Infinity (meaning "split it") when counting it whole would be slow. */
export const countOrSplit = (text: string): number => (hasLongRun(text) ? Infinity : countTokens(text));

/** A piece of the document by offsets; `tokens` is its own token count. */
export type Span = { start: number; end: number };
export type CountedSpan = Span & { tokens: number };

// "e.g. the", "Dr. Smith", "J. Doe": a period after these is not a sentence end.
const ABBREVIATIONS = new Set(['e.g', 'i.e', 'mr', 'mrs', 'ms', 'dr', 'prof', 'vs', 'no', 'nr', 'st', 'fig', 'approx', 'ca', 'cf']);
const SENTENCE_END = /[.!?…]+["'”’)\]]*(?=\s)|[。！？]+/g;

/** Sentences of md[start, end), each trimmed; the text between them is whitespace. */
export function sentenceSpans(md: string, start: number, end: number): Span[] {
  const text = md.slice(start, end);
  const cuts: number[] = [];
  for (const m of text.matchAll(SENTENCE_END)) {
    const after = m.index + m[0].length;
    const next = /\S/.exec(text.slice(after, after + 8))?.[0];
    if (next === undefined || /\p{Ll}/u.test(next)) continue; // "etc. and", or nothing follows
    if (m[0].startsWith('.')) {
      const word = /[\p{L}.]+$/u.exec(text.slice(Math.max(0, m.index - 12), m.index))?.[0].toLowerCase() ?? '';
      if (word.length === 1 || ABBREVIATIONS.has(word)) continue;
    }
    cuts.push(start + after);
  }
  return spansBetween(md, start, end, cuts);
}

export function lineSpans(md: string, start: number, end: number): Span[] {
  const cuts: number[] = [];
  for (let i = md.indexOf('\n', start); i !== -1 && i < end; i = md.indexOf('\n', i + 1)) cuts.push(i);
  return spansBetween(md, start, end, cuts);
}

export function wordSpans(md: string, start: number, end: number): Span[] {
  const cuts: number[] = [];
  for (const m of md.slice(start, end).matchAll(/\s+/g)) cuts.push(start + m.index);
  return spansBetween(md, start, end, cuts);
}

const LEVELS = [sentenceSpans, lineSpans, wordSpans];

/**
 * Splits a span that exceeds `budget` into pieces that fit: sentences, then lines of a long
 * sentence, then runs of whole words; a single "word" longer than the budget (a base64 blob, a
 * long URL, CJK text without punctuation) is the only thing ever cut mid-word.
 */
export function splitToBudget(md: string, span: Span, budget: number, level = 0): CountedSpan[] {
  const out: CountedSpan[] = [];
  if (level >= LEVELS.length) return hardSplit(md, span, budget);
  const pieces = LEVELS[level]!(md, span.start, span.end);
  if (level === LEVELS.length - 1) return groupWords(md, pieces, budget);
  if (pieces.length <= 1) return splitToBudget(md, span, budget, level + 1);
  for (const piece of pieces) {
    const tokens = countOrSplit(md.slice(piece.start, piece.end));
    if (tokens <= budget) out.push({ ...piece, tokens });
    else for (const sub of splitToBudget(md, piece, budget, level + 1)) out.push(sub);
  }
  return out;
}

/** Consecutive words packed up to the budget; a space joins into the next word's token, so counts add up. */
function groupWords(md: string, words: Span[], budget: number): CountedSpan[] {
  const out: CountedSpan[] = [];
  let group: CountedSpan | undefined;
  for (const word of words) {
    const tokens = countOrSplit(md.slice(word.start, word.end));
    if (tokens > budget) {
      if (group) out.push(group);
      group = undefined;
      for (const sub of hardSplit(md, word, budget)) out.push(sub);
    } else if (group && group.tokens + tokens <= budget) {
      group = { start: group.start, end: word.end, tokens: group.tokens + tokens };
    } else {
      if (group) out.push(group);
      group = { ...word, tokens };
    }
  }
  if (group) out.push(group);
  return out;
}

function hardSplit(md: string, span: Span, budget: number): CountedSpan[] {
  const out: CountedSpan[] = [];
  let start = span.start;
  while (start < span.end) {
    let size = Math.max(1, Math.min(budget * 3, RUN_PIECE));
    let end: number;
    let tokens: number;
    do {
      end = Math.min(span.end, start + size);
      if (end < span.end && /[\uDC00-\uDFFF]/.test(md[end]!)) end--; // keep surrogate pairs whole
      if (end <= start) end = Math.min(span.end, start + 2);
      tokens = countTokens(md.slice(start, end));
      size = Math.floor(size / 2);
    } while (tokens > budget && size >= 1 && end - start > 1);
    out.push({ start, end, tokens });
    start = end;
  }
  return out;
}

/**
 * The longest tail of md[start, end) made of whole sentences (or, when even the last sentence is
 * too long, whole lines, then whole words) with at most `budget` tokens, or undefined when nothing fits.
 */
export function tailWithin(md: string, span: Span, budget: number, level = 0): CountedSpan | undefined {
  if (budget <= 0 || level >= LEVELS.length) return undefined;
  const pieces = LEVELS[level]!(md, span.start, span.end);
  let tail: CountedSpan | undefined;
  for (let k = pieces.length - 1; k >= 0; k--) {
    const piece = pieces[k]!;
    const tokens = countTokens(md.slice(piece.start, piece.end)) + (tail ? 1 : 0);
    if ((tail?.tokens ?? 0) + tokens <= budget) {
      tail = { start: piece.start, end: span.end, tokens: (tail?.tokens ?? 0) + tokens };
      continue;
    }
    return tail ?? tailWithin(md, piece, budget, level + 1);
  }
  return tail;
}

function spansBetween(md: string, start: number, end: number, cuts: number[]): Span[] {
  const spans: Span[] = [];
  let from = start;
  for (const cut of [...cuts, end]) {
    let s = from;
    let e = cut;
    while (s < e && /\s/.test(md[s]!)) s++;
    while (e > s && /\s/.test(md[e - 1]!)) e--;
    if (e > s) spans.push({ start: s, end: e });
    from = cut;
  }
  return spans;
}
