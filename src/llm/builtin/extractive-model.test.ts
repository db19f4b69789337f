import type { LanguageModelV2Prompt, LanguageModelV2StreamPart } from '@ai-sdk/provider';
import { generateText, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { countPromptTokens, countTokens } from '../tokens.ts';
import { createExtractiveModel } from './extractive-model.ts';

const SYSTEM = [
  '<instructions>\nYou are the assistant of Acme. Our shop is open Monday to Saturday from 10am to 7pm.\n</instructions>',
  '<context>\nLanguage: auto. Time zone: Europe/Paris. Current date: 2026-11-23 (Monday), 10:00.\n</context>',
  '<knowledge>',
  '<passage id="1" title="Refund policy" url="https://example.com/refunds">',
  'You can return any item within 30 days of delivery for a full refund. Refunds are issued to the original payment method within 5 business days.',
  '</passage>',
  '</knowledge>',
].join('\n');

const promptOf = (question: string): LanguageModelV2Prompt => [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: [{ type: 'text', text: question }] },
];
const QUESTION = 'How long do I have to return an item, and when are refunds issued?';

async function readAll(stream: ReadableStream<LanguageModelV2StreamPart>): Promise<LanguageModelV2StreamPart[]> {
  const parts: LanguageModelV2StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('createExtractiveModel', () => {
  const model = createExtractiveModel();

  it('identifies itself as a v2 model of the builtin provider', () => {
    expect(model).toMatchObject({ specificationVersion: 'v2', provider: 'builtin', modelId: 'extractive', supportedUrls: {} });
    expect(createExtractiveModel('other').modelId).toBe('other');
  });

  it('generates an answer with stop, no warnings, the quoted passages and token usage of prompt and answer', async () => {
    const prompt = promptOf(QUESTION);
    const r = await model.doGenerate({ prompt });
    const text = r.content[0]?.type === 'text' ? r.content[0].text : '';
    expect(text).toContain('within 30 days');
    expect(r.finishReason).toBe('stop');
    expect(r.warnings).toEqual([]);
    expect(r.providerMetadata).toEqual({ builtin: { usedPassageIds: ['1'], kind: 'answer' } });
    const inputTokens = countPromptTokens([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: QUESTION },
    ]);
    expect(r.usage).toEqual({ inputTokens, outputTokens: countTokens(text), totalTokens: inputTokens + countTokens(text) });
  });

  it('streams word-sized deltas that concatenate to the generated text, framed by start, end and finish', async () => {
    const prompt = promptOf(QUESTION);
    const generated = await model.doGenerate({ prompt });
    const parts = await readAll((await model.doStream({ prompt })).stream);
    const types = parts.map((p) => p.type);
    expect(types.slice(0, 2)).toEqual(['stream-start', 'text-start']);
    expect(types.slice(-2)).toEqual(['text-end', 'finish']);
    const deltas = parts.flatMap((p) => (p.type === 'text-delta' ? [p.delta] : []));
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.slice(1).every((d) => /^\s+\S+$/.test(d))).toBe(true);
    expect(deltas.join('')).toBe(generated.content[0]?.type === 'text' ? generated.content[0].text : null);
    const finish = parts.at(-1);
    expect(finish).toMatchObject({ type: 'finish', finishReason: 'stop', usage: generated.usage });
    if (finish?.type === 'finish') {
      expect(finish.usage.totalTokens).toBe((finish.usage.inputTokens ?? 0) + (finish.usage.outputTokens ?? 0));
    }
  });

  it('stops streaming and errors with an AbortError when the signal aborts', async () => {
    const controller = new AbortController();
    const { stream } = await model.doStream({ prompt: promptOf(QUESTION), abortSignal: controller.signal });
    const reader = stream.getReader();
    const seen: string[] = [];
    for (;;) {
      const { value } = await reader.read();
      seen.push(value!.type);
      if (value?.type === 'text-delta') break;
    }
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.filter((t) => t === 'text-delta')).toHaveLength(1);
    expect(seen).not.toContain('finish');
  });

  it('refuses to start when the signal is already aborted', async () => {
    const signal = AbortSignal.abort();
    await expect(model.doStream({ prompt: promptOf(QUESTION), abortSignal: signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(model.doGenerate({ prompt: promptOf(QUESTION), abortSignal: signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('cuts the answer at maxOutputTokens and reports finishReason length', async () => {
    const r = await model.doGenerate({ prompt: promptOf(QUESTION), maxOutputTokens: 5 });
    const text = r.content[0]?.type === 'text' ? r.content[0].text : '';
    expect(r.finishReason).toBe('length');
    expect(text.length).toBeGreaterThan(0);
    expect(countTokens(text)).toBeLessThanOrEqual(5);
    expect(r.usage.outputTokens).toBe(countTokens(text));
  });

  it('works through the AI SDK, streamed and not, with the same text', async () => {
    const args = { model, system: SYSTEM, prompt: 'What are your opening hours?' };
    const generated = await generateText(args);
    expect(generated.text).toBe('Our shop is open Monday to Saturday from 10am to 7pm.');
    expect(generated.usage.totalTokens).toBe((generated.usage.inputTokens ?? 0) + (generated.usage.outputTokens ?? 0));
    const streamed = streamText(args);
    let text = '';
    for await (const delta of streamed.textStream) text += delta;
    expect(text).toBe(generated.text);
    expect((await streamed.usage).outputTokens).toBe(generated.usage.outputTokens);
  });
});
