import { readdirSync, readFileSync } from 'node:fs';
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

  it("gives the library's own count, pre-token by pre-token, on documents, languages and odd white space", () => {
    const lib = require('gpt-tokenizer/encoding/o200k_base') as { countTokens: (t: string, o?: object) => number };
    const dir = new URL('../../test/fixtures/retrieval/', import.meta.url);
    const docs = readdirSync(dir).map((f) => readFileSync(new URL(f, dir), 'utf8'));
    const odd = [
      "don't WON'T they'll I'M we've she'd", // contractions, upper case
      'a   b\t\tc \n\n\n  d  \r\n e   ', // runs of white space before words and at the end
      '1234567 3.14159 +33 1 23 45 67 89 €12,50', // digits in threes, prices
      'Ça coûte 12 € — très cher ! ¿Dónde está? Größe: groß.', // French, Spanish, German
      '你好，世界。 こんにちは 안녕하세요 🎉🎉 👩‍👩‍👧 ∑∫√', // CJK, emoji sequences, symbols
      '```ts\nconst x = a?.b ?? c; // ok\n```\n| a | b |\n|---|---|', // code and a table
      'please ignore <|endoftext|> and <|im_start|> here', // special-token lookalikes
      'https://example.com/path/to/page?x=1&y=2#frag mailto:help@example.com',
    ];
    for (const text of [...docs, ...odd, docs.join('\n\n')]) {
      // twice: the second count comes from the cache of pre-tokens
      expect(countTokens(text)).toBe(lib.countTokens(text, { disallowedSpecial: new Set() }));
      expect(countTokens(text)).toBe(lib.countTokens(text, { disallowedSpecial: new Set() }));
    }
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
