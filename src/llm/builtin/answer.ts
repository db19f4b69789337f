import type { LanguageModelV2Prompt } from '@ai-sdk/provider';
import {
  FOLLOW_UP_OPENERS,
  GREETING_CORE,
  GREETING_WORDS,
  REPLIES,
  type ReplyLanguage,
  STOPWORDS,
  SYNONYM_GROUPS,
  THANKS_CORE,
  THANKS_WORDS,
} from './lexicon.ts';
import { translateWord } from './glossary.ts';
import { type ParsedPrompt, parsePrompt } from './prompt-parser.ts';
import { hasShape, questionType } from './question-type.ts';
import { type Candidate, type RankQuery, selectSentences } from './sentence-ranker.ts';
import { detectLanguage, introducedNames, isListItem, isMetaInstruction, namesIn, splitSentences, stem, terms, words } from './text-analysis.ts';

export type AnswerKind = 'greeting' | 'thanks' | 'answer' | 'no_information' | 'clarify';

export interface BuiltinAnswer {
  text: string;
  /** `id` attributes of the `<passage>`s quoted in `text`, in the order they are quoted; [] otherwise. */
  usedPassageIds: string[];
  kind: AnswerKind;
  /** Language of the fixed phrases (greetings, apologies); quoted sentences keep their own. */
  language: ReplyLanguage;
}

/** Terms borrowed from the previous question count half as much as the message's own. */
const PREVIOUS_TURN_WEIGHT = 0.5;
/** A synonym of a word in the message ranks a little below the word itself. */
const SYNONYM_WEIGHT = 0.8;
/** A message with at most this many content terms is read together with the previous question. */
const SHORT_MESSAGE_TERMS = 2;

/** Stemmed term -> its stemmed synonyms. */
const SYNONYMS: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, Set<string>>();
  for (const group of SYNONYM_GROUPS) {
    const stems = [...new Set(group.map(stem))];
    for (const s of stems) {
      const set = map.get(s) ?? new Set<string>();
      for (const o of stems) if (o !== s) set.add(o);
      map.set(s, set);
    }
  }
  return new Map([...map].map(([k, v]) => [k, [...v]]));
})();

/** Phrases that mean one word ("bring back" is "return"), replaced before a message is read. */
const PHRASES: Array<[string, string]> = [
  [' bring back ', ' return '], [' bring it back ', ' return '], [' send back ', ' return '], [' send it back ', ' return '],
  [' give back ', ' return '], [' take back ', ' return '], [' money back ', ' refund '], [' cash back ', ' refund '],
  [' get in touch ', ' contact '], [' part exchange ', ' trade in '], [' switch on ', ' power '], [' turn on ', ' power '],
];
/** One-way widenings: a question's word, and what also answers it ("weekdays" -> "Monday to Friday"). */
const EXPANSIONS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries({
    weekday: 'monday tuesday wednesday thursday friday',
    weekend: 'saturday sunday',
    electric: 'ebike',
    power: 'switch battery',
  }).map(([k, v]) => [stem(k), v.split(' ').map(stem)]),
);
/**
 * When a purchase happened or a day ("last month", "today") rarely names what a question is about:
 * these words rank, but a sentence need not hold them.
 */
const RANK_ONLY = new Set('last ago yesterday today tonight tomorrow recently week weeks month months'.split(' '));
const CONTACT_TYPES = new Set(['phone', 'email', 'address']);
const CONTACT_TERMS = ['contact', 'reach'].map(stem);

const ABOUT_THE_PAGE =
  /^(?:this|the following|the) (?:page|section|article|guide|document|faq|help page)s? (?:covers|explains|describes|lists|tells|shows|answers|is about|will)\b|^(?:read on|see below|below you)/i;

/** Terms a sentence is about without spelling them: an address is an email, a long number a phone. */
const IMPLIED_TERMS: Array<[RegExp, string]> = [
  [/[\w.+-]+@[\w-]+\.[\w.]+/, stem('email')],
  [/\+?\d[\d\s().-]{7,}\d/, stem('phone')],
];

/**
 * The built-in model's whole reply, as a pure function of the prompt: no network, no weights,
 * no clock, no randomness. Greetings and thanks get a fixed phrase; anything else is answered
 * with one to three sentences quoted from the knowledge passages and the instructions, or with
 * an honest "I don't have that information" and an offer of a person when nothing is relevant.
 * `usedPassageIds` lets a caller cite exactly the passages the reply quotes.
 */
