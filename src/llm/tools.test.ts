import type { LanguageModelV2CallOptions, LanguageModelV2Content, LanguageModelV2StreamPart } from '@ai-sdk/provider';
import { MockLanguageModelV2 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generate, type ModelCall, type ModelTool, stream, ToolError } from './run-model.ts';

/** A provider that answers each model call with the next scripted content (the vendor side; our loop runs for real). */
function scripted(steps: LanguageModelV2Content[][]) {
  const seen: LanguageModelV2CallOptions[] = [];
  const usage = { inputTokens: 10, outputTokens: 2, totalTokens: 12 };
  const next = (options: LanguageModelV2CallOptions) => {
    seen.push(structuredClone({ ...options, abortSignal: undefined }));
    return steps[seen.length - 1] ?? [{ type: 'text' as const, text: 'fallback' }];
  };
  const model = new MockLanguageModelV2({
    doGenerate: async (options) => ({ content: next(options), finishReason: 'stop', usage, warnings: [] }),
    doStream: async (options) => {
      const parts: LanguageModelV2StreamPart[] = [{ type: 'stream-start', warnings: [] }];
      for (const c of next(options)) {
        if (c.type === 'text') parts.push({ type: 'text-start', id: 't' }, { type: 'text-delta', id: 't', delta: c.text }, { type: 'text-end', id: 't' });
        if (c.type === 'tool-call') {
          parts.push({ type: 'tool-input-start', id: c.toolCallId, toolName: c.toolName }, { type: 'tool-input-delta', id: c.toolCallId, delta: c.input });
          parts.push({ type: 'tool-input-end', id: c.toolCallId }, c);
        }
      }
      parts.push({ type: 'finish', finishReason: 'stop', usage });
      return { stream: new ReadableStream({ start: (ctl) => (parts.forEach((p) => ctl.enqueue(p)), ctl.close()) }) };
    },
  });
  return { model, seen };
}

const call = (model: MockLanguageModelV2, tools: ModelTool[], extra: Partial<ModelCall> = {}): ModelCall => ({
  model,
  system: 'Be brief.',
  messages: [{ role: 'user', content: 'Hi' }],
  maxOutputTokens: 100,
  abortSignal: new AbortController().signal,
  retry: { maxRetries: 0, baseMs: 1, maxDelayMs: 1 },
  tools,
  ...extra,
});

const toolCall = (toolName: string, input: string, id = `call_${toolName}`): LanguageModelV2Content => ({ type: 'tool-call', toolCallId: id, toolName, input });
const resultsOf = (options: LanguageModelV2CallOptions) =>
  options.prompt.filter((m) => m.role === 'tool').flatMap((m) => m.content.map((c) => [c.toolName, c.output]));

