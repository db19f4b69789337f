import { LANGUAGE_MARKERS, type ReplyLanguage, STOPWORDS } from './lexicon.ts';

/** Lowercase words without accents or punctuation; apostrophes and hyphens split words. */
export function words(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

const DOUBLED = /([b-df-hj-np-tv-z])\1$/;

/**
 * A deliberately light stemmer: it only has to make a question and a passage meet on the same
 * key ("prices"/"price", "shipped"/"shipping"/"ship", "opening"/"open", "closed"/"close"), not
 * produce real roots. Both sides go through it, so an odd key ("pric") is harmless.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  const suffix = w.endsWith('ing') && w.length >= 6 ? 3 : w.endsWith('ed') && w.length >= 5 ? 2 : 0;
  if (suffix > 0) {
    w = w.slice(0, -suffix);
    if (DOUBLED.test(w) && !/(?:ll|ss|zz)$/.test(w)) w = w.slice(0, -1); // "shipped" -> "ship"
  }
  // "size"/"sizes", "box"/"boxes", "close"/"closing" meet once a final e is dropped.
  if (w.endsWith('e') && w.length >= 4) w = w.slice(0, -1);
  return w;
}

/** Content terms of a text: normalized words minus stopwords, stemmed. Repeats are kept (they are term frequency). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (STOPWORDS.has(w) || (w.length < 2 && !/\d/.test(w))) continue;
    out.push(stem(w));
  }
  // "ID" (an identity document) is not the stopword "id" ("I'd").
  for (const _ of text.matchAll(/\bID\b/g)) out.push('id');
  // A hyphenated word is also one term ("e-bike" -> "ebike"): more telling than its parts ("e", "bike").
  for (const m of text.matchAll(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)+/gu)) {
    const joined = words(m[0]).join('');
    if (joined.length >= 4 && !/^\d+$/.test(joined)) out.push(stem(joined));
  }
  return out;
}

/** One quotable sentence and the heading of the section it sits under ('' if none). */
export interface TextUnit {
  text: string;
  heading: string;
}

const LIST_ITEMS = new WeakSet<TextUnit>();
/** True for a unit that is an item of a bulleted or numbered list. */
export const isListItem = (unit: TextUnit): boolean => LIST_ITEMS.has(unit);

const BULLET = /^(?:[-*•+]|\d{1,2}[.)])\s+/;
const ABBREVIATIONS = new Set('e.g i.e etc mr mrs ms dr st vs approx no nr inc ltd jr sr p pp min max tel cf ca env'.split(' '));
const MAX_SENTENCE = 400;

