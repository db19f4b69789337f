import { describe, expect, it } from 'vitest';
import { parseSummary, summaryRequest } from '../summary-prompt.ts';
import { answerSummaryRequest, summarizeTranscript } from './summarize.ts';

const lines = [
  { speaker: 'Customer' as const, text: 'Hello!' },
  { speaker: 'Assistant' as const, text: "Hello! How can I help you today?" },
  { speaker: 'Customer' as const, text: 'My parcel for order 1042 has not arrived. It was due on Monday.' },
  { speaker: 'Assistant' as const, text: "I'm sorry, I don't have that information." },
  { speaker: 'Customer' as const, text: 'The tracking page says order 1042 is stuck at the depot.' },
  { speaker: 'Assistant' as const, text: "I'm sorry, I don't have that information." },
  { speaker: 'Agent' as const, text: 'We will send a replacement parcel for order 1042 tomorrow.' },
  { speaker: 'Customer' as const, text: 'Thanks a lot!' },
];

describe('the built-in summariser', () => {
  it('picks the sentences that carry the conversation, never greetings, thanks or a repeated stock reply', () => {
    const s = summarizeTranscript('', lines);
    expect(s.key_points.length).toBeGreaterThan(1);
    expect(s.key_points.length).toBeLessThanOrEqual(4);
    expect(s.key_points.join('\n')).toMatch(/Customer: .*order 1042/);
    expect(s.key_points.join('\n')).not.toMatch(/Hello|Thanks/);
    expect(s.key_points.filter((p) => p.includes("don't have that information")).length).toBeLessThanOrEqual(1);
    expect(s.summary.length).toBeGreaterThan(0);
    // Same input, same output: no randomness.
    expect(summarizeTranscript('', lines)).toEqual(s);
  });

  it('rolls the earlier summary forward and keeps the whole short', () => {
    const previous = 'Customer: Dana wrote about a refund. '.repeat(40);
    const s = summarizeTranscript(previous, lines);
    expect(s.summary.length).toBeLessThanOrEqual(1_000);
    expect(s.summary).toMatch(/order 1042/);
    expect(s.summary).toMatch(/refund/);
  });

  it('answers the summary task as the JSON it asks for', () => {
    const parsed = parseSummary(answerSummaryRequest(summaryRequest('Earlier: a question about hours.', lines)));
    expect(parsed?.summary).toMatch(/Earlier: a question about hours\./);
    expect(parsed?.key_points.join(' ')).toMatch(/1042/);
  });
});

describe('reading a model\'s summary', () => {
  it('finds the JSON object in a code fence or prose, and bounds what it keeps', () => {
    expect(parseSummary('Sure!\n```json\n{"summary": " Late   order. ", "key_points": ["a", "", "b"]}\n```')).toEqual({ summary: 'Late order.', key_points: ['a', 'b'] });
    const big = parseSummary(JSON.stringify({ summary: 'x'.repeat(5_000), key_points: Array.from({ length: 20 }, () => 'y'.repeat(500)) }))!;
    expect(big.summary.length).toBe(2_000);
    expect(big.key_points).toHaveLength(8);
    expect(big.key_points[0]!.length).toBe(300);
  });

  it('reads plain text as the summary and bullet lines as key points; nothing is no summary', () => {
    expect(parseSummary('The order is late.\n- Order 1042\n- Replacement tomorrow')).toEqual({
      summary: 'The order is late.',
      key_points: ['Order 1042', 'Replacement tomorrow'],
    });
    expect(parseSummary('   ')).toBeNull();
    expect(parseSummary('{"summary": 3}')).toEqual({ summary: '{"summary": 3}', key_points: [] });
  });
});
