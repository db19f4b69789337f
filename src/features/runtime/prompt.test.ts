import { describe, expect, it } from 'vitest';
import { countPromptTokens, countTokens } from '../../llm/tokens.ts';
import { fitHistory, summaryNote } from './prompt.ts';

const turn = (role: 'user' | 'assistant', content: string) => ({ role, content });

describe('fitHistory', () => {
  const history = [turn('user', 'When do you open?'), turn('assistant', 'At nine.'), turn('user', 'And close?'), turn('assistant', 'At six.')];

  it('keeps everything when the prompt fits, without dropping turns', () => {
    const fitted = fitHistory({ system: 'Be brief.', history, message: 'Thanks!', contextWindow: 8192, maxOutputTokens: 1024 });
    expect(fitted.dropped).toBe(0);
    expect(fitted.maxOutputTokens).toBe(1024);
    expect(fitted.messages.map((m) => m.content)).toEqual([...history.map((t) => t.content), 'Thanks!']);
  });

  it('drops the oldest turns first when tokens run out, and keeps the newest that fit', () => {
    const long = 'word '.repeat(400);
    const many = [turn('user', long), turn('assistant', long), turn('user', 'short question'), turn('assistant', 'short answer')];
    const window = 450;
    const fitted = fitHistory({ system: 'Be brief.', history: many, message: 'Next?', contextWindow: window, maxOutputTokens: 64 });
    expect(fitted.dropped).toBe(2);
    expect(fitted.messages.map((m) => m.content)).toEqual(['short question', 'short answer', 'Next?']);
    const used = countPromptTokens(fitted.messages.map((m) => ({ role: m.role, content: String(m.content) })).concat([{ role: 'system', content: 'Be brief.' }]));
    expect(used).toBeLessThanOrEqual(window - 64);
    expect(countTokens(long) + 3 + used).toBeGreaterThan(window - 64); // the next older turn would not have fitted
  });

  it('refuses a message that cannot fit on its own', () => {
    expect(() => fitHistory({ system: '', history: [], message: 'word '.repeat(500), contextWindow: 200, maxOutputTokens: 50 })).toThrow(/too long/);
  });

  it('puts the chat memory in place of dropped turns, counted in the budget, and leaves it out when nothing is dropped', () => {
    const long = 'word '.repeat(400);
    const many = [turn('user', long), turn('assistant', long), turn('user', 'short question'), turn('assistant', 'short answer')];
    const memory = { summary: 'The customer asked about order 1042.', truncated: false };
    const fitted = fitHistory({ system: 'Be brief.', history: many, message: 'Next?', contextWindow: 450, maxOutputTokens: 64, memory });
    expect(fitted.messages[0]).toEqual({ role: 'system', content: summaryNote(memory.summary) });
    expect(fitted.messages.slice(1).map((m) => m.content)).toEqual(['short question', 'short answer', 'Next?']);
    const used = countPromptTokens(fitted.messages.map((m) => ({ role: m.role, content: String(m.content) })).concat([{ role: 'system', content: 'Be brief.' }]));
    expect(used).toBeLessThanOrEqual(450 - 64);

    const whole = fitHistory({ system: 'Be brief.', history, message: 'Thanks!', contextWindow: 8192, maxOutputTokens: 1024, memory });
    expect(whole.messages.some((m) => m.role === 'system')).toBe(false);
    // A history loaded without its oldest turns gets the memory even when all of it fits.
    const cut = fitHistory({ system: 'Be brief.', history, message: 'Thanks!', contextWindow: 8192, maxOutputTokens: 1024, memory: { ...memory, truncated: true } });
    expect(cut.messages[0]!.role).toBe('system');
    expect(cut.dropped).toBe(0);
  });

  it('keeps the turns that fit without the memory when the memory itself does not fit beside the message', () => {
    const fitted = fitHistory({
      system: '',
      history: [turn('user', 'word '.repeat(300)), turn('assistant', 'ok')],
      message: 'word '.repeat(120),
      contextWindow: 200,
      maxOutputTokens: 50,
      memory: { summary: 'word '.repeat(200), truncated: false },
    });
    expect(fitted.messages.some((m) => m.role === 'system')).toBe(false);
    expect(fitted.dropped).toBeGreaterThan(0);
  });
});

