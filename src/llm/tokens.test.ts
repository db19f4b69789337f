import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { countPromptTokens, countTokens, REPLY_PRIMER_TOKENS, TOKENS_PER_MESSAGE } from './tokens.ts';

const require = createRequire(import.meta.url);

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

  it('counts very long unbroken runs in bounded time, close to their whole count', () => {
    // counted whole, 300k letters in a row would take minutes (quadratic BPE) and time the test out
    const attack = 'x'.repeat(300_000);
    const n = countTokens(attack);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(300_000);
    // a run of 2,000 letters, counted in four pieces, stays within two tokens per piece of its exact count
    const run = 'abcdefghij'.repeat(200);
    const load = require('gpt-tokenizer/encoding/o200k_base') as { countTokens: (t: string) => number };
    const exact = load.countTokens(`see ${run} here`);
    const pieces = countTokens(`see ${run} here`);
    expect(pieces).toBeGreaterThanOrEqual(exact);
    expect(pieces - exact).toBeLessThanOrEqual(8);
  });
});
