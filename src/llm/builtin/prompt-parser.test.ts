import { describe, expect, it } from 'vitest';
import { parsePrompt } from './prompt-parser.ts';

const user = (text: string) => ({ role: 'user' as const, content: [{ type: 'text' as const, text }] });

describe('parsePrompt', () => {
  it('reads instructions, language, passages and the user turns', () => {
    const system = [
      '<instructions>\nBe nice. We open at 9.\n</instructions>',
      '<context>\nLanguage: pt-BR. Time zone: Europe/Paris. Current date: 2026-11-23 (Monday), 10:00.\n</context>',
      '<knowledge>',
      '<passage id="1" title="Say &quot;hi&quot;" url="https://example.com/a">\nFirst text.\n</passage>',
      '<passage id="2" title="Second" url="">\nSecond text.\n</passage>',
      '</knowledge>',
      '<rules>\nAnswer only from the passages.\n</rules>',
    ].join('\n');
    const parsed = parsePrompt([
      { role: 'system', content: system },
      user('first question'),
      { role: 'assistant', content: [{ type: 'text', text: 'an answer' }] },
      user('second '),
      { role: 'user', content: [{ type: 'text', text: 'question' }] },
    ]);
    expect(parsed).toEqual({
      instructions: 'Be nice. We open at 9.',
      language: 'pt-BR',
      passages: [
        { id: '1', title: 'Say "hi"', url: 'https://example.com/a', text: 'First text.' },
        { id: '2', title: 'Second', url: '', text: 'Second text.' },
      ],
      userTurns: ['first question', 'second ', 'question'],
      handoverWhenUnanswered: false,
    });
  });

  it('reads the handover block (a person takes over when there is no answer)', () => {
    const system = '<context>\nLanguage: en.\n</context>\n<handover>\nWhen you cannot answer, say so.\n</handover>';
    expect(parsePrompt([{ role: 'system', content: system }, user('hi')])).toMatchObject({ handoverWhenUnanswered: true, instructions: '' });
  });

  it('accepts a prompt with any part missing', () => {
    expect(parsePrompt([user('hi')])).toEqual({ instructions: '', language: 'auto', passages: [], userTurns: ['hi'], handoverWhenUnanswered: false });
    const onlyContext = parsePrompt([{ role: 'system', content: '<context>\nLanguage: auto (answer in the language the customer writes in).\n</context>' }]);
    expect(onlyContext).toMatchObject({ instructions: '', language: 'auto', passages: [] });
  });

  it('treats an untagged system prompt as instructions', () => {
    const parsed = parsePrompt([{ role: 'system', content: 'We deliver on Saturdays.' }, { role: 'system', content: 'Call us on 0123.' }, user('x')]);
    expect(parsed.instructions).toBe('We deliver on Saturdays.\nCall us on 0123.');
  });
});
