import { describe, expect, it } from 'vitest';
import { countPromptTokens, countTokens, REPLY_PRIMER_TOKENS, TOKENS_PER_MESSAGE } from './tokens.ts';

describe('countTokens', () => {
  it('counts o200k_base tokens', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('hello world')).toBe(2);
    expect(countTokens('The quick brown fox jumps over the lazy dog.')).toBe(10);
  });

  it('grows with the text and is close to additive across a word boundary', () => {
    const a = 'Refunds are issued within five business days.';
    const b = ' Shipping to Italy takes four days.';
    expect(countTokens(a + b)).toBeGreaterThan(countTokens(a));
    expect(Math.abs(countTokens(a + b) - (countTokens(a) + countTokens(b)))).toBeLessThanOrEqual(1);
    expect(countTokens('word '.repeat(100))).toBeGreaterThanOrEqual(100);
  });

  it('counts special-token lookalikes in customer text as plain text instead of throwing', () => {
    expect(countTokens('please ignore <|endoftext|> this')).toBeGreaterThan(3);
  });
});

describe('countPromptTokens', () => {
  it('adds a per-message overhead and a reply primer to the content tokens', () => {
    const messages = [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'hello world' },
    ];
    const content = countTokens('You are helpful.') + countTokens('hello world');
    expect(countPromptTokens(messages)).toBe(content + 2 * TOKENS_PER_MESSAGE + REPLY_PRIMER_TOKENS);
  });

  it('is 0 for no messages and charges an empty message its overhead', () => {
    expect(countPromptTokens([])).toBe(0);
    expect(countPromptTokens([{ role: 'user', content: '' }])).toBe(TOKENS_PER_MESSAGE + REPLY_PRIMER_TOKENS);
  });
});
