import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8Byte } from './decode-text.ts';

const isValid = (bytes: Uint8Array) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

describe('firstInvalidUtf8Byte', () => {
  it('points at the first byte of the first invalid sequence', () => {
    const enc = (s: string) => [...new TextEncoder().encode(s)];
    expect(firstInvalidUtf8Byte(Uint8Array.from(enc('héllo €'))) ).toBe(-1);
    expect(firstInvalidUtf8Byte(Uint8Array.from([...enc('ab'), 0xe9, ...enc('c')]))).toBe(2); // Latin-1 é
    expect(firstInvalidUtf8Byte(Uint8Array.from([...enc('a'), 0xc0, 0xaf]))).toBe(1); // overlong "/"
    expect(firstInvalidUtf8Byte(Uint8Array.from([0xed, 0xa0, 0x80]))).toBe(0); // UTF-16 surrogate
    expect(firstInvalidUtf8Byte(Uint8Array.from([...enc('ok'), 0xe2, 0x82]))).toBe(2); // truncated at the end
  });

  it('agrees with the fatal TextDecoder on arbitrary bytes', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 2000; n++) {
      const bytes = Uint8Array.from({ length: 1 + (next() % 12) }, () => (next() % 3 === 0 ? next() % 128 : 0x80 + (next() % 128)));
      expect(firstInvalidUtf8Byte(bytes) === -1, `bytes ${[...bytes]}`).toBe(isValid(bytes));
    }
  });
});