export function answer(prompt: LanguageModelV2Prompt): BuiltinAnswer {
  return answerParsed(parsePrompt(prompt));
}

/** Same as `answer`, for a prompt already parsed. */
export function answerParsed(parsed: ParsedPrompt): BuiltinAnswer {
  const message = parsed.userTurns.at(-1);
  const ws = words(message ?? '');
  const spoken = detectLanguage(message ?? '', ws);
  const language = replyLanguage(parsed.language, spoken);
  const replies = REPLIES[language];
  const reply = (kind: AnswerKind, text: string): BuiltinAnswer => ({ text, usedPassageIds: [], kind, language });

  if (message === undefined) return reply('greeting', `${greetingOpener(language, ws)} ${replies.offer}`);
  if (isMadeOf(ws, THANKS_WORDS, THANKS_CORE, 12)) return reply('thanks', replies.thanks);
  if (isMadeOf(ws, GREETING_WORDS, GREETING_CORE, 6)) return reply('greeting', `${greetingOpener(language, ws)} ${replies.offer}`);

  const queries = queriesFor(message, spoken, parsed.userTurns.at(-2));
  if (queries[0]!.primary.length === 0 && !queries[0]!.shape) return reply('clarify', replies.clarify);

  const decline = () => reply('no_information', parsed.handoverWhenUnanswered ? replies.noInformationHandover : replies.noInformation);
  const candidates = buildCandidates(parsed);
  // German capitalizes every noun, so capitals there do not mark names.
  if (spoken !== 'de' && namesUnknown(message, candidates, parsed.instructions)) return decline();
  let picked: Quote[] = [];
  for (const query of queries) if (picked.length === 0) picked = selectSentences(candidates, query);
  if (picked.length === 0) return decline();
  const usedPassageIds = [...new Set(picked.flatMap((c) => (c.passageId === null ? [] : [c.passageId])))];
  const quoted = compose(picked);
  // Knowledge in English quoted to a customer who wrote in another language: said so, in their language.
  const preface = language !== 'en' && detectLanguage(quoted, words(quoted)) === 'en' ? replies.quotedInEnglish : '';
  return { text: preface ? `${preface} ${quoted}` : quoted, usedPassageIds, kind: 'answer', language };
}

/**
 * A question that names something the knowledge never mentions ("a shop in London", "Brompton
 * parts", "post to Oslo") is not answered by the sentences that share its other words.
 */
function namesUnknown(message: string, candidates: Quote[], instructions: string): boolean {
  const names = namesIn(message);
  if (names.size === 0) return false;
  const known = new Set(terms(instructions));
  for (const c of candidates) {
    for (const t of c.terms) known.add(t);
    for (const t of c.context) known.add(t);
  }
  const forms = (n: string) => [n, ...(translateWord(n) ?? [])].map(stem).flatMap((t) => [t, ...(SYNONYMS.get(t) ?? []), ...(EXPANSIONS.get(t) ?? [])]);
  return [...names].some((n) => !forms(n).some((t) => known.has(t)));
}

/** Short messages made only of words from `allowed`, with at least one from `core` ("hi there", "thanks a lot!"). */
function isMadeOf(ws: string[], allowed: ReadonlySet<string>, core: ReadonlySet<string>, maxWords: number): boolean {
  return ws.length > 0 && ws.length <= maxWords && ws.every((w) => allowed.has(w)) && ws.some((w) => core.has(w));
}

/** The configured language when we have phrases for it; with `auto`, the language the customer writes in. */
function replyLanguage(setting: string, spoken: ReplyLanguage): ReplyLanguage {
  if (setting === 'auto') return spoken;
  const primary = setting.split('-')[0]!.toLowerCase();
  return primary in REPLIES ? (primary as ReplyLanguage) : 'en';
}

/** Mirrors the customer's own greeting ("Good evening" -> "Good evening!") when we know it. */
function greetingOpener(language: ReplyLanguage, ws: string[]): string {
  const said = ` ${ws.join(' ')} `;
  const greetings = REPLIES[language].greetings;
  const match = greetings.find(([phrase]) => phrase !== '' && said.includes(` ${phrase} `)) ?? greetings.at(-1)!;
  return match[1];
}

/** What one message asks about: concepts (a term and what also satisfies it), ranking terms, the fact type. */
interface Asked {
  concepts: string[][];
  /** Stemmed words that only name the fact type ("cost", "phone"): they rank, they are not required. */
  naming: string[];
  type: ReturnType<typeof questionType>;
}

