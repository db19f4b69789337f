import { translateWord } from './glossary.ts';
import { STOPWORDS, SYNONYM_GROUPS } from './lexicon.ts';
import { type AnswerType, questionType } from './question-type.ts';
import { detectLanguage, stem, words } from './text-analysis.ts';

/** Stem -> the words of its synonym groups, as written (the search engine stems them its own way). */
const GROUP_WORDS: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, Set<string>>();
  for (const group of SYNONYM_GROUPS) {
    for (const w of group) {
      const set = map.get(stem(w)) ?? new Set<string>();
      for (const o of group) set.add(o);
      map.set(stem(w), set);
    }
  }
  return new Map([...map].map(([k, v]) => [k, [...v]]));
})();

/** Words the passage stating a fact of each type tends to hold. */
const TYPE_WORDS: Record<AnswerType, string[]> = {
  phone: ['phone', 'call', 'contact'],
  email: ['email', 'contact'],
  address: ['address', 'contact'],
  time: ['open', 'hours'],
  price: ['price', 'cost'],
  distance: ['km', 'miles'],
  age: ['old', 'age', 'aged'],
  duration: [],
  when: [],
};

/**
 * The knowledge search query for the built-in model: the customer's words, plus the English words
 * of a French, Spanish or German question and the synonyms the model itself accepts ("ring" ->
 * "phone call"), so that keyword search brings the passages the model can then quote. Without it a
 * question that shares no word with the knowledge finds nothing for the model to read.
 */
export function expandSearchQuery(text: string): string {
  const ws = words(text);
  const foreign = detectLanguage(text, ws) !== 'en';
  const extra = new Set<string>();
  for (const w of ws) {
    if (STOPWORDS.has(w) || w.length < 2) continue;
    const english = foreign ? (translateWord(w) ?? []) : [];
    for (const e of english) extra.add(e);
    for (const x of [w, ...english]) for (const s of GROUP_WORDS.get(stem(x)) ?? []) extra.add(s);
  }
  for (const m of text.matchAll(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)+/gu)) for (const s of GROUP_WORDS.get(stem(words(m[0]).join(''))) ?? []) extra.add(s);
  for (const t of TYPE_WORDS[questionType(ws)?.type ?? 'when']) extra.add(t);
  for (const w of ws) extra.delete(w);
  return extra.size ? `${text} ${[...extra].join(' ')}` : text;
}
