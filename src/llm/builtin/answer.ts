import type { LanguageModelV2Prompt } from '@ai-sdk/provider';
import {
  FOLLOW_UP_OPENERS,
  GREETING_CORE,
  GREETING_WORDS,
  LANGUAGE_MARKERS,
  REPLIES,
  type ReplyLanguage,
  SYNONYM_GROUPS,
  THANKS_CORE,
  THANKS_WORDS,
} from './lexicon.ts';
import { type ParsedPrompt, parsePrompt } from './prompt-parser.ts';
import { type Candidate, type RankQuery, selectSentences } from './sentence-ranker.ts';
import { isMetaInstruction, splitSentences, stem, terms, words } from './text-analysis.ts';

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
  const language = replyLanguage(parsed.language, ws);
  const replies = REPLIES[language];
  const reply = (kind: AnswerKind, text: string): BuiltinAnswer => ({ text, usedPassageIds: [], kind, language });

  if (message === undefined) return reply('greeting', `${greetingOpener(language, ws)} ${replies.offer}`);
  if (isMadeOf(ws, THANKS_WORDS, THANKS_CORE, 12)) return reply('thanks', replies.thanks);
  if (isMadeOf(ws, GREETING_WORDS, GREETING_CORE, 6)) return reply('greeting', `${greetingOpener(language, ws)} ${replies.offer}`);

  const query = buildQuery(message, ws, parsed.userTurns.at(-2));
  if (query.primary.length === 0) return reply('clarify', replies.clarify);

  const picked = selectSentences(buildCandidates(parsed), query);
  if (picked.length === 0) return reply('no_information', parsed.handoverWhenUnanswered ? replies.noInformationHandover : replies.noInformation);
  const usedPassageIds = [...new Set(picked.flatMap((c) => (c.passageId === null ? [] : [c.passageId])))];
  return { text: compose(picked), usedPassageIds, kind: 'answer', language };
}

/** Short messages made only of words from `allowed`, with at least one from `core` ("hi there", "thanks a lot!"). */
function isMadeOf(ws: string[], allowed: ReadonlySet<string>, core: ReadonlySet<string>, maxWords: number): boolean {
  return ws.length > 0 && ws.length <= maxWords && ws.every((w) => allowed.has(w)) && ws.some((w) => core.has(w));
}

/** The configured language when we have phrases for it; with `auto`, the language the customer writes in. */
function replyLanguage(setting: string, ws: string[]): ReplyLanguage {
  if (setting !== 'auto') {
    const primary = setting.split('-')[0]!.toLowerCase();
    return primary in REPLIES ? (primary as ReplyLanguage) : 'en';
  }
  let best: ReplyLanguage = 'en';
  let bestHits = 0;
  for (const lang of Object.keys(LANGUAGE_MARKERS) as ReplyLanguage[]) {
    const hits = ws.filter((w) => LANGUAGE_MARKERS[lang].has(w)).length;
    if (hits > bestHits) [best, bestHits] = [lang, hits];
  }
  return best;
}

/** Mirrors the customer's own greeting ("Good evening" -> "Good evening!") when we know it. */
function greetingOpener(language: ReplyLanguage, ws: string[]): string {
  const said = ` ${ws.join(' ')} `;
  const greetings = REPLIES[language].greetings;
  const match = greetings.find(([phrase]) => phrase !== '' && said.includes(` ${phrase} `)) ?? greetings.at(-1)!;
  return match[1];
}

/**
 * The message's own terms decide relevance. A short message or a follow-up ("what about
 * Italy?") also borrows the previous question's terms, at a lower weight, to rank candidates;
 * a message with no content terms at all ("and then?") falls back to the previous question.
 */
function buildQuery(message: string, ws: string[], previous: string | undefined): RankQuery {
  const own = [...new Set(terms(message))];
  const said = `${ws.join(' ')} `;
  const followUp = own.length <= SHORT_MESSAGE_TERMS || FOLLOW_UP_OPENERS.some((o) => said.startsWith(o));
  const borrowed = previous !== undefined && followUp ? [...new Set(terms(previous))] : [];
  // A bare number ("2" in "what is 2+2?") ranks but cannot make a sentence relevant on its own.
  const topical = (ts: string[]) => ts.filter((t) => !/^\d+$/.test(t));
  const primary = topical(own).length > 0 ? topical(own) : topical(borrowed);
  const weights = new Map<string, number>();
  for (const t of [...primary, ...own]) weights.set(t, 1);
  for (const t of primary) for (const s of SYNONYMS.get(t) ?? []) if (!weights.has(s)) weights.set(s, SYNONYM_WEIGHT);
  for (const t of borrowed) if (!weights.has(t)) weights.set(t, PREVIOUS_TURN_WEIGHT);
  return { weights, primary: primary.map((t) => [t, ...(SYNONYMS.get(t) ?? [])]) };
}

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
  return out.map((o) => (o.bodies.length > 1 ? `${o.heading}: ${o.bodies.join('; ')}.` : o.text)).join(' ');
}

/** Every quotable sentence of the instructions (facts only) and of the passages, in prompt order. */
function buildCandidates(parsed: ParsedPrompt): Quote[] {
  const out: Quote[] = [];
  const add = (text: string, passageId: string | null, title: string, sourceOrder: number) => {
    splitSentences(text).forEach((unit, position) => {
      if (passageId === null && isMetaInstruction(unit.text)) return;
      // Too little to stand alone as an answer ("Welcome!", "Read more").
      if (unit.text.split(' ').length < 3 && !/\d/.test(unit.text)) return;
      const { text, listItem } = quotable(unit.text, unit.heading);
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
function quotable(text: string, heading: string): Pick<Quote, 'text' | 'listItem'> {
  if (/[.!?…]["'”’)\]]*$/.test(text)) return { text };
  const body = text.replace(/[:;,]$/, '');
  return heading ? { text: `${heading}: ${body}.`, listItem: { heading, body } } : { text: `${body}.` };
}
