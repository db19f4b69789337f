import { APICallError, type ModelMessage } from 'ai';
import type { LanguageModelV2, LanguageModelV2CallOptions, LanguageModelV2Prompt, LanguageModelV2StreamPart, SharedV2ProviderMetadata } from '@ai-sdk/provider';
import { EgressDeniedError } from '../infra/egress/egress.ts';
import { AppError } from '../lib/errors.ts';

export interface RetryPolicy {
  maxRetries: number;
  baseMs: number;
  /** Upper bound of one wait. */
  maxDelayMs: number;
}

export interface ModelCall {
  model: LanguageModelV2;
  system: string;
  messages: ModelMessage[];
  maxOutputTokens: number;
  abortSignal: AbortSignal;
  retry: RetryPolicy;
}

export interface ModelUsage {
  promptTokens?: number;
  completionTokens?: number;
}

export interface ModelResult {
  text: string;
  usage: ModelUsage;
  /** The model said it has no answer (the built-in model tells; vendor models do it through a tool). */
  unanswered: boolean;
}

/** The built-in model's verdict, carried in its provider metadata. */
const saysUnanswered = (metadata: SharedV2ProviderMetadata | undefined) => metadata?.builtin?.kind === 'no_information';

/** 429, 408, 409, 5xx and network failures are worth another try; 4xx are not. */
/** The egress guard's refusal, wherever the SDK wrapped it (APICallError -> TypeError -> cause). */
export function egressRefusal(err: unknown): EgressDeniedError | undefined {
  for (let e = err as { cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    if (e instanceof EgressDeniedError) return e;
  }
  return undefined;
}

export function isTransient(err: unknown): boolean {
  if (egressRefusal(err)) return false;
  if (APICallError.isInstance(err)) return err.isRetryable;
  const e = err as { name?: string; code?: string; cause?: { code?: string } };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return false;
  const code = e?.code ?? e?.cause?.code;
  return e instanceof TypeError || ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET'].includes(code ?? '');
}

/** Exponential backoff with full jitter, honouring a provider's Retry-After when it is shorter than the cap. */
export function backoffDelay(attempt: number, policy: RetryPolicy, err?: unknown): number {
  const retryAfter = APICallError.isInstance(err) ? Number(err.responseHeaders?.['retry-after']) : NaN;
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return Math.min(retryAfter * 1000, policy.maxDelayMs);
  const ceiling = Math.min(policy.baseMs * 2 ** attempt, policy.maxDelayMs);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** What the caller shows for an upstream failure: status only, never the vendor's body (it may echo keys). */
export function upstreamError(err: unknown, signal: AbortSignal): AppError {
  if (signal.aborted && (signal.reason as Error | undefined)?.name === 'TimeoutError') {
    return new AppError('bad_gateway', 'the model provider did not answer in time');
  }
  if (err instanceof AppError) return err;
  if (egressRefusal(err)) {
    return new AppError(
      'bad_gateway',
      "the model provider's address is refused: it is a private, loopback or link-local address (an operator may allow it with PARLEY_EGRESS_ALLOW)",
    );
  }
  if (APICallError.isInstance(err)) {
    return new AppError('bad_gateway', `the model provider failed${err.statusCode ? ` (HTTP ${err.statusCode})` : ''}`);
  }
  return new AppError('bad_gateway', 'the model provider could not be reached');
}

async function withRetries<T>(call: ModelCall, attemptFn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptFn();
    } catch (err) {
      if (call.abortSignal.aborted || attempt >= call.retry.maxRetries || !isTransient(err)) throw err;
      await sleep(backoffDelay(attempt, call.retry, err), call.abortSignal);
    }
  }
}

/*
 * Calls go to the AI SDK's provider interface (`doGenerate` / `doStream` of LanguageModelV2, the
 * contract every provider and our built-in model implement) rather than through `generateText` /
 * `streamText`. Those helpers re-validate the prompt against the SDK's recursive message schema on
 * every call (measured: ~20 KB of garbage and a walk of the whole schema per request with zod 4.6),
 * and add retries, tool steps, telemetry spans and stream transforms that Parley does not use:
 * retries are ours, prompts are plain text built by us, and each transform delayed the first token.
 */

/** Our text-only conversation in the provider prompt format (what the SDK's own conversion yields). */
export function toProviderPrompt(system: string, messages: ModelMessage[]): LanguageModelV2Prompt {
  const prompt: LanguageModelV2Prompt = [];
  if (system) prompt.push({ role: 'system', content: system });
  for (const m of messages) {
    if (m.role === 'system') prompt.push({ role: 'system', content: m.content });
    else if (m.role === 'user' || m.role === 'assistant') {
      const text = typeof m.content === 'string' ? m.content : m.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
      prompt.push({ role: m.role, content: [{ type: 'text', text }] });
    }
  }
  return prompt;
}

function callOptions(call: ModelCall): LanguageModelV2CallOptions {
  return { prompt: toProviderPrompt(call.system, call.messages), maxOutputTokens: call.maxOutputTokens, abortSignal: call.abortSignal };
}

export async function generate(call: ModelCall): Promise<ModelResult> {
  const options = callOptions(call);
  const result = await withRetries(call, async () => call.model.doGenerate(options));
  let text = '';
  for (const part of result.content) if (part.type === 'text') text += part.text;
  return { text, usage: { promptTokens: result.usage.inputTokens, completionTokens: result.usage.outputTokens }, unanswered: saysUnanswered(result.providerMetadata) };
}

export type StreamEvent =
  | { type: 'text'; text: string }
  | { type: 'finish'; usage: ModelUsage; unanswered: boolean };

/**
 * Streams a reply. Transient failures before the first token are retried; once a token has been
 * forwarded, a failure ends the stream (the caller turns it into an `error` event).
 */
export async function* stream(call: ModelCall): AsyncGenerator<StreamEvent> {
  const options = callOptions(call);
  const open = async () => {
    const { stream: parts } = await call.model.doStream(options);
    const reader = parts.getReader();
    // Pull until something the caller must see; errors up to here are retryable.
    for (;;) {
      const next = await reader.read();
      if (next.done) return { first: undefined, reader };
      const part = next.value;
      if (part.type === 'error') {
        reader.cancel().catch(() => {});
        throw part.error;
      }
      if (part.type === 'text-delta' || part.type === 'finish') return { first: part, reader };
    }
  };
  const { first, reader } = await withRetries(call, open);
  let part: LanguageModelV2StreamPart | undefined = first;
  try {
    while (part) {
      if (call.abortSignal.aborted) throw call.abortSignal.reason ?? new Error('aborted');
      if (part.type === 'error') throw part.error;
      if (part.type === 'text-delta' && part.delta) yield { type: 'text', text: part.delta };
      if (part.type === 'finish') {
        yield { type: 'finish', usage: { promptTokens: part.usage.inputTokens, completionTokens: part.usage.outputTokens }, unanswered: saysUnanswered(part.providerMetadata) };
      }
      const next = await reader.read();
      part = next.done ? undefined : next.value;
    }
  } finally {
    // Stopped early (an error, the client went away): release the provider's response.
    if (part) reader.cancel().catch(() => {});
  }
}