/**
 * A message's concepts: each content word with its synonyms; a French, Spanish or German word by
 * its English equivalents; a hyphenated word also whole ("e-bike"). A bare number ("2" in "what is
 * 2+2?") ranks but cannot make a sentence relevant on its own.
 */
function asked(text: string, spoken: ReplyLanguage, typed = true): Asked {
  let said = ` ${words(text).join(' ')} `;
  for (const [phrase, meaning] of PHRASES) said = said.replaceAll(phrase, meaning);
  const ws = said.trim().split(' ').filter(Boolean);
  const type = typed ? questionType(ws) : undefined;
  const concepts: string[][] = [];
  const naming: string[] = [];
  const seen = new Set<string>();
  const add = (stems: string[]) => {
    const key = stems[0];
    if (key === undefined || seen.has(key) || /^\d+$/.test(key)) return;
    seen.add(key);
    const expanded = stems.flatMap((s) => [...(SYNONYMS.get(s) ?? []), ...(EXPANSIONS.get(s) ?? [])]);
    concepts.push([...new Set([...stems, ...expanded])]);
  };
  const introduced = introducedNames(text);
  for (const w of ws) {
    if (STOPWORDS.has(w) || (w.length < 2 && !/\d/.test(w)) || introduced.has(w)) continue;
    if (type?.names.has(w) || RANK_ONLY.has(w)) {
      naming.push(stem(w));
      continue;
    }
    const english = spoken === 'en' ? undefined : translateWord(w);
    add(english ? english.flatMap((e) => terms(e)) : [stem(w)]);
  }
  for (const m of text.matchAll(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)+/gu)) {
    const parts = words(m[0]);
    const joined = parts.join('');
    // "acceptez-vous", "ai-je", "¿puede-usted": a verb and its pronoun, not a word.
    if (spoken !== 'en' && parts.some((p) => STOPWORDS.has(p))) continue;
    if (joined.length >= 4 && !type?.names.has(joined)) add([stem(joined)]);
  }
  if (/\bID\b/.test(text)) add(['id']);
  return { concepts: concepts.filter((c) => c.length > 0), naming, type };
}

/**
 * The message's own concepts decide relevance. A follow-up (a short message, or one opening with
 * "and", "what about"...) must also stay on the previous question's subject: one more concept, any
 * of that question's terms; its terms also rank, at a lower weight, and its fact type carries over
 * ("how much is a tune-up?" then "and a full service?"). A message with no concept of its own and no
 * fact type ("and then?") is read as the previous question.
 */
function buildQuery(message: string, spoken: ReplyLanguage, previous: string | undefined, typed = true): { query: RankQuery; withoutPrevious?: RankQuery } {
  const own = asked(message, spoken, typed);
  const said = `${words(message).join(' ')} `;
  const isFollowUp =
    previous !== undefined && (own.concepts.length <= SHORT_MESSAGE_TERMS || FOLLOW_UP_OPENERS.some((o) => said.startsWith(o)));
  const before = isFollowUp ? asked(previous, detectLanguage(previous, words(previous)), typed) : undefined;
  const type = own.type ?? before?.type;
  const build = (concepts: string[][], borrowed: string[][], anyOf?: number[]): RankQuery => {
    const weights = new Map<string, number>();
    for (const c of concepts) c.forEach((t, i) => weights.has(t) || weights.set(t, i === 0 ? 1 : SYNONYM_WEIGHT));
    for (const t of own.naming) if (!weights.has(t)) weights.set(t, 1);
    for (const t of borrowed.flat()) if (!weights.has(t)) weights.set(t, PREVIOUS_TURN_WEIGHT);
    // A business's own phone number, address or email is on its contact page rather than beside a warranty rule.
    if (type && CONTACT_TYPES.has(type.type)) for (const t of CONTACT_TERMS) if (!weights.has(t)) weights.set(t, PREVIOUS_TURN_WEIGHT);
    return { weights, primary: concepts, anyOf, shape: type && ((text: string) => hasShape(type.type, text)) };
  };
  if (!before) return { query: build(own.concepts, []) };
  if (own.concepts.length === 0 && !own.type) return { query: build(before.concepts, []) };
  const subject = [...new Set(before.concepts.flat())];
  if (subject.length === 0) return { query: build(own.concepts, []) };
  // The message's own words still decide: the previous subject alone does not answer "and on Sunday?".
  const ownIndexes = own.concepts.map((_, i) => i);
  return {
    query: build([...own.concepts, subject], before.concepts, ownIndexes.length ? ownIndexes : undefined),
    withoutPrevious: build(own.concepts, before.concepts),
  };
}