/** Markdown and HTML leftovers of crawled pages would otherwise be quoted back to customers. */
function cleanInline(line: string): string {
  return line
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\*\*|__|`/g, '')
    .replace(/\s+/g, ' ')
    .replace(/ ([.,;:!?])/g, '$1')
    .trim();
}

/** `next` is the next non-empty line: a title needs one, and one that does not continue its sentence. */
function looksLikeHeading(line: string, markdownHeading: boolean, next: string | undefined): boolean {
  if (markdownHeading) return true;
  const hasNext = next !== undefined && !/^\p{Ll}/u.test(next);
  const n = line.split(' ').length;
  // A FAQ's question line ("Do you sell gift cards?") titles its answer; it is never an answer itself.
  if (line.endsWith('?') && n <= 20) return hasNext;
  if (line.endsWith(':') && n <= 6) return hasNext;
  return hasNext && n <= 6 && !/[.!?;,]$/.test(line) && !/\d/.test(line) && /^\p{Lu}/u.test(line);
}

/** Splits one paragraph at sentence ends, keeping abbreviations ("e.g.") and decimals ("9.30") whole. */
function splitParagraph(paragraph: string): string[] {
  const out: string[] = [];
  const boundary = /[.!?…]+["'”’)\]]*\s+(?=["'“(¿¡]?[\p{Lu}\p{N}])/gu;
  let start = 0;
  for (const m of paragraph.matchAll(boundary)) {
    const end = m.index + m[0].length;
    const before = (paragraph.slice(start, m.index).split(' ').at(-1) ?? '').toLowerCase().replace(/^[^\p{L}\p{N}]+/u, '');
    if (ABBREVIATIONS.has(before) || (before.length === 1 && /\p{L}/u.test(before))) continue; // "e.g.", "J. Smith"
    out.push(paragraph.slice(start, end).trim());
    start = end;
  }
  out.push(paragraph.slice(start).trim());
  return out.filter(Boolean).map(capLength);
}

/** A page without punctuation would otherwise be "one sentence" thousands of characters long. */
function capLength(sentence: string): string {
  if (sentence.length <= MAX_SENTENCE) return sentence;
  const cut = sentence.lastIndexOf(' ', MAX_SENTENCE - 1);
  return `${sentence.slice(0, cut > 0 ? cut : MAX_SENTENCE)}…`;
}

/**
 * Splits free text (instructions or a passage) into sentences. Hard-wrapped lines are joined,
 * list items stay separate, and short title-like lines become the heading of what follows, so
 * "Opening hours" / "Mon-Fri 9-18" can still answer "what are your opening hours?".
 */
export function splitSentences(text: string): TextUnit[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trim());
  // nextLine[i]: the first non-empty line after line i (computed backwards: linear, not quadratic).
  const nextLine: Array<string | undefined> = [];
  for (let i = lines.length - 1, seen: string | undefined; i >= 0; i--) {
    nextLine[i] = seen;
    if (lines[i]) seen = lines[i];
  }
  const units: TextUnit[] = [];
  let heading = '';
  // A markdown heading lasts until the next heading; a plain title-like line only until the
  // blank line that ends the block under it.
  let headingIsMarkdown = false;
  let headingHasContent = false;
  let paragraph = '';
  let bulleted = false;
  const flush = () => {
    for (const s of splitParagraph(paragraph)) {
      const unit = { text: s, heading };
      if (bulleted) LIST_ITEMS.add(unit);
      units.push(unit);
    }
    if (paragraph) headingHasContent = true;
    paragraph = '';
  };
  let table: string[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (/^\|.*\|$/.test(raw)) {
      // A Markdown table: the header row names the columns, each later row becomes one sentence.
      flush();
      const cells = tableCells(raw);
      if (cells.every((c) => /^:?-{2,}:?$/.test(c))) continue;
      if (!table) table = cells;
      else {
        units.push({ text: tableRow(table, cells), heading: [heading, table.join(' ')].filter(Boolean).join(' — ') });
        headingHasContent = true;
      }
      continue;
    }
    table = undefined;
    const markdownHeading = /^#{1,6}\s/.test(raw);
    const bullet = BULLET.test(raw);
    const line = cleanInline(raw.replace(/^#{1,6}\s+/, '').replace(BULLET, ''));
    if (!line) {
      flush();
      if (!headingIsMarkdown && headingHasContent) heading = '';
      continue;
    }
    if (!bullet && looksLikeHeading(line, markdownHeading, nextLine[i])) {
      flush();
      heading = line.replace(/:$/, '');
      headingIsMarkdown = markdownHeading;
      headingHasContent = false;
    } else if (!bullet && paragraph && !/[.!?:;]$/.test(paragraph) && /^[\p{Ll}\d(]/u.test(line)) {
      paragraph += ` ${line}`; // a hard-wrapped line continues the sentence
    } else {
      flush();
      paragraph = line;
      bulleted = bullet;
    }
  }
  flush();
  return units;
}

const tableCells = (line: string) => line.slice(1, -1).split('|').map((c) => cleanInline(c.trim()));

/** "Tune-up: £65." for two columns; "Standard: country Netherlands; time 1 to 2 days; price €4.95." for more. */
function tableRow(header: string[], cells: string[]): string {
  const [first, ...rest] = cells;
  const values = rest.map((v, i) => (rest.length > 1 && header[i + 1] ? `${header[i + 1]!.toLowerCase()} ${v}` : v)).filter((v) => v.trim());
  const text = `${first}: ${values.join('; ')}`;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

const META_START = new RegExp(
  '^(?:you (?:are|re|will|ll|must|should|can|may|have to|need to)|your (?:role|name|job|goal|task|purpose|tone|answers|responses|replies)' +
    '|as (?:an? |the )?(?:assistant|ai|agent|bot|chatbot)|act as|always|never|do not|don t|avoid|make sure|ensure|refer|speak|greet' +
    '|introduce yourself|remember|answer|respond|reply|keep (?:your|it|answers|responses|replies|the)|use (?:a|an) \\w+ tone' +
    '|be (?:polite|friendly|concise|helpful|brief|professional|courteous|kind|clear|short|warm|nice|respectful|empathetic)' +
    '|(?:only|please) (?:answer|respond|reply|use|speak|be|talk)|(?:if|when) (?:the|a|an) (?:user|customer|client|visitor)' +
    '|tu es|vous etes|tu dois|vous devez|reponds|repondez|sois|soyez|ne jamais|toujours|jamais' +
    '|eres|usted es|debes|responde|responda|se amable|nunca|siempre|voce e|voce deve|seja|sempre)\\b',
);
const META_ANYWHERE = /\b(?:assistant|chatbot|language model|system prompt|the (?:user|customer|client|visitor)s?)\b/;

/**
 * True for instruction sentences that speak to the assistant ("You are...", "Always answer
 * politely", "Never discuss prices") rather than state a fact a customer could be told.
 */
export function isMetaInstruction(sentence: string): boolean {
  const normalized = words(sentence).join(' ');
  return META_START.test(normalized) || META_ANYWHERE.test(normalized);
}

/** Letters only some of the languages use, as extra evidence beside the marker words. */
const LETTER_HINTS: Array<[RegExp, ReplyLanguage]> = [
  [/[¿¡ñ]/u, 'es'],
  [/[äöüß]/iu, 'de'],
  [/[çèêëîœù]|\b[jlqd]['’]/iu, 'fr'],
  [/[ãõ]/iu, 'pt'],
];

/** The language a text is written in, by its frequent words (and a few telling letters); English when unsure. */
export function detectLanguage(text: string, ws: string[]): ReplyLanguage {
  const score = new Map<ReplyLanguage, number>();
  for (const lang of Object.keys(LANGUAGE_MARKERS) as ReplyLanguage[]) score.set(lang, ws.filter((w) => LANGUAGE_MARKERS[lang].has(w)).length);
  for (const [pattern, lang] of LETTER_HINTS) if (pattern.test(text)) score.set(lang, score.get(lang)! + 1.5);
  let best: ReplyLanguage = 'en';
  for (const [lang, hits] of score) if (hits > score.get(best)!) best = lang;
  return best;
}

const INTRODUCTION = /(?:\bi['’]?m|\bi am|\bname is|\bthis is|\bme llamo|\bsoy|\bje suis|\bm['’]appelle|\bich bin)\s+(\p{Lu}[\p{L}-]*)/giu;

/** The customer's own name when they give it ("I'm Tom", "je m'appelle Anne"): not what they ask about. */
export function introducedNames(text: string): Set<string> {
  return new Set([...text.matchAll(INTRODUCTION)].flatMap((m) => words(m[1]!)));
}

const NOT_NAMES = new Set(
  ('i monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun january february march april may june ' +
    'july august september october november december ok okay yes no sir madam mr mrs ms dr please thanks').split(' '),
);

/**
 * Normalized forms of the capitalized words inside a question ("Do you have a shop in London?" ->
 * "london"): names of places, brands, people. German is left out (all its nouns are capitalized).
 */
export function namesIn(text: string): Set<string> {
  const out = new Set<string>();
  const introduced = introducedNames(text);
  for (const m of text.matchAll(/(?<=[\p{L}\p{N},;:)'’"][ \t]+)\p{Lu}[\p{L}\p{N}]*/gu)) {
    const w = words(m[0])[0];
    if (w && w.length >= 2 && !NOT_NAMES.has(w) && !STOPWORDS.has(w) && !introduced.has(w)) out.add(w);
  }
  return out;
}

