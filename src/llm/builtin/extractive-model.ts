import type {
  LanguageModelV2,
  LanguageModelV2CallOptions,
  LanguageModelV2FinishReason,
  LanguageModelV2StreamPart,
  LanguageModelV2Usage,
} from '@ai-sdk/provider';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { countPromptTokens, countTokens } from '../tokens.ts';
import { type AnswerKind, answer } from './answer.ts';
import { isSummaryTask } from '../summary-prompt.ts';
import { messageText } from './prompt-parser.ts';
import { answerSummaryRequest } from './summarize.ts';

const TEXT_ID = 'txt-0';

interface Reply {
  text: string;
  finishReason: LanguageModelV2FinishReason;
  usage: LanguageModelV2Usage;
  /** Passages the reply quotes, for callers that read provider metadata through the AI SDK. */
  providerMetadata: { builtin: { usedPassageIds: string[]; kind: AnswerKind } };
}

/** Word-sized pieces, each with its leading whitespace, so joining them gives back `text` exactly. */
export function wordDeltas(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

/** Longest word prefix of `text` within `maxTokens`: the same cut a vendor model makes at its limit. */
function truncateToTokens(text: string, maxTokens: number): string {
  const pieces = wordDeltas(text);
  let lo = 0;
  let hi = pieces.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (countTokens(pieces.slice(0, mid).join('')) <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  return pieces.slice(0, lo).join('');
}

/** The conversation-summary task (chat memories) gets an extractive summary; anything else an answer. */
function respond(prompt: LanguageModelV2CallOptions['prompt']): { text: string; usedPassageIds: string[]; kind: AnswerKind } {
  const system = prompt.filter((m) => m.role === 'system').map(messageText).join('\n');
  if (!isSummaryTask(system)) return answer(prompt);
  const request = prompt.filter((m) => m.role === 'user').at(-1);
  return { text: answerSummaryRequest(request ? messageText(request) : ''), usedPassageIds: [], kind: 'answer' };
}

function reply(options: LanguageModelV2CallOptions): Reply {
  const result = respond(options.prompt);
  let text = result.text.trim();
  let finishReason: LanguageModelV2FinishReason = 'stop';
  const max = options.maxOutputTokens;
  if (max !== undefined && countTokens(text) > max) {
    text = truncateToTokens(text, max);
    finishReason = 'length';
  }
  const inputTokens = countPromptTokens(options.prompt.map((m) => ({ role: m.role, content: messageText(m) })));
  const outputTokens = countTokens(text);
  return {
    text,
    finishReason,
    usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
    providerMetadata: { builtin: { usedPassageIds: result.usedPassageIds, kind: result.kind } },
  };
}

/** The signal's own reason (an AbortError, or a TimeoutError from AbortSignal.timeout) when it is an error. */
function abortError(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError');
}

/**
 * The offline model behind `builtin/extractive`: it implements the AI SDK's LanguageModelV2 and
 * answers from its prompt only (see `answer`). Same prompt, same reply, same usage.
 */
export function createExtractiveModel(modelId = 'extractive'): LanguageModelV2 {
  return {
    specificationVersion: 'v2',
    provider: 'builtin',
    modelId,
    supportedUrls: {},

    async doGenerate(options) {
      if (options.abortSignal?.aborted) throw abortError(options.abortSignal);
      const r = reply(options);
      return {
        content: [{ type: 'text', text: r.text }],
        finishReason: r.finishReason,
        usage: r.usage,
        providerMetadata: r.providerMetadata,
        warnings: [],
      };
    },

    async doStream(options) {
      const signal = options.abortSignal;
      if (signal?.aborted) throw abortError(signal);
      const r = reply(options);
      const parts: LanguageModelV2StreamPart[] = [
        { type: 'stream-start', warnings: [] },
        { type: 'text-start', id: TEXT_ID },
        ...wordDeltas(r.text).map((delta): LanguageModelV2StreamPart => ({ type: 'text-delta', id: TEXT_ID, delta })),
        { type: 'text-end', id: TEXT_ID },
        { type: 'finish', finishReason: r.finishReason, usage: r.usage, providerMetadata: r.providerMetadata },
      ];
      let next = 0;
      let done = false;
      let controllerRef: ReadableStreamDefaultController<LanguageModelV2StreamPart> | undefined;
      const onAbort = () => {
        if (done) return;
        done = true;
        controllerRef?.error(abortError(signal!));
      };
      const stop = () => {
        done = true;
        signal?.removeEventListener('abort', onAbort);
      };
      const stream = new ReadableStream<LanguageModelV2StreamPart>(
        {
          start(controller) {
            controllerRef = controller;
            signal?.addEventListener('abort', onAbort, { once: true });
          },
          // One part per read, with a turn of the event loop before each, so the reply flows out
          // word by word and an abort (a client disconnect) lands between two words.
          async pull(controller) {
            await yieldToEventLoop();
            if (done) return;
            controller.enqueue(parts[next++]!);
            if (next === parts.length) {
              stop();
              controller.close();
            }
          },
          cancel: stop,
        },
        { highWaterMark: 0 },
      );
      return { stream };
    },
  };
}