/**
 * Every reading of the message, most specific first: with the fact type and the previous question's
 * subject; without the subject (the customer changed it); read literally, the words naming a fact
 * type being ordinary words ("do you match prices?" asks for no price).
 */
function queriesFor(message: string, spoken: ReplyLanguage, previous: string | undefined): RankQuery[] {
  const typed = buildQuery(message, spoken, previous);
  if (!typed.query.shape) return [typed.query, ...(typed.withoutPrevious ? [typed.withoutPrevious] : [])];
  const literal = buildQuery(message, spoken, previous, false);
  const readings = [typed, literal];
  // "Are parts included in the labour price?" asks yes or no, not for a price: read literally first.
  if (YES_NO.test(message)) readings.reverse();
  return readings.flatMap((r) => [r.query, ...(r.withoutPrevious ? [r.withoutPrevious] : [])]);
}

/** An English question that asks yes or no ("Is delivery free?", "Do you match prices?"). */
const YES_NO = /^\W*(?:is|are|do|does|did|can|could|will|would|should|has|have|may)\s/i;

/** A quotable sentence; list items under a heading also keep their parts, to be merged when quoted together. */
interface Quote extends Candidate {
  listItem?: { heading: string; body: string } | undefined;
}

/** Joins the quotes; consecutive items of one list read "Opening hours: Mon-Fri 9-18; Sat 10-13." */
function compose(quotes: Quote[]): string {
  const out: Array<{ text: string; heading?: string; source: number; bodies: string[] }> = [];
  for (const q of quotes) {
    const last = out.at(-1);
    if (q.listItem && last?.heading === q.listItem.heading && last.source === q.sourceOrder) last.bodies.push(q.listItem.body);
    else out.push({ text: q.text, heading: q.listItem?.heading, source: q.sourceOrder, bodies: q.listItem ? [q.listItem.body] : [] });
  }
  return out.map((o) => (o.bodies.length > 1 ? `${o.heading ? `${o.heading}: ` : ''}${o.bodies.join('; ')}.` : o.text)).join(' ');
}

/** Every quotable sentence of the instructions (facts only) and of the passages, in prompt order. */
function buildCandidates(parsed: ParsedPrompt): Quote[] {
  const out: Quote[] = [];
  const add = (text: string, passageId: string | null, title: string, sourceOrder: number) => {
    splitSentences(text).forEach((unit, position) => {
      if (passageId === null && isMetaInstruction(unit.text)) return;
      // A question in the knowledge ("Can I park at the shop?") asks; it never answers. Nor does a sentence
      // about the page itself ("This page covers what can be returned, how to start a return...").
      if (/\?["'”’)\]]*$/.test(unit.text) || ABOUT_THE_PAGE.test(unit.text)) return;
      // Too little to stand alone as an answer ("Welcome!", "Read more"), unless its heading completes it ("Sunday: closed").
      if (unit.text.split(' ').length < 3 && !/\d/.test(unit.text) && !unit.heading) return;
      const { text, listItem } = quotable(unit.text, unit.heading, isListItem(unit));
      // Scored on what is quoted: a fragment quoted with its heading is also about the heading.
      const unitTerms = terms(text);
      if (unitTerms.length === 0) return;
      for (const [pattern, term] of IMPLIED_TERMS) if (pattern.test(text)) unitTerms.push(term);
      const context = new Set([...terms(title), ...terms(unit.heading)]);
      out.push({ text, listItem, terms: unitTerms, context, passageId, sourceOrder, position });
    });
  };
  add(parsed.instructions, null, '', 0);
  parsed.passages.forEach((p, i) => add(p.text, p.id, p.title, i + 1));
  return out;
}

/**
 * A fragment under a heading ("Monday to Friday, 9am to 6pm" under "Opening hours") is quoted
 * with its heading so it reads on its own; every quote ends with punctuation so quotes join cleanly.
 */
function quotable(text: string, heading: string, bullet: boolean): Pick<Quote, 'text' | 'listItem'> {
  if (/[.!?…]["'”’)\]]*$/.test(text)) return { text };
  const body = text.replace(/[:;,]$/, '');
  if (heading) return { text: `${heading}: ${body}.`, listItem: { heading, body } };
  // Items of a list without a heading ("City bike: £25 per day") are still quoted together.
  return bullet ? { text: `${body}.`, listItem: { heading: '', body } } : { text: `${body}.` };
}
