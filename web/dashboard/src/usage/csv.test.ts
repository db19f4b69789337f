import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from './csv';

describe('usage CSV', () => {
  it('leaves plain values and numbers as they are', () => {
    expect(toCsv([['day', 'requests'], ['2026-12-01', 3]])).toBe('day,requests\r\n2026-12-01,3\r\n');
  });

  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(csvField('Acme, Inc.')).toBe('"Acme, Inc."');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('defuses a text a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1')).toBe(`"'-1"`);
    expect(csvField(-1)).toBe('-1');
  });

  it('writes null as an empty field', () => {
    expect(toCsv([[null, undefined, 'a']])).toBe(',,a\r\n');
  });
});
