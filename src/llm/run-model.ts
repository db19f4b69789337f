import {
  APICallError,
  type LanguageModelV2,
  type LanguageModelV2CallOptions,
  type LanguageModelV2Prompt,
  type LanguageModelV2StreamPart,
  type LanguageModelV2Usage,
  type SharedV2ProviderMetadata,
} from '@ai-sdk/provider';
import type { ModelMessage } from 'ai';
import { EgressDeniedError } from '../infra/egress/egress.ts';
import { AppError } from '../lib/errors.ts';
import { DEFAULT_MAX_STEPS, type ModelTool, providerTool, type RawToolCall, runToolCalls, type ToolCallRecord, toolTurn } from './tools.ts';

export { type ModelTool, type ToolCallRecord, ToolError } from './tools.ts';

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
  /** Tools the model may call; the reply then takes up to `maxSteps` model calls (see generateWithTools). */
  tools?: ModelTool[];
  /** Model calls per reply when tools are given (default DEFAULT_MAX_STEPS). */
  maxSteps?: number;
}

export interface ModelUsage {
  promptTokens?: number;
  completionTokens?: number;
}

export interface ModelResult {
  text: string;
  /** Summed over the steps of a tool loop. */
  usage: ModelUsage;
  /** The model said it has no answer (the built-in model tells; vendor models do it through a tool). */
  unanswered: boolean;
  /** The tool calls the model made, in order (only with tools). */
  toolCalls?: ToolCallRecord[];
}

/** The built-in model's verdict, carried in its provider metadata. */
const saysUnanswered = (metadata: SharedV2ProviderMetadata | undefined) => metadata?.builtin?.kind === 'no_information';

