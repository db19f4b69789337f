import { z } from 'zod';

/**
 * The conversation-summary task (chat memories): the prompt any model is sent and how its answer is read.
 * The built-in model recognises the task by its tag and answers it extractively (builtin/summarize.ts).
 */

export const SUMMARY_TASK_TAG = '<task>conversation-summary</task>';

export type Speaker = 'Customer' | 'Assistant' | 'Agent';

export interface TranscriptLine {
  speaker: Speaker;
  text: string;
}

export interface Summary {
  summary: string;
  key_points: string[];
}

const MAX_LINE_CHARS = 1_500;
const MAX_SUMMARY_CHARS = 2_000;
const MAX_POINT_CHARS = 300;
const MAX_POINTS = 8;

export const SUMMARY_SYSTEM = `${SUMMARY_TASK_TAG}
You keep the memory of a customer-support conversation for the support team and for the assistant.
You are given the summary so far (it may be empty) and the messages since. Answer with JSON only, no prose around it:
{"summary": "...", "key_points": ["...", "..."]}
- summary: the whole conversation so far (the earlier summary and the new messages) in at most 5 sentences.
- key_points: 1 to 6 short facts from the new messages: who the customer is, their problem, order or account numbers, what was promised or decided, what is still open.
Write in the language of the conversation. Never invent anything that is not in the messages.`;

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`);

/** The user message of the task: the summary so far, then the new messages, one per line. */
export function summaryRequest(previous: string | undefined, lines: TranscriptLine[]): string {
  const transcript = lines.map((l) => `${l.speaker}: ${cut(oneLine(l.text), MAX_LINE_CHARS)}`).join('\n');
  return `<previous_summary>\n${previous ? oneLine(previous) : ''}\n</previous_summary>\n<messages>\n${transcript}\n</messages>`;
}

/** Reads a summary request back (the built-in model does). */
export function parseSummaryRequest(text: string): { previous: string; lines: TranscriptLine[] } {
  const previous = /<previous_summary>([\s\S]*?)<\/previous_summary>/.exec(text)?.[1]?.trim() ?? '';
  const body = /<messages>([\s\S]*?)<\/messages>/.exec(text)?.[1] ?? '';
  const lines: TranscriptLine[] = [];
  for (const raw of body.split('\n')) {
    const m = /^(Customer|Assistant|Agent):\s?(.*)$/.exec(raw.trim());
    if (m && m[2]!.trim()) lines.push({ speaker: m[1] as Speaker, text: m[2]!.trim() });
  }
  return { previous, lines };
}

export const isSummaryTask = (system: string) => system.includes(SUMMARY_TASK_TAG);

const Answer = z.object({ summary: z.string().min(1), key_points: z.array(z.string()).default([]) });

/**
 * A model's answer as a summary: the JSON object it was asked for (found even inside a code fence or prose), else
 * its text as the summary with its bullet lines as key points. Bounded and trimmed; null when there is no text.
 */
export function parseSummary(text: string): Summary | null {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  let parsed: z.infer<typeof Answer> | undefined;
  if (start >= 0 && end > start) {
    try {
      const r = Answer.safeParse(JSON.parse(text.slice(start, end + 1)));
      if (r.success) parsed = r.data;
    } catch {
      // not JSON: read as text below
    }
  }
  if (!parsed) {
    const trimmed = text.trim();
    if (!trimmed) return null;
    const bullets = trimmed.split('\n').filter((l) => /^\s*(?:[-*•]|\d+[.)])\s+/.test(l));
    const prose = trimmed.split('\n').filter((l) => l.trim() && !bullets.includes(l)).join(' ');
    parsed = { summary: prose || bullets.join(' '), key_points: bullets.map((b) => b.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '')) };
  }
  const summary = cut(oneLine(parsed.summary), MAX_SUMMARY_CHARS);
  if (!summary) return null;
  const key_points = parsed.key_points.map((p) => cut(oneLine(p), MAX_POINT_CHARS)).filter(Boolean).slice(0, MAX_POINTS);
  return { summary, key_points };
}
