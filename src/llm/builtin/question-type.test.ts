import { describe, expect, it } from 'vitest';
import { translateWord } from './glossary.ts';
import { hasShape, questionType } from './question-type.ts';
import { expandSearchQuery } from './search-query.ts';
import { words } from './text-analysis.ts';

const typeOf = (q: string) => questionType(words(q))?.type;

describe('questionType', () => {
  it('recognises what kind of fact a question asks for, in four languages', () => {
    expect(typeOf('How much is a tune-up?')).toBe('price');
    expect(typeOf('Was kostet eine Inspektion?')).toBe('price');
    expect(typeOf('How long does it take?')).toBe('duration');
    expect(typeOf('Combien de temps ai-je pour retourner un article ?')).toBe('duration');
    expect(typeOf("What's the phone number?")).toBe('phone');
    expect(typeOf('¿Cuál es su número de teléfono?')).toBe('phone');
    expect(typeOf('Quelle est votre adresse e-mail ?')).toBe('email');
    expect(typeOf('Where is the shop?')).toBe('address');
    expect(typeOf('What time do you open on Saturday?')).toBe('time');
    expect(typeOf('Wann haben Sie am Samstag geöffnet?')).toBe('time');
    expect(typeOf('When will I get my refund?')).toBe('when');
    expect(typeOf('How far is the ride?')).toBe('distance');
    expect(typeOf('How old can a trade-in bike be?')).toBe('age');
    expect(typeOf('Wie alt muss man für die Gruppenfahrten sein?')).toBe('age');
    expect(typeOf('À partir de quel âge peut-on louer un vélo ?')).toBe('age');
    expect(typeOf('Do you sell gift cards?')).toBeUndefined();
  });

  it('tells a sentence that states such a fact from one that does not', () => {
    expect(hasShape('price', 'Tune-up: £65.')).toBe(true);
    expect(hasShape('price', 'Helmets are included.')).toBe(false);
    expect(hasShape('duration', 'A full service takes 3 to 4 working days.')).toBe(true);
    expect(hasShape('time', 'Saturday: 9am to 5pm.')).toBe(true);
    expect(hasShape('phone', 'Call us on 0117 496 0321.')).toBe(true);
    // A price is not a phone number.
    expect(hasShape('phone', 'Bikes over £1,500.00 can be paid monthly.')).toBe(false);
    expect(hasShape('email', 'Write to hello@example.com.')).toBe(true);
    expect(hasShape('address', 'Our shop is at 14 Mill Lane, Bristol BS1 4QA.')).toBe(true);
    expect(hasShape('distance', 'The ride covers about 40 km.')).toBe(true);
    expect(hasShape('age', 'We accept bikes that are less than 10 years old.')).toBe(true);
    expect(hasShape('age', 'Group rides are open to everyone aged 16 and over.')).toBe(true);
    expect(hasShape('age', 'Riders must be 14+ to hire an e-bike.')).toBe(true);
    // A duration is not an age.
    expect(hasShape('age', 'The store credit is valid for 12 months.')).toBe(false);
  });
});

describe('glossary and search query', () => {
  it('gives the English of French, Spanish and German support words, plurals and German compounds included', () => {
    expect(translateWord('remboursement')).toEqual(['refund']);
    expect(translateWord('bicicletas')).toEqual(['bike', 'bicycle']);
    expect(translateWord('plattens')).toEqual(['puncture', 'flat']);
    expect(translateWord('telefonnummer')).toEqual(['phone', 'call', 'number']);
    expect(translateWord('skateboard')).toBeUndefined();
  });

  it('widens the search of a foreign or reworded question with the words the knowledge uses', () => {
    expect(expandSearchQuery('¿Cuánto cuesta alquilar una bicicleta?')).toMatch(/\bhire\b.*\bbike\b|\bbike\b.*\bhire\b/);
    expect(expandSearchQuery('How can I ring you?')).toMatch(/\bphone\b/);
    expect(expandSearchQuery('my bike is broken')).toMatch(/\brepair\b/);
    // An English question keeps its own words and gains no translations.
    expect(expandSearchQuery('Do you sell gift cards?')).toMatch(/^Do you sell gift cards\?/);
    expect(expandSearchQuery('Do you sell gift cards?')).not.toMatch(/cadeau|regalo/);
  });
});