/** The egress guard's refusal, wherever the SDK wrapped it (APICallError -> TypeError -> cause). */
export function egressRefusal(err: unknown): EgressDeniedError | undefined {
  for (let e = err as { cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    if (e instanceof EgressDeniedError) return e;
  }
  return undefined;
}

/** 429, 408, 409, 5xx and network failures are worth another try; 4xx are not. */
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
  const refused = egressRefusal(err);
  if (refused) {
    return new AppError(
      'bad_gateway',
      `the model provider's address is refused: it is a ${refused.kind} address (an operator may allow it with PARLEY_EGRESS_ALLOW)`,
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
 * Tool steps are ours too (the tool loop at the end of this file), so a call without tools pays nothing for them.
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

/** The reply to a call; with tools, the tool loop runs (generateWithTools). */
export function generate(call: ModelCall): Promise<ModelResult> {
  return call.tools?.length ? generateWithTools(call, call.tools) : generateText(call);
}

async function generateText(call: ModelCall): Promise<ModelResult> {
  const options = callOptions(call);
  const result = await withRetries(call, async () => call.model.doGenerate(options));
  let text = '';
  for (const part of result.content) if (part.type === 'text') text += part.text;
  return { text, usage: { promptTokens: result.usage.inputTokens, completionTokens: result.usage.outputTokens }, unanswered: saysUnanswered(result.providerMetadata) };
}

export type StreamEvent =
  | { type: 'text'; text: string }
  /** A tool call was run (tool loop only), before the next step starts. */
  | { type: 'tool'; call: ToolCallRecord }
  | { type: 'finish'; usage: ModelUsage; unanswered: boolean };

/**
 * Streams a reply. Transient failures before the first token are retried; once a token has been
 * forwarded, a failure ends the stream (the caller turns it into an `error` event).
 */
export function stream(call: ModelCall): AsyncGenerator<StreamEvent> {
  // Without tools, the plain generator: the runtime's hot path, with nothing added before its first token.
  return call.tools?.length ? streamWithTools(call, call.tools) : streamText(call);
}

async function* streamText(call: ModelCall): AsyncGenerator<StreamEvent> {
  const options = callOptions(call);
  const { first, reader } = await withRetries(call, () => openStep(call, options));
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

/*
 * The tool loop. A step is one provider call (retried on its own, as above); when the model answers with
 * tool calls, each is validated and run (tools.ts), the assistant's tool-call turn and the results are
 * appended to the prompt, and the next step is called. After `maxSteps` calls the loop stops; as with the
 * AI SDK's `stepCountIs`, the calls of the last step still run, but the model is not called again (forcing
 * `toolChoice: 'none'` would drop the tools on some providers while the prompt holds tool turns). The reply
 * is the text of every step, in order; usage is summed over the steps.
 */

/** Between the texts of two steps (what the model said before a tool call, then after it). */
const STEP_SEPARATOR = '\n\n';

function toolLoop(call: ModelCall, tools: ModelTool[]) {
  const prompt = toProviderPrompt(call.system, call.messages);
  const declared = tools.map(providerTool);
  return {
    byName: new Map(tools.map((t) => [t.name, t])),
    prompt,
    maxSteps: Math.max(1, call.maxSteps ?? DEFAULT_MAX_STEPS),
    usage: {} as ModelUsage,
    records: [] as ToolCallRecord[],
    // A copy of the prompt per step: the next step appends to it while a provider may still hold this one.
    options: (): LanguageModelV2CallOptions => ({
      prompt: [...prompt],
      maxOutputTokens: call.maxOutputTokens,
      abortSignal: call.abortSignal,
      tools: declared,
      toolChoice: { type: 'auto' },
    }),
  };
}

/** Adds a step's usage; a figure stays unknown only while every step left it out. */
function addUsage(total: ModelUsage, step: LanguageModelV2Usage): void {
  if (step.inputTokens !== undefined) total.promptTokens = (total.promptTokens ?? 0) + step.inputTokens;
  if (step.outputTokens !== undefined) total.completionTokens = (total.completionTokens ?? 0) + step.outputTokens;
}

const clientCalls = (calls: Array<RawToolCall & { providerExecuted?: boolean }>) => calls.filter((c) => !c.providerExecuted);

async function generateWithTools(call: ModelCall, tools: ModelTool[]): Promise<ModelResult> {
  const loop = toolLoop(call, tools);
  let text = '';
  for (let step = 1; ; step++) {
    const options = loop.options();
    const result = await withRetries(call, async () => call.model.doGenerate(options));
    addUsage(loop.usage, result.usage);
    let stepText = '';
    for (const part of result.content) if (part.type === 'text') stepText += part.text;
    if (stepText) text = text ? text + STEP_SEPARATOR + stepText : stepText;
    const calls = clientCalls(result.content.filter((p) => p.type === 'tool-call'));
    if (calls.length === 0) break;
    const records = await runToolCalls(loop.byName, calls, call.abortSignal);
    loop.records.push(...records);
    if (step >= loop.maxSteps) break;
    loop.prompt.push(...toolTurn(stepText, records));
  }
  return { text, usage: loop.usage, toolCalls: loop.records, unanswered: false };
}

/** Opens a (step's) stream, pulling until its first part the caller must see (errors up to there are retryable). */
async function openStep(call: ModelCall, options: LanguageModelV2CallOptions) {
  const { stream: parts } = await call.model.doStream(options);
  const reader = parts.getReader();
  for (;;) {
    const next = await reader.read();
    if (next.done) return { first: undefined, reader };
    const part = next.value;
    if (part.type === 'error') {
      reader.cancel().catch(() => {});
      throw part.error;
    }
    if (part.type === 'text-delta' || part.type === 'finish' || part.type === 'tool-call' || part.type === 'tool-input-start') return { first: part, reader };
  }
}

/**
 * The streamed tool loop: text deltas go out as they come; a step's tool calls (`tool-input-*` parts only
 * show progress, `tool-call` carries the whole input) run after that step's stream ends, then the next step
 * is streamed. A failure after text went out ends the stream, as without tools.
 */
async function* streamWithTools(call: ModelCall, tools: ModelTool[]): AsyncGenerator<StreamEvent> {
  const loop = toolLoop(call, tools);
  let sent = false;
  for (let step = 1; ; step++) {
    const options = loop.options();
    const { first, reader } = await withRetries(call, () => openStep(call, options));
    const calls: RawToolCall[] = [];
    let stepText = '';
    let part: LanguageModelV2StreamPart | undefined = first;
    try {
      while (part) {
        if (call.abortSignal.aborted) throw call.abortSignal.reason ?? new Error('aborted');
        if (part.type === 'error') throw part.error;
        if (part.type === 'text-delta' && part.delta) {
          if (!stepText && sent) yield { type: 'text', text: STEP_SEPARATOR };
          stepText += part.delta;
          sent = true;
          yield { type: 'text', text: part.delta };
        } else if (part.type === 'tool-call' && !part.providerExecuted) calls.push(part);
        else if (part.type === 'finish') addUsage(loop.usage, part.usage);
        const next = await reader.read();
        part = next.done ? undefined : next.value;
      }
    } finally {
      if (part) reader.cancel().catch(() => {});
    }
    if (calls.length === 0) break;
    const records = await runToolCalls(loop.byName, calls, call.abortSignal);
    for (const r of records) yield { type: 'tool', call: r };
    if (step >= loop.maxSteps) break;
    loop.prompt.push(...toolTurn(stepText, records));
  }
  yield { type: 'finish', usage: loop.usage, unanswered: false };
}
