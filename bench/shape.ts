/** What the fake upstream answers, shared with the clients that check every reply. */

/** Content chunks in one streamed reply. */
export const CHUNKS = 200;
/** Pause between the first streamed word and the rest. */
export const PAUSE_MS = 20;

export const REPLY_TEXT = 'We are open from 9 am to 6 pm, Monday to Friday.';
export const USAGE = { prompt_tokens: 24, completion_tokens: 14, total_tokens: 38 };

const WORDS = ['Our', 'support', 'team', 'answers', 'every', 'message', 'within', 'one', 'business', 'day'];
/** One short word per chunk: "Hello", " Our", " support", ... */
export const STREAM_WORDS: string[] = ['Hello', ...Array.from({ length: CHUNKS - 1 }, (_, i) => ` ${WORDS[i % WORDS.length]}`)];
export const STREAM_TEXT = STREAM_WORDS.join('');

export const MODEL = 'bench-model';
export const USER_MESSAGE = 'What are your opening hours?';

/** The chat-completions request a client sends to the upstream, the floor or a peer gateway. */
export function chatRequest(stream: boolean): string {
  return JSON.stringify({
    model: MODEL,
    messages: [{ role: 'user', content: USER_MESSAGE }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

/** The runtime-API request a client sends to Parley. */
export function invokeRequest(): string {
  return JSON.stringify({ message: USER_MESSAGE });
}
