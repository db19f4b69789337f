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
const load = (): Encoding => (encoding ??= require('gpt-tokenizer/encoding/o200k_base') as Encoding);

// Customer text may contain strings like "<|endoftext|>"; they are counted as the plain text
// they are (as vendors do for user content) instead of throwing. Hoisted: built once, not per call.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * Number of o200k_base tokens in `text`. Uses the library's counting path, which walks the BPE
 * merges without materialising the token array that `encode(text).length` would allocate.
 */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  const enc = load();
  // BPE time is quadratic in the length of one pre-token (a run with no space or digit): 128k
  // letters in a row take ~11 s. Such runs (never prose; possibly an attack) are counted in
  // LONG_RUN-character pieces, which may overcount them by a token per piece.
  let total = 0;
  let start = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || (c >= 48 && c <= 57)) run = 0;
    else if (++run >= LONG_RUN) {
      total += enc.countTokens(text.slice(start, i + 1), PLAIN_TEXT);
      start = i + 1;
      run = 0;
    }
  }
  return total + (start < text.length ? enc.countTokens(start === 0 ? text : text.slice(start), PLAIN_TEXT) : 0);
}

const LONG_RUN = 512;

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
