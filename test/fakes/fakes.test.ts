import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, generateText, streamText, tool, type LanguageModel } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startFakeAnthropic } from './anthropic-fake.ts';
import { type Fake, fixture } from './fake-server.ts';
import { startFakeOpenAI } from './openai-fake.ts';

// The fakes are proven against the real AI SDK clients Parley uses: if a fake drifts from the
// vendor's wire format, these clients fail to parse it.

// The SDK warns about unknown model ids (it no longer lists claude-3-5-haiku-latest); keep the output readable.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const tools = { get_weather: tool({ description: 'Weather for a city', inputSchema: z.object({ city: z.string() }) }) };
const quiet = () => {};

async function apiError(p: Promise<unknown>): Promise<APICallError> {
  const err = await p.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  if (!APICallError.isInstance(err)) throw new Error(`expected APICallError, got ${String(err)}`);
  return err;
}

async function allParts(result: { fullStream: AsyncIterable<any> }): Promise<any[]> {
  const parts: any[] = [];
  for await (const p of result.fullStream) parts.push(p);
  return parts;
}

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  for (const start = Date.now(); !cond(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs}ms`);
  }
}

const vendors = [
  {
    name: 'openai',
    start: startFakeOpenAI,
    model: (f: Fake): LanguageModel => createOpenAI({ baseURL: f.url, apiKey: 'k' }).chat('gpt-4o-mini'),
    path: '/v1/chat/completions',
    auth: { authorization: 'Bearer k' },
    serverErrorType: 'server_error',
    overloaded: 503,
  },
  {
    name: 'openai-compatible',
    start: startFakeOpenAI,
    model: (f: Fake): LanguageModel => createOpenAICompatible({ name: 'local', baseURL: f.url, apiKey: 'k', includeUsage: true })('llama3'),
    path: '/v1/chat/completions',
    auth: { authorization: 'Bearer k' },
    serverErrorType: 'server_error',
    overloaded: 503,
  },
  {
    name: 'anthropic',
    start: startFakeAnthropic,
    model: (f: Fake): LanguageModel => createAnthropic({ baseURL: f.url, apiKey: 'k' })('claude-3-5-haiku-latest'),
    path: '/v1/messages',
    auth: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
    serverErrorType: 'api_error',
    overloaded: 529,
  },
];

describe.each(vendors)('$name fake through the real AI SDK client', (v) => {
  let fake: Fake;
  let model: LanguageModel;
  beforeAll(async () => {
    fake = await v.start();
    model = v.model(fake);
  });
  afterAll(async () => fake?.close());

  it('returns the scripted text and usage as JSON, and records the request', async () => {
    fake.enqueue({ kind: 'text', text: 'Paris is the capital.', usage: { input: 21, output: 5 } });
    const result = await generateText({ model, system: 'Be brief.', prompt: 'Capital of France?', maxRetries: 0 });
    expect(result.text).toBe('Paris is the capital.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({ inputTokens: 21, outputTokens: 5, totalTokens: 26 });
    const req = fake.requests.at(-1)!;
    expect(req).toMatchObject({ method: 'POST', path: v.path, headers: v.auth, aborted: false });
    expect(req.body.stream ?? false).toBe(false);
    expect(JSON.stringify(req.body)).toContain('Capital of France?');
  });

  it('streams the scripted chunks, with usage from the final event', async () => {
    fake.enqueue({ kind: 'text', text: 'One two three', chunks: ['One', ' two', ' three'], usage: { input: 11, output: 3 } });
    const result = streamText({ model, prompt: 'count', maxRetries: 0, onError: quiet });
    const chunks: string[] = [];
    for await (const t of result.textStream) chunks.push(t);
    expect(chunks).toEqual(['One', ' two', ' three']);
    expect(await result.usage).toMatchObject({ inputTokens: 11, outputTokens: 3, totalTokens: 14 });
    expect(await result.finishReason).toBe('stop');
    expect(fake.requests.at(-1)!.body.stream).toBe(true);
  });

  it('parses a tool call from a JSON reply', async () => {
    fake.enqueue({ kind: 'tool_call', name: 'get_weather', args: { city: 'Paris' }, id: 'call_fixed_1' });
    const result = await generateText({ model, tools, prompt: 'Weather in Paris?', maxRetries: 0 });
    expect(result.finishReason).toBe('tool-calls');
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]).toMatchObject({ toolCallId: 'call_fixed_1', toolName: 'get_weather', input: { city: 'Paris' } });
    expect(JSON.stringify(fake.requests.at(-1)!.body.tools)).toContain('get_weather');
  });

  it('parses text then two tool calls streamed in fragments', async () => {
    fake.enqueue({
      kind: 'tool_calls',
      text: 'Let me check.',
      calls: [
        { name: 'get_weather', args: { city: 'Paris' }, id: 'call_a' },
        { name: 'get_weather', args: { city: 'Rome' }, id: 'call_b' },
      ],
      usage: { input: 40, output: 20 },
    });
    const result = streamText({ model, tools, prompt: 'Weather in Paris and Rome?', maxRetries: 0, onError: quiet });
    const parts = await allParts(result);
    expect(parts.filter((p) => p.type === 'error')).toEqual([]);
    expect(await result.text).toBe('Let me check.');
    const calls = await result.toolCalls;
    expect(calls.map((c) => [c.toolCallId, c.toolName, c.input])).toEqual([
      ['call_a', 'get_weather', { city: 'Paris' }],
      ['call_b', 'get_weather', { city: 'Rome' }],
    ]);
    expect(await result.finishReason).toBe('tool-calls');
    expect(await result.usage).toMatchObject({ inputTokens: 40, outputTokens: 20 });
  });

  it('surfaces 429 (with retry-after) and 500 as APICallError with the status', async () => {
    const before = fake.requests.length;
    fake.enqueue({ kind: 'error', status: 429, retryAfter: 7, message: 'slow down' });
    const limited = await apiError(generateText({ model, prompt: 'hi', maxRetries: 0 }));
    expect(limited.statusCode).toBe(429);
    expect(limited.message).toBe('slow down');
    expect(limited.isRetryable).toBe(true);
    expect(limited.responseHeaders?.['retry-after']).toBe('7');

    fake.enqueue({ kind: 'error', status: 500 });
    const failed = await apiError(generateText({ model, prompt: 'hi', maxRetries: 0 }));
    expect(failed.statusCode).toBe(500);
    expect((failed.data as any).error.type).toBe(v.serverErrorType);
    expect(fake.requests.length - before).toBe(2);
  });

  it('surfaces an overloaded reply to a streaming request as an error part', async () => {
    fake.enqueue({ kind: 'error', status: v.overloaded });
    const parts = await allParts(streamText({ model, prompt: 'hi', maxRetries: 0, onError: quiet }));
    const error = parts.find((p) => p.type === 'error')?.error;
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(v.overloaded);
  });

  it('delivers the text before an error sent inside the stream', async () => {
    fake.enqueue({ kind: 'error', status: v.overloaded, inStream: true, afterText: 'partial answer', message: 'stream broke' });
    const parts = await allParts(streamText({ model, prompt: 'hi', maxRetries: 0, onError: quiet }));
    const text = parts.filter((p) => p.type === 'text-delta').map((p) => p.text).join('');
    expect(text).toBe('partial answer');
    expect(parts.find((p) => p.type === 'error')?.error).toMatchObject({ message: 'stream broke' });
  });

  it('counts a client that aborts after the first chunk', async () => {
    const words = Array.from({ length: 40 }, (_, i) => ` w${i}`);
    fake.enqueue({ kind: 'text', text: words.join(''), chunks: words, chunkDelayMs: 25, usage: { input: 5, output: 40 } });
    const before = fake.aborted;
    const controller = new AbortController();
    const result = streamText({ model, prompt: 'long story', abortSignal: controller.signal, maxRetries: 0, onError: quiet });
    const got: string[] = [];
    try {
      for await (const t of result.textStream) {
        got.push(t);
        if (got.length === 1) controller.abort();
      }
    } catch {
      // the abort may end the read with an AbortError
    }
    await fake.waitForAbort(5000, before);
    expect(fake.aborted).toBe(before + 1);
    expect(fake.requests.at(-1)!.aborted).toBe(true);
    expect(got[0]).toBe(' w0');
    expect(got.length).toBeLessThan(words.length);
  });

  it('hangs on a hang step until the client gives up', async () => {
    fake.enqueue({ kind: 'hang' });
    const before = { aborted: fake.aborted, requests: fake.requests.length };
    const controller = new AbortController();
    const call = generateText({ model, prompt: 'hi', maxRetries: 0, abortSignal: controller.signal });
    const settled = call.then(
      () => 'answered',
      () => 'rejected',
    );
    await until(() => fake.requests.length > before.requests);
    controller.abort();
    expect(await settled).toBe('rejected');
    await fake.waitForAbort(5000, before.aborted);
    expect(fake.requests.at(-1)!.aborted).toBe(true);
  });

  it('serves queued steps first in, first out, then the default', async () => {
    try {
      fake.setDefault({ kind: 'text', text: 'default reply', usage: { input: 1, output: 2 } });
      fake.enqueue({ kind: 'text', text: 'first' }, { kind: 'text', text: 'second' });
      const texts: string[] = [];
      for (let i = 0; i < 3; i++) texts.push((await generateText({ model, prompt: `call ${i}`, maxRetries: 0 })).text);
      expect(texts).toEqual(['first', 'second', 'default reply']);
      expect(fake.pending).toBe(0);
    } finally {
      fake.reset();
    }
  });

  it('answers 401 in the vendor format when a different key is required', async () => {
    fake.requireApiKey('the-right-key');
    try {
      const err = await apiError(generateText({ model, prompt: 'hi', maxRetries: 0 }));
      expect(err.statusCode).toBe(401);
      expect(err.isRetryable).toBe(false);
      expect(err.responseBody).toMatch(v.name === 'anthropic' ? /authentication_error/ : /invalid_api_key/);
    } finally {
      fake.requireApiKey(undefined);
    }
  });
});

/** Structure of a JSON value: the same keys and types, values ignored. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, shape((value as any)[k])]));
  return value === null ? 'null' : typeof value;
}

async function post(fake: Fake, path: string, body: unknown, headers: Record<string, string>) {
  const res = await fetch(fake.url.replace(/\/v1$/, '') + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe('OpenAI fake wire format', () => {
  let fake: Fake;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => fake?.close());
  const auth = { authorization: 'Bearer k' };
  const req = (extra: object = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...extra });

  it('shapes JSON replies like the captured completions', async () => {
    fake.enqueue({ kind: 'text', text: 'Hi there.' }, { kind: 'tool_call', name: 'get_weather', args: { city: 'Paris' } });
    const text = JSON.parse((await post(fake, '/v1/chat/completions', req(), auth)).text);
    expect(shape(text)).toEqual(shape(fixture('openai-chat-completion.json')));
    expect(text).toMatchObject({ object: 'chat.completion', model: 'gpt-4o-mini', choices: [{ message: { content: 'Hi there.' }, finish_reason: 'stop' }] });
    expect(text.id).toMatch(/^chatcmpl-/);
    const call = JSON.parse((await post(fake, '/v1/chat/completions', req(), auth)).text);
    expect(shape(call)).toEqual(shape(fixture('openai-chat-completion-tool-calls.json')));
    expect(call.choices[0].message.tool_calls[0].id).toMatch(/^call_/);
  });

  it('frames a stream as data lines, a finish chunk, a usage chunk and [DONE]', async () => {
    fake.enqueue({ kind: 'text', text: 'Hi there.', usage: { input: 4, output: 2 } });
    const res = await post(fake, '/v1/chat/completions', req({ stream: true, stream_options: { include_usage: true } }), auth);
    expect(res.type).toMatch(/^text\/event-stream/);
    expect(res.text.endsWith('data: [DONE]\n\n')).toBe(true);
    const blocks = res.text.split('\n\n').filter(Boolean);
    expect(blocks.every((b) => b.startsWith('data: ') && !b.includes('\n'))).toBe(true);
    const chunks = blocks.slice(0, -1).map((b) => JSON.parse(b.slice(6)));
    const captured = fixture<any[]>('openai-chat-stream.json');
    expect(chunks.map(shape)).toEqual([captured[0], captured[1], captured[1], captured[3], captured[4]].map(shape));
    expect(chunks.map((c) => c.choices[0]?.delta.content)).toEqual(['', 'Hi', ' there.', undefined, undefined]);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 });
  });

  it('sends no usage at all unless the request asks for it', async () => {
    fake.enqueue({ kind: 'text', text: 'Hi.' });
    const raw = await post(fake, '/v1/chat/completions', req({ stream: true }), auth);
    expect(raw.text).not.toContain('"usage"');
    fake.enqueue({ kind: 'text', text: 'Hi.', usage: { input: 3, output: 1 } });
    const compat = createOpenAICompatible({ name: 'local', baseURL: fake.url, apiKey: 'k' })('llama3');
    const result = streamText({ model: compat, prompt: 'hi', maxRetries: 0, onError: quiet });
    expect(await result.text).toBe('Hi.');
    expect((await result.usage).inputTokens).toBeUndefined();
    expect(fake.requests.at(-1)!.body.stream_options).toBeUndefined();
  });

  it('streams tool call fragments like the captured tool-call stream', async () => {
    fake.enqueue({ kind: 'tool_call', name: 'get_weather', args: { city: 'Paris' } });
    const res = await post(fake, '/v1/chat/completions', req({ stream: true, stream_options: { include_usage: true } }), auth);
    const chunks = res.text.split('\n\n').filter((b) => b && b !== 'data: [DONE]').map((b) => JSON.parse(b.slice(6)));
    const strip = ({ obfuscation: _o, ...c }: any) => shape(c);
    expect(chunks.map(strip)).toEqual(fixture<any[]>('openai-chat-stream-tool-calls.json').map(strip));
    const args = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((t: any) => t.function.arguments).join('');
    expect(JSON.parse(args)).toEqual({ city: 'Paris' });
  });

  it('rejects unknown paths and bodies without messages in OpenAI error form', async () => {
    const notFound = await post(fake, '/v1/completions', req(), auth);
    expect(notFound.status).toBe(404);
    expect(JSON.parse(notFound.text)).toEqual({ error: { message: 'Invalid URL (POST /v1/completions)', type: 'invalid_request_error', param: null, code: null } });
    const missing = await post(fake, '/v1/chat/completions', { model: 'gpt-4o-mini' }, auth);
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text).error).toMatchObject({ param: 'messages', code: 'missing_required_parameter' });
  });
});

describe('Anthropic fake wire format', () => {
  let fake: Fake;
  beforeAll(async () => {
    fake = await startFakeAnthropic();
  });
  afterAll(async () => fake?.close());
  const headers = { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };
  const req = (extra: object = {}) => ({ model: 'claude-3-5-haiku-latest', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...extra });

  it('shapes JSON replies like the captured messages', async () => {
    fake.enqueue({ kind: 'text', text: 'Hi there.' }, { kind: 'tool_call', name: 'get_weather', args: { city: 'Paris' }, text: 'Checking.' });
    const text = JSON.parse((await post(fake, '/v1/messages', req(), headers)).text);
    expect(shape(text)).toEqual(shape(fixture('anthropic-message.json')));
    expect(text).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hi there.' }], stop_reason: 'end_turn' });
    expect(text.id).toMatch(/^msg_01/);
    const call = JSON.parse((await post(fake, '/v1/messages', req(), headers)).text);
    expect(shape(call)).toEqual(shape(fixture('anthropic-message-tool-use.json')));
    expect(call.content[1]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });
  });

  it('frames a stream as named events in the captured order', async () => {
    fake.enqueue({ kind: 'text', text: 'Hello there', usage: { input: 12, output: 30 } });
    const res = await post(fake, '/v1/messages', req({ stream: true }), headers);
    expect(res.type).toMatch(/^text\/event-stream/);
    const events = res.text
      .split('\n\n')
      .filter(Boolean)
      .map((block) => {
        const [event, data, ...rest] = block.split('\n');
        expect(rest).toEqual([]);
        return { event: event!.replace(/^event: /, ''), data: JSON.parse(data!.replace(/^data: /, '')) };
      });
    expect(events.every((e) => e.event === e.data.type)).toBe(true);
    const captured = fixture<Array<{ event: string; data: unknown }>>('anthropic-stream.json');
    expect(events.map((e) => e.event)).toEqual(captured.map((e) => e.event));
    expect(events.map((e) => shape(e.data))).toEqual(captured.map((e) => shape(e.data)));
    expect(events[0]!.data.message.usage.input_tokens).toBe(12);
    expect(events.at(-2)!.data.usage.output_tokens).toBe(30);
  });

  it('streams tool_use blocks like the captured tool-use stream', async () => {
    fake.enqueue({ kind: 'tool_call', name: 'get_weather', args: { city: 'Paris' } });
    const res = await post(fake, '/v1/messages', req({ stream: true }), headers);
    const events = res.text.split('\n\n').filter(Boolean).map((b) => JSON.parse(b.split('\n')[1]!.slice(6)));
    const captured = fixture<Array<{ data: any }>>('anthropic-stream-tool-use.json').map((e) => e.data);
    const kinds = (list: any[]) => [...new Set(list.map((e) => JSON.stringify(shape(e))))].sort();
    expect(kinds(events)).toEqual(kinds(captured));
    const json = events.filter((e) => e.delta?.type === 'input_json_delta').map((e) => e.delta.partial_json);
    expect(json[0]).toBe('');
    expect(JSON.parse(json.join(''))).toEqual({ city: 'Paris' });
  });

  it('insists on the key and version headers as the real API does', async () => {
    const noVersion = await post(fake, '/v1/messages', req(), { 'x-api-key': 'k' });
    expect(noVersion.status).toBe(400);
    expect(JSON.parse(noVersion.text).error).toEqual({ type: 'invalid_request_error', message: 'anthropic-version: header is required' });
    const noKey = await post(fake, '/v1/messages', req(), { 'anthropic-version': '2023-06-01' });
    expect(noKey.status).toBe(401);
    expect(JSON.parse(noKey.text)).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const noMaxTokens = await post(fake, '/v1/messages', { model: 'm', messages: [] }, headers);
    expect(JSON.parse(noMaxTokens.text).error.message).toBe('max_tokens: Field required');
  });

  it('reports an overloaded error opening the stream as a 529 APICallError', async () => {
    fake.enqueue({ kind: 'error', status: 529, inStream: true });
    const model = createAnthropic({ baseURL: fake.url, apiKey: 'k' })('claude-3-5-haiku-latest');
    const parts = await allParts(streamText({ model, prompt: 'hi', maxRetries: 0, onError: quiet }));
    const error = parts.find((p) => p.type === 'error')?.error;
    expect(APICallError.isInstance(error) && error.statusCode).toBe(529);
  });
});
