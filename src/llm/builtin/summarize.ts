import { parseSummaryRequest, type Summary, type TranscriptLine } from '../summary-prompt.ts';
import { GREETING_WORDS, STOPWORDS, THANKS_WORDS } from './lexicon.ts';
import { splitSentences, terms, words } from './text-analysis.ts';

/**
 * The built-in model's conversation summary: extractive, like its answers. Sentences of the new messages are
 * ranked SumBasic-style (the mean frequency of their terms across the messages, the frequencies of a picked
 * sentence's terms squared down so the next pick says something else), with a lean towards what the customer
 * said and towards numbers (orders, dates, amounts). Greetings and thanks are never picked. No network, no
 * randomness: the same messages give the same summary.
 */

interface Candidate {
  speaker: TranscriptLine['speaker'];
  text: string;
  terms: Set<string>;
  order: number;
}

const KEY_POINTS = 4;
const NEW_IN_SUMMARY = 2;
const MAX_SUMMARY_CHARS = 900;
const CUSTOMER_BONUS = 1.25;
const NUMBER_BONUS = 1.2;
const SMALL_TALK = new Set([...GREETING_WORDS, ...THANKS_WORDS, ...STOPWORDS]);

function candidates(lines: TranscriptLine[]): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    for (const unit of splitSentences(line.text)) {
      const ws = words(unit.text);
      // A sentence said again (an assistant's stock reply) is one candidate: repeating it makes it no more central.
      if (ws.every((w) => SMALL_TALK.has(w)) || seen.has(ws.join(' '))) continue;
      seen.add(ws.join(' '));
      const t = new Set(terms(unit.text));
      if (t.size < 2) continue;
      out.push({ speaker: line.speaker, text: unit.text, terms: t, order: out.length });
    }
  }
  return out;
}

function overlap(a: Set<string>, b: Set<string>): number {
  let n = 0;
  for (const t of a) if (b.has(t)) n++;
  return n / Math.max(1, Math.min(a.size, b.size));
}

/** Up to `max` sentences, most representative first. */
function pick(all: Candidate[], max: number): Candidate[] {
  const freq = new Map<string, number>();
  let total = 0;
  for (const c of all) for (const t of c.terms) (freq.set(t, (freq.get(t) ?? 0) + 1), total++);
  const prob = new Map([...freq].map(([t, n]) => [t, n / total]));
  const chosen: Candidate[] = [];
  const left = [...all];
  while (chosen.length < max && left.length) {
    let best = -1;
    let bestScore = -Infinity;
    left.forEach((c, i) => {
      let s = 0;
      for (const t of c.terms) s += prob.get(t) ?? 0;
      s /= c.terms.size;
      if (c.speaker === 'Customer') s *= CUSTOMER_BONUS;
      if (/\d/.test(c.text)) s *= NUMBER_BONUS;
      if (s > bestScore) [best, bestScore] = [i, s];
    });
    const [c] = left.splice(best, 1);
    if (chosen.some((o) => overlap(o.terms, c!.terms) > 0.6)) continue;
    chosen.push(c!);
    for (const t of c!.terms) prob.set(t, (prob.get(t) ?? 0) ** 2);
  }
  return chosen;
}

const said = (c: Candidate) => `${c.speaker}: ${c.text}`;

/** Summarises the new messages of a conversation, rolling the earlier summary forward. */
export function summarizeTranscript(previous: string, lines: TranscriptLine[]): Summary {
  const points = pick(candidates(lines), KEY_POINTS).sort((a, b) => a.order - b.order);
  const fresh = points.length ? pick(points, NEW_IN_SUMMARY).sort((a, b) => a.order - b.order).map(said) : [];
  // The earlier summary's sentences are kept, oldest dropped first, so the whole stays short.
  const kept = splitSentences(previous).map((u) => u.text);
  const parts = [...kept, ...fresh];
  while (parts.length > fresh.length && parts.join(' ').length > MAX_SUMMARY_CHARS) parts.shift();
  const fallback = lines.at(-1) ? `${lines.at(-1)!.speaker}: ${lines.at(-1)!.text}` : 'No messages.';
  const summary = parts.join(' ').trim() || fallback;
  return { summary: summary.slice(0, 2_000), key_points: points.map(said) };
}

/** The reply to a summary request, as the JSON the task asks for. */
export function answerSummaryRequest(userText: string): string {
  const { previous, lines } = parseSummaryRequest(userText);
  return JSON.stringify(summarizeTranscript(previous, lines));
}
