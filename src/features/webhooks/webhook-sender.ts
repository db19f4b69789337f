import { Webhook } from 'standardwebhooks';
import type { EgressFetch } from '../../infra/egress/egress.ts';
import { cleanBounded } from '../../lib/text.ts';

/** At most this much of a receiver's answer is read; the rest is dropped unread. */
const MAX_READ_BYTES = 64 * 1024;
/** The start of the answer kept in the delivery log. */
export const MAX_EXCERPT_CHARS = 1_000;
const MAX_ERROR_CHARS = 500;

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  response: string | null;
  error: string | null;
}

/**
 * One signed POST (Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` over
 * `id.timestamp.body`). The timestamp is the attempt's, so a retry a day later still passes a
 * receiver's freshness check; the id and the body are the delivery's, the same on every attempt.
 * Redirects are not followed: a 3xx is a failed attempt, as a moved endpoint should be updated.
 */
export async function sendWebhook(opts: {
  fetch: EgressFetch;
  url: string;
  secret: string;
  messageId: string;
  payload: string;
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<SendResult> {
  const started = performance.now();
  const now = new Date();
  const signature = new Webhook(opts.secret).sign(opts.messageId, now, opts.payload);
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = AbortSignal.any([opts.signal, timeout]);
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const res = await opts.fetch(opts.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Parley-Webhooks/1.0',
        'webhook-id': opts.messageId,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: opts.payload,
      redirect: 'manual',
      signal,
    });
    const text = await readCapped(res);
    const ok = res.status >= 200 && res.status < 300;
    return {
      ok,
      statusCode: res.status,
      durationMs: elapsed(),
      response: text === '' ? null : cleanBounded(text, MAX_EXCERPT_CHARS),
      error: ok ? null : `the receiver answered ${res.status}`,
    };
  } catch (err) {
    if (opts.signal.aborted) throw err; // shutdown or the job's own timeout: not the receiver's doing
    const reason = timeout.aborted ? `timed out after ${opts.timeoutMs} ms` : describe(err);
    return { ok: false, statusCode: null, durationMs: elapsed(), response: null, error: cleanBounded(reason, MAX_ERROR_CHARS) };
  }
}

/** Reads at most MAX_READ_BYTES of the body, then lets the connection go. */
async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_READ_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_READ_BYTES));
}

/** undici hides the reason in `cause` ("fetch failed" on its own says nothing). */
function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string; code?: string } };
  const cause = e.cause?.message ?? e.cause?.code;
  return cause ? `${e.message ?? 'request failed'}: ${cause}` : (e.message ?? String(err));
}
