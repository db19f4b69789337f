import { createRequire } from 'node:module';
import type * as O200kBase from 'gpt-tokenizer/encoding/o200k_base';

/**
 * Token counting with the o200k_base encoding (GPT-4o, GPT-4.1, GPT-5, o-series). Other vendors
 * tokenize differently; for them (and the built-in model) this is a close, consistent estimate.
 */

type Encoding = typeof O200kBase;

/**
 * Chat framing, after OpenAI's published counting recipe: every message costs its content plus
 * about 3 tokens (start marker, role, separator/end marker), and the reply is primed with about
 * 3 more (`<|start|>assistant<|message|>`). The role name is folded into the 3 rather than
 * counted separately, so callers can budget a turn as `countTokens(content) + TOKENS_PER_MESSAGE`.
 */
export const TOKENS_PER_MESSAGE = 3;
export const REPLY_PRIMER_TOKENS = 3;

// The encoding's rank tables take ~250 ms and about 50 MB of resident memory to load, so they are loaded
// on first use (synchronously, through require, because counting is synchronous), not at startup.
const require = createRequire(import.meta.url);
let encoding: Encoding | undefined;
let splitter: RegExp | undefined;
const load = (): Encoding => {
  if (!encoding) {
    encoding = require('gpt-tokenizer/encoding/o200k_base') as Encoding;
    // The encoding's own pre-tokenizer (the library's export, so a new version stays in step with it).
    const { O200K_TOKEN_SPLIT_REGEX } = require('gpt-tokenizer/encodingParams/constants') as { O200K_TOKEN_SPLIT_REGEX: RegExp };
    splitter = new RegExp(O200K_TOKEN_SPLIT_REGEX.source, O200K_TOKEN_SPLIT_REGEX.flags);
  }
  return encoding;
};

// Customer text may contain strings like "<|endoftext|>"; they are counted as the plain text
// they are (as vendors do for user content) instead of throwing. Hoisted: built once, not per call.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * Tokens of each pre-token (a word with its leading space, a number of up to three digits, a run of
 * punctuation or of white space) seen recently. BPE never merges across pre-tokens, so a text's count is
 * the sum of its pre-tokens' counts. The library looks each one up in its table of 200,000 ranks (or
 * merges its bytes) on every call; the chunker counts each part of a document two or three times (blocks,
 * then the chunks they are packed into) and a support desk's vocabulary is small, so most pre-tokens are
 * found here instead: about 2.5 times faster on the knowledge benchmark's documents, with the same counts.
 * The library has no such cache for whole pre-tokens (its merge cache only skips the BPE of words not in
 * the table). Short pieces only, and cleared when full: a few MB at most.
 */
const pieceCounts = new Map<string, number>();
const MAX_CACHED_PIECES = 20_000;
const MAX_CACHED_PIECE_LENGTH = 32;

/**
 * Number of o200k_base tokens in `text`, the same as the library's `countTokens` (the test checks it),
 * except for pre-tokens longer than LONG_RUN characters (see below).
 */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  const enc = load();
  const re = splitter!;
  re.lastIndex = 0;
  let total = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const piece = m[0];
    let n = pieceCounts.get(piece);
    if (n === undefined) {
      n = piece.length > LONG_RUN ? countLongPiece(enc, piece) : enc.countTokens(piece, PLAIN_TEXT);
      if (piece.length <= MAX_CACHED_PIECE_LENGTH) {
        if (pieceCounts.size >= MAX_CACHED_PIECES) pieceCounts.clear();
        pieceCounts.set(piece, n);
      }
    }
    total += n;
  }
  return total;
}

// BPE time is quadratic in the length of one pre-token (a run with no space or digit): 128k letters in a
// row take ~11 s. Such runs (never prose; possibly an attack) are counted in LONG_RUN-character pieces,
// which may overcount them by a token per piece.
const LONG_RUN = 512;

function countLongPiece(enc: Encoding, piece: string): number {
  let n = 0;
  for (let i = 0; i < piece.length; i += LONG_RUN) n += enc.countTokens(piece.slice(i, i + LONG_RUN), PLAIN_TEXT);
  return n;
}

/**
 * Prompt tokens of a chat: content tokens plus TOKENS_PER_MESSAGE per message, plus
 * REPLY_PRIMER_TOKENS once when there is at least one message (no messages, no reply, 0).
 */
export function countPromptTokens(messages: ReadonlyArray<{ role: string; content: string }>): number {
  if (messages.length === 0) return 0;
  let total = REPLY_PRIMER_TOKENS;
  for (const m of messages) total += TOKENS_PER_MESSAGE + countTokens(m.content);
  return total;
}
