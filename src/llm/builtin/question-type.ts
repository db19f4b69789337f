/**
 * What kind of fact a question asks for ("how much" -> a price, "how long" -> a duration, "what's
 * the number" -> a phone number), recognised by phrase in English, French, Spanish and German, and
 * the shape of a sentence that states such a fact. A sentence with the right shape is preferred,
 * and the words that only name the kind ("cost", "phone", "open") need not appear in it: "Tune-up
 * £65" answers "how much does a tune-up cost?".
 */

export type AnswerType = 'price' | 'age' | 'duration' | 'time' | 'when' | 'phone' | 'email' | 'address' | 'distance';

const PRICE = /[£€$]\s?\d|\d\s?(?:€|£|\$|eur\b|euros?\b|gbp\b|usd\b)|\bfree\b|\bgratuit|\bgratis\b|\bkostenlos/iu;
const DURATION =
  /\b\d+(?:[.,]\d+)?\s*(?:(?:to|-|–|or|and)\s*\d+\s*)?(?:working |business |full |calendar )?(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\b|\blifetime\b|\bwhile you wait\b|\bsame[- ]day\b|\bnext[- ]day\b|\bovernight\b/iu;
/** An age or an age limit: "less than 10 years old", "aged 16 and over", "over 18", "12+". */
const AGE =
  /\b\d+\s*(?:years?|yrs?|months?)\s*old\b|\b(?:aged?|over|under|at least|older than|younger than)\s+\d+\b|\b\d+\s*(?:\+|or (?:over|older|above|under)|and (?:over|older|above|under))(?=\s|[.,;:!?)]|$)|\b\d+\s*(?:ans|años|anos|jahre|jahren)\b/iu;
const TIME = /\b\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)\b|\b\d{1,2}[:h]\d{2}\b|\bclosed\b|\bmidnight\b|\bnoon\b|\b24\/7\b/iu;
const WEEKDAY = /\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekdays?|weekends?)\b/iu;
const PHONE = /\+?\d[\d\s().-]{7,}\d/u;
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.]+/u;
const ADDRESS =
  /\b\d{1,4}[a-z]?,?\s+(?:\p{Lu}[\p{L}'’-]*\s+){1,3}(?:street|st|road|rd|lane|avenue|ave|way|square|place|drive|boulevard|row|hill|close|court|quay|rue|calle|avenida|strasse|straße|platz|weg)\b|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b/iu;
const DISTANCE = /\b\d+(?:[.,]\d+)?\s?(?:km|kilomet(?:er|re)s?|miles?|mi)\b/iu;

const SHAPES: Record<AnswerType, (text: string) => boolean> = {
  price: (t) => PRICE.test(t),
  age: (t) => AGE.test(t),
  duration: (t) => DURATION.test(t),
  time: (t) => TIME.test(t),
  when: (t) => TIME.test(t) || DURATION.test(t) || WEEKDAY.test(t),
  phone: (t) => PHONE.test(t.replace(/[£€$]\s?\d[\d,.]*/g, '')),
  email: (t) => EMAIL.test(t),
  address: (t) => ADDRESS.test(t),
  distance: (t) => DISTANCE.test(t),
};

/** True when `sentence` has the shape of an answer of this type. */
export function hasShape(type: AnswerType, sentence: string): boolean {
  return SHAPES[type](sentence);
}

/**
 * Phrases (over normalized words, space-joined and padded with spaces) that ask for each type, in
 * priority order (a "how long" question is a duration even if it says "cost"), and the words that
 * only name the type: a sentence of the right shape satisfies them.
 */
const RULES: Array<{ type: AnswerType; asks: RegExp; names: string }> = [
  // "How old" asks for an age, not any duration: "less than 10 years old", not "store credit valid for 12 months".
  {
    type: 'age',
    asks: / (?:how old|what age|which age|minimum age|age limit|quel age|a partir de quel age|que edad|edad minima|wie alt|welches alter|mindestalter|ab welchem alter) /,
    names: 'old age aged limit minimum alt alter mindestalter edad minima',
  },
  {
    type: 'duration',
    asks: / (?:how long|how quickly|how soon|how fast|how many (?:days|weeks|hours|minutes|months|years)|combien de temps|quel delai|cuanto tiempo|cuanto tarda|cuanto tardan|cuanto dura|wie lange|wie schnell) /,
    names: 'long quickly soon fast take takes taking temps delai duree tiempo tarda tardan dura duracion lange dauert dauer schnell zeit',
  },
  {
    type: 'distance',
    asks: / (?:how far|what distance|how many (?:km|miles|kilometres|kilometers)|quelle distance|que distancia|wie weit) /,
    names: 'far distance km miles kilometres kilometers weit distancia',
  },
  {
    type: 'price',
    asks: / (?:how much|price|prices|pricing|cost|costs|fee|fees|charge|charges|rate|rates|combien|coute|coutent|prix|tarif|tarifs|cuanto|cuesta|cuestan|precio|precios|kostet|kosten|wie viel|wieviel|preis|preise) /,
    names: 'much price prices pricing cost costs fee fees charge charges rate rates combien coute coutent prix tarif tarifs cuesta cuestan precio precios kostet kosten viel wieviel preis preise',
  },
  {
    type: 'email',
    asks: / (?:e mail|email|mail|courriel|correo) /,
    names: 'e mail email address adresse courriel correo direccion electronico electronique',
  },
  {
    type: 'phone',
    asks: / (?:phone|telephone|ring|call|number|whatsapp|numero|telefono|telefon|telefonnummer|nummer|handynummer) /,
    names: 'phone telephone ring call number numero telefono telefon telefonnummer nummer handynummer',
  },
  {
    type: 'address',
    asks: / (?:where|address|located|location|ou se trouve|adresse|donde|direccion|wo|anschrift) /,
    names: 'where address located location find adresse donde direccion wo anschrift',
  },
  {
    type: 'time',
    asks: / (?:what time|opening hours|opening times|hours|open|opens|close|closes|closed|shut|a quelle heure|horaires|ouvert|ouvrez|fermez|a que hora|horario|horarios|abierto|abren|cierran|um wie viel uhr|wann offnen|geoffnet|offnungszeiten|uhr) /,
    names: 'time hours hour opening open opens close closes closed shut times heure heures horaires ouvert ouvrez fermez hora horario horarios abierto abren cierran uhr geoffnet offnungszeiten',
  },
  { type: 'when', asks: / (?:when|quand|cuando|wann) /, names: 'when quand cuando wann' },
];

/** The type of fact a message asks for, and the words that name it, or undefined. */
export function questionType(ws: readonly string[]): { type: AnswerType; names: ReadonlySet<string> } | undefined {
  const said = ` ${ws.join(' ')} `;
  for (const rule of RULES) if (rule.asks.test(said)) return { type: rule.type, names: new Set(rule.names.split(' ')) };
  return undefined;
}