describe('tool loop', () => {
  const ran: unknown[] = [];
  const echo: ModelTool<{ n: number }> = {
    name: 'echo',
    description: 'Echo a number',
    inputSchema: z.object({ n: z.number().int() }),
    execute: async (input) => {
      ran.push(input);
      return { twice: input.n * 2 };
    },
  };
  const failing: ModelTool = { name: 'fail', description: 'Fails', inputSchema: z.object({}), execute: async () => Promise.reject(new ToolError('no such order')) };
  const crashing: ModelTool = { name: 'crash', description: 'Crashes', inputSchema: z.object({}), execute: async () => Promise.reject(new Error('db password is hunter2')) };

  it('declares tools with a JSON schema, runs calls and answers each with a result the model reads', async () => {
    const { model, seen } = scripted([
      [{ type: 'text', text: 'Let me see.' }, toolCall('echo', '{"n":21}'), toolCall('echo', '{"n":"x"}', 'c2'), toolCall('nope', '{}'), toolCall('echo', '{oops', 'c4')],
      [toolCall('fail', ''), toolCall('crash', '{}')],
      [{ type: 'text', text: 'It is 42.' }],
    ]);
    const result = await generate(call(model, [echo, failing, crashing]));
    expect(result.text).toBe('Let me see.\n\nIt is 42.');
    expect(result.usage).toEqual({ promptTokens: 30, completionTokens: 6 });
    expect(seen[0]!.tools![0]).toEqual({
      type: 'function',
      name: 'echo',
      description: 'Echo a number',
      inputSchema: expect.objectContaining({ type: 'object', properties: { n: expect.objectContaining({ type: 'integer' }) }, required: ['n'] }),
    });
    expect(ran).toEqual([{ n: 21 }]);
    const [first, bad, unknown, notJson] = resultsOf(seen[1]!);
    expect(first).toEqual(['echo', { type: 'json', value: { twice: 42 } }]);
    expect(bad).toEqual(['echo', { type: 'error-text', value: expect.stringMatching(/^Error: invalid input\.\n.*expected number/s) }]);
    expect(unknown).toEqual(['nope', { type: 'error-text', value: 'Error: there is no tool named "nope". Tools: echo, fail, crash.' }]);
    expect(notJson).toEqual(['echo', { type: 'error-text', value: 'Error: the input is not valid JSON.' }]);
    // A ToolError's message reaches the model; any other failure's does not (it may hold internals).
    expect(resultsOf(seen[2]!).slice(-2)).toEqual([
      ['fail', { type: 'error-text', value: 'Error: no such order' }],
      ['crash', { type: 'error-text', value: 'Error: the tool failed.' }],
    ]);
    expect(result.toolCalls!.map((c) => [c.toolName, c.isError])).toEqual([
      ['echo', false], ['echo', true], ['nope', true], ['echo', true], ['fail', true], ['crash', true],
    ]);
    // The assistant turn before the results keeps the step's text and the calls (parsed input, raw when not JSON).
    const turn = seen[1]!.prompt.at(-2)!;
    expect(turn).toMatchObject({ role: 'assistant', content: [{ type: 'text', text: 'Let me see.' }, { type: 'tool-call', input: { n: 21 } }, {}, {}, { input: '{oops' }] });
  });

  it('runs at most 8 calls of a step and stops after maxSteps model calls', async () => {
    ran.length = 0;
    const many = Array.from({ length: 10 }, (_, i) => toolCall('echo', `{"n":${i}}`, `c${i}`));
    const { model, seen } = scripted([many, [toolCall('echo', '{"n":100}')], [toolCall('echo', '{"n":200}')]]);
    const result = await generate(call(model, [echo], { maxSteps: 2 }));
    expect(seen).toHaveLength(2);
    expect(result.text).toBe('');
    expect(ran).toEqual([...Array.from({ length: 8 }, (_, n) => ({ n })), { n: 100 }]);
    expect(resultsOf(seen[1]!).at(-1)).toEqual(['echo', { type: 'error-text', value: 'Error: too many tool calls at once (at most 8); not run.' }]);
  });

  it('streams the text of every step, reports each call, and sums usage', async () => {
    const { model, seen } = scripted([[{ type: 'text', text: 'One moment.' }, toolCall('echo', '{"n":1}')], [{ type: 'text', text: 'Done.' }]]);
    const events = [];
    for await (const e of stream(call(model, [echo]))) events.push(e);
    expect(events).toEqual([
      { type: 'text', text: 'One moment.' },
      { type: 'tool', call: { toolCallId: 'call_echo', toolName: 'echo', input: { n: 1 }, output: { twice: 2 }, isError: false } },
      { type: 'text', text: '\n\n' },
      { type: 'text', text: 'Done.' },
      { type: 'finish', usage: { promptTokens: 20, completionTokens: 4 }, unanswered: false },
    ]);
    expect(seen).toHaveLength(2);
  });

  it('sends no tools and makes one call when none are given', async () => {
    const { model, seen } = scripted([[{ type: 'text', text: 'Hello.' }]]);
    const result = await generate(call(model, [], { tools: undefined }));
    expect(result).toEqual({ text: 'Hello.', usage: { promptTokens: 10, completionTokens: 2 }, unanswered: false });
    expect(seen[0]!.tools).toBeUndefined();
  });

  it('stops between steps when the call is aborted', async () => {
    const controller = new AbortController();
    const stopping: ModelTool = { name: 'stop', description: 'Stops', inputSchema: z.object({}), execute: async () => (controller.abort(new Error('client left')), 'ok') };
    const { model, seen } = scripted([[toolCall('stop', '{}'), toolCall('stop', '{}', 'c2')]]);
    await expect(generate(call(model, [stopping], { abortSignal: controller.signal }))).rejects.toThrow('client left');
    expect(seen).toHaveLength(1);
  });
});
