import stemWord from 'wink-porter2-stemmer';

/**
 * Full-text analysis of knowledge, in this process instead of in PostgreSQL: the words of a chunk as a `tsvector`
 * (written with the chunk) and the words of a question as the lexemes search looks up. Both sides go through the
 * same function, so they always meet.
 *
 * It follows PostgreSQL's `english` configuration, which computed the chunks' `tsvector` until migration 0008:
 * lower-cased words, the Snowball English stop words dropped (they still take a position), the Porter2 (Snowball
 * English) stem of words made of letters, words with digits kept as they are. Where PostgreSQL's parser has token
 * types of its own (hyphenated words, e-mail addresses, URLs, decimals), this splits at every character that is not a
 * letter or a digit, on both sides. Measured on the embedded engine, `to_tsvector` took about 17 ms per 50 KB of text
 * on the database thread, holding the connection that every request shares; this takes about 2 ms here.
 */

/** PostgreSQL's `english.stop` (the Snowball English list). */
const STOP_WORDS = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its ' +
    'itself they them their theirs themselves what which who whom this that these those am is are was were be been being ' +
    'have has had having do does did doing a an the and but if or because as until while of at by for with about against ' +
    'between into through during before after above below to from up down in out on off over under again further then once ' +
    'here there when where why how all any both each few more most other some such no nor not only own same so than too very ' +
    's t can will just don should now'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}]+/gu;
const LETTERS_ONLY = /^\p{L}+$/u;
/** PostgreSQL's limits: positions above 16383 are stored as 16383, a lexeme keeps its first 256 positions. */
const MAX_POSITION = 16_383;
const MAX_POSITIONS_PER_LEXEME = 256;
/** Longer "words" (a hash, base64) find nothing useful and PostgreSQL refuses lexemes over 2 KB. */
const MAX_WORD_LENGTH = 100;

// Stemming is the costly part and text repeats its words (a 50 KB document has about 1,500 distinct ones).
const stems = new Map<string, string>();
const STEM_CACHE_SIZE = 50_000;

/** The lexeme of a lower-cased word, or null for a stop word. */
function lexemeOf(word: string): string | null {
  if (STOP_WORDS.has(word)) return null;
  let lexeme = stems.get(word);
  if (lexeme === undefined) {
    lexeme = LETTERS_ONLY.test(word) ? stemWord(word) : word;
    if (stems.size >= STEM_CACHE_SIZE) stems.clear();
    stems.set(word, lexeme);
  }
  return lexeme;
}

/** Calls `visit` with each lexeme of `text` and its position (from `first`); returns the last position used. */
function scan(text: string, first: number, visit: (lexeme: string, position: number) => void): number {
  let position = first - 1;
  for (const [match] of text.matchAll(WORD)) {
    position++;
    if (match.length > MAX_WORD_LENGTH) continue;
    const lexeme = lexemeOf(match.toLowerCase());
    if (lexeme !== null) visit(lexeme, Math.min(position, MAX_POSITION));
  }
  return position;
}

/**
 * The `tsvector` literal of a chunk: its title and heading path with weight A, then its text with weight B (as
 * `setweight(to_tsvector(title || ' ' || heading_path), 'A') || setweight(to_tsvector(text), 'B')` made it).
 * With `termChunks`, adds 1 to the count of each distinct lexeme of the chunk (the document frequencies of a batch).
 */
export function chunkTsvector(title: string, headingPath: readonly string[], text: string, termChunks?: Map<string, number>): string {
  const entries = new Map<string, string[]>();
  const add = (lexeme: string, entry: string) => {
    let list = entries.get(lexeme);
    if (!list) entries.set(lexeme, (list = []));
    if (list.length < MAX_POSITIONS_PER_LEXEME) list.push(entry);
  };
  let last = 0;
  scan(`${title} ${JSON.stringify(headingPath)}`, 1, (lexeme, position) => {
    add(lexeme, `${position}A`);
    last = position;
  });
  // `||` shifts the right-hand vector's positions by the left one's largest position.
  scan(text, last + 1, (lexeme, position) => add(lexeme, `${position}B`));
  let out = '';
  // Lexemes are letters and digits only: no quote or backslash to escape.
  for (const [lexeme, positions] of entries) {
    out += `${out ? ' ' : ''}'${lexeme}':${positions.join(',')}`;
    if (termChunks) termChunks.set(lexeme, (termChunks.get(lexeme) ?? 0) + 1);
  }
  return out;
}

/** The distinct lexemes of a question, in the order they first appear, at most `max`. */
export function queryLexemes(query: string, max: number): string[] {
  const seen = new Set<string>();
  scan(query, 1, (lexeme) => {
    if (seen.size < max) seen.add(lexeme);
  });
  return [...seen];
}
