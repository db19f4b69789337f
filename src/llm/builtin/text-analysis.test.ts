import { describe, expect, it } from 'vitest';
import { isMetaInstruction, splitSentences, stem, terms, words } from './text-analysis.ts';

describe('words and terms', () => {
  it('lowercases, strips accents and punctuation, and splits at apostrophes', () => {
    expect(words("Où est l'envío, SVP?")).toEqual(['ou', 'est', 'l', 'envio', 'svp']);
  });

  it('drops stopwords in English, French, Spanish and Portuguese and keeps numbers', () => {
    expect(terms('How long do I have to return an item within 30 days?')).toEqual(['long', 'return', 'item', 'within', '30', 'day']);
    expect(terms('Quels sont vos horaires ?')).toEqual([stem('horaires')]);
    expect(terms('¿Cuánto cuesta el envío?')).toEqual([stem('cuesta'), stem('envio')]);
    expect(terms('Quanto custa o envio?')).toEqual([stem('custa'), stem('envio')]);
  });

  it('brings inflections of a word onto one key', () => {
    const same = (...ws: string[]) => expect(new Set(ws.map(stem)).size, ws.join('/')).toBe(1);
    same('price', 'prices', 'priced');
    same('ship', 'shipped', 'shipping', 'ships');
    same('open', 'opening', 'opened');
    same('close', 'closed', 'closing');
    same('policy', 'policies');
    same('box', 'boxes');
    same('address', 'addresses');
    expect(stem('refund')).not.toBe(stem('return'));
  });
});

describe('splitSentences', () => {
  it('splits at sentence ends but not after abbreviations or in decimals', () => {
    const units = splitSentences('We open at 9.30 every day, e.g. Monday. Call Dr. Smith today! Is it free? Yes.');
    expect(units.map((u) => u.text)).toEqual(['We open at 9.30 every day, e.g. Monday.', 'Call Dr. Smith today!', 'Is it free?', 'Yes.']);
  });

  it('joins hard-wrapped lines, keeps list items apart and scopes headings', () => {
    const units = splitSentences(
      '# Returns\nYou can return items\nwithin 30 days.\n- Keep the receipt\n- Use the original box\n\nOpening hours\nMonday to Friday 9-18\n\nWe also sell gift cards.',
    );
    expect(units).toEqual([
      { text: 'You can return items within 30 days.', heading: 'Returns' },
      { text: 'Keep the receipt', heading: 'Returns' },
      { text: 'Use the original box', heading: 'Returns' },
      { text: 'Monday to Friday 9-18', heading: 'Opening hours' },
      // A markdown heading lasts until the next heading; a plain title line only for its block.
      { text: 'We also sell gift cards.', heading: '' },
    ]);
  });

  it('strips markdown and HTML leftovers and caps run-on text', () => {
    expect(splitSentences('See **our** [refund page](https://x.y/r) <b>now</b>.')[0]?.text).toBe('See our refund page now.');
    const long = splitSentences('word '.repeat(200))[0]!.text;
    expect(long.length).toBeLessThanOrEqual(401);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('isMetaInstruction', () => {
  it('flags sentences addressed to the assistant', () => {
    for (const s of [
      'You are the assistant of Acme Dental.',
      "You're friendly.",
      'Always answer politely.',
      'Never discuss competitors.',
      'Be concise and professional.',
      'If the customer is angry, apologise.',
      'Keep your answers short.',
      'Vous êtes l’assistant de la boutique.',
      'Responde siempre en español.',
    ]) {
      expect(isMetaInstruction(s), s).toBe(true);
    }
  });

  it('keeps facts a customer can be told', () => {
    for (const s of ['Our clinic is open Monday to Friday from 9am to 6pm.', 'Parking is free for customers.', 'Nous sommes fermés le dimanche.']) {
      expect(isMetaInstruction(s), s).toBe(false);
    }
  });
});
