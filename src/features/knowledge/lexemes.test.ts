import { readdirSync, readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkTsvector, queryLexemes } from './lexemes.ts';

// The analysis replaced PostgreSQL's `english` configuration (the generated column of chunks until migration 0008):
// on ordinary prose both must give the same lexemes, so chunks written before and after the change meet the same
// questions. Checked against PostgreSQL itself (PGlite in this process).
const FIXTURES = new URL('../../../test/fixtures/retrieval/', import.meta.url);
const prose = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.md'))
  .map((f) => readFileSync(new URL(f, FIXTURES), 'utf8'));

let pg: PGlite;
beforeAll(async () => {
  pg = await PGlite.create();
}, 60_000);
afterAll(() => pg.close());

const pgLexemes = async (text: string) =>
  (await pg.query<{ l: string }>(`select unnest(tsvector_to_array(to_tsvector('english', $1))) as l`, [text])).rows.map((r) => r.l).sort();

describe('knowledge lexemes', () => {
  it("stems every word of the labelled documents as PostgreSQL's english configuration does", async () => {
    // Words only (PostgreSQL keeps "3.5", "e-mail" or an address whole; this splits them, on both sides alike).
    const words = [...new Set(prose.join(' ').match(/\p{L}+/gu))];
    expect(words.length).toBeGreaterThan(1000);
    const text = words.join(' ');
    expect(queryLexemes(text, 100_000).sort()).toEqual(await pgLexemes(text));
  });

  it('writes a tsvector PostgreSQL reads as its own: weights A then B, positions after the title, stop words counted', async () => {
    const title = 'Returns and refunds';
    const path = ['Policies', 'Refunds'];
    const text = 'Refunds take 5 working days. The refund goes to the card you paid with.';
    const ours = chunkTsvector(title, path, text);
    const theirs = (
      await pg.query<{ v: string }>(
        `select (setweight(to_tsvector('english', $1 || ' ' || $2::jsonb::text), 'A') || setweight(to_tsvector('english', $3), 'B'))::text as v`,
        [title, JSON.stringify(path), text],
      )
    ).rows[0]!.v;
    expect((await pg.query<{ v: string }>(`select $1::tsvector::text as v`, [ours])).rows[0]!.v).toBe(theirs);
  });

  it('keeps words with digits whole, drops stop words and over-long tokens, and lists a question once per lexeme', () => {
    expect(queryLexemes('What is the SKU ab12 of the running shoes? Running!', 10)).toEqual(['sku', 'ab12', 'run', 'shoe']);
    expect(queryLexemes('the and of', 10)).toEqual([]);
    expect(queryLexemes(`${'x'.repeat(200)} price`, 10)).toEqual(['price']);
    expect(queryLexemes('one two three four five', 3)).toEqual(['one', 'two', 'three']);
    expect(chunkTsvector('', [], '')).toBe('');
  });

  it("counts each chunk once per stem for the org's document frequencies, however often the stem appears in it", () => {
    const counts = new Map<string, number>();
    chunkTsvector('Refunds', ['Refunds'], 'Refunds are refunded to the card.', counts);
    chunkTsvector('Shipping', [], 'Cards are not charged for shipping.', counts);
    expect(Object.fromEntries(counts)).toEqual({ refund: 1, card: 2, ship: 1, charg: 1 });
  });
});
