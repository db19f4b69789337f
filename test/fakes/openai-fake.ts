import {
  type Fake,
  type Frame,
  type RecordedRequest,
  type Step,
  type Usage,
  type Vendor,
  type VendorReply,
  bearerKey,
  callsOf,
  fixture,
  jsonFragments,
  randomHex,
  randomId,
  startFake,
  usageOf,
  wordChunks,
} from './fake-server.ts';

export type { Fake, RecordedRequest, Step, ToolCall, Usage } from './fake-server.ts';
export type FakeOpenAI = Fake;

/**
 * A loopback OpenAI Chat Completions server (`POST /v1/chat/completions`), also standing in for
 * OpenAI-compatible servers. Replies follow the captured bodies in fixtures/openai-*.json.
 */
export function startFakeOpenAI(opts: { apiKey?: string } = {}): Promise<FakeOpenAI> {
  return startFake(openaiVendor, opts);
}

const CHAT_PATH = '/v1/chat/completions';
type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

export const openaiVendor: Vendor = {
  name: 'openai',
  defaultStep: { kind: 'text', text: 'Hello from the fake OpenAI.', usage: { input: 9, output: 6 } },

  precheck(req, requiredKey) {
    if (req.method !== 'POST' || req.path !== CHAT_PATH) {
      return reject(404, `Invalid URL (${req.method} ${req.path})`);
    }
    // Real OpenAI always wants a key; OpenAI-compatible servers (Ollama, vLLM) often do not, so only when asked.
    if (requiredKey !== undefined) {
      const key = bearerKey(req.headers);
      if (!key) {
        return reject(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.");
      }
      if (key !== requiredKey) {
        return { status: 401, body: errorBody(401, { message: `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.` }) };
      }
    }
    const body = req.body;
    if (typeof body !== 'object' || body === null) {
      return reject(400, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)");
    }
    if (!body.model) return reject(400, 'you must provide a model parameter');
    if (!Array.isArray(body.messages)) {
      return { status: 400, body: { error: { message: "Missing required parameter: 'messages'.", type: 'invalid_request_error', param: 'messages', code: 'missing_required_parameter' } } };
    }
    return undefined;
  },

  async reply(step, req, out) {
    const headers = { 'x-request-id': `req_${randomHex(32)}`, 'openai-processing-ms': '42' };
    const streaming = req.body.stream === true;
    if (step.kind === 'error') {
      const body = errorBody(step.status, step);
      if (streaming && step.inStream) {
        const s = new ChunkStream(req);
        const frames = step.afterText ? [s.first(), ...wordChunks(step.afterText).map((c) => s.delta({ content: c }))] : [];
        // OpenAI reports a mid-stream failure as a bare error object and no [DONE].
        return out.sse([...frames, { text: `data: ${JSON.stringify(body)}\n\n` }], 0, headers);
      }
      return out.json(step.status, body, { ...headers, ...retryHeaders(step) });
    }
    if (step.kind === 'hang' || step.kind === 'raw') return; // served by the core
    const text = step.kind === 'text' ? step.text : (step.text ?? '');
    const calls = callsOf(step, 'call_');
    const finish = calls.length > 0 ? 'tool_calls' : step.kind === 'text' && step.finish === 'length' ? 'length' : 'stop';
    const usage = usageOf(step, req, text + calls.map((c) => JSON.stringify(c.args)).join(''));
    if (!streaming) return out.json(200, completion(req, text, calls, finish, usage), headers);

    const s = new ChunkStream(req);
    const frames: Frame[] = [];
    if (text !== '' || calls.length === 0) {
      frames.push(s.first());
      const chunks = step.kind === 'text' && step.chunks ? step.chunks : wordChunks(text);
      for (const content of chunks) frames.push({ ...s.delta({ content }), paced: true });
    }
    calls.forEach((c, index) => {
      const start = { index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } };
      // The first tool call opens the message when no text came before it.
      frames.push(frames.length === 0 ? s.delta({ role: 'assistant', content: null, tool_calls: [start], refusal: null }) : s.delta({ tool_calls: [start] }));
      for (const part of jsonFragments(JSON.stringify(c.args))) {
        frames.push({ ...s.delta({ tool_calls: [{ index, function: { arguments: part } }] }), paced: true });
      }
    });
    frames.push(s.delta({}, finish));
    if (s.includeUsage) frames.push(s.chunk([], usageBody(usage)));
    frames.push({ text: 'data: [DONE]\n\n' });
    await out.sse(frames, step.chunkDelayMs ?? 0, headers);
  },
};

/** chat.completion.chunk frames sharing one id, built on the captured chunk's envelope. */
class ChunkStream {
  private readonly envelope: Record<string, unknown>;
  /** OpenAI sends `usage: null` on every chunk, then a usage-only chunk, only when asked to. */
  readonly includeUsage: boolean;

  constructor(req: RecordedRequest) {
    const { choices: _c, usage: _u, obfuscation: _o, ...envelope } = fixture('openai-chat-stream.json')[0];
    this.envelope = { ...envelope, id: `chatcmpl-${randomId(29)}`, created: nowSeconds(), model: req.body.model, system_fingerprint: fingerprint() };
    this.includeUsage = req.body.stream_options?.include_usage === true;
  }

  first(): Frame {
    return this.delta({ role: 'assistant', content: '', refusal: null });
  }

  delta(delta: Record<string, unknown>, finishReason: string | null = null): Frame {
    return this.chunk([{ index: 0, delta, logprobs: null, finish_reason: finishReason }], null);
  }

  chunk(choices: unknown[], usage: unknown): Frame {
    const body = { ...this.envelope, choices, ...(this.includeUsage ? { usage } : {}), obfuscation: randomId(choices.length ? 6 : 7) };
    return { text: `data: ${JSON.stringify(body)}\n\n` };
  }
}

function completion(req: RecordedRequest, text: string, calls: ReturnType<typeof callsOf>, finish: string, usage: Usage) {
  const r = fixture('openai-chat-completion.json');
  r.id = `chatcmpl-${randomId(29)}`;
  r.created = nowSeconds();
  r.model = req.body.model;
  r.system_fingerprint = fingerprint();
  r.choices[0].message = {
    role: 'assistant',
    content: calls.length > 0 && text === '' ? null : text,
    ...(calls.length > 0
      ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } })) }
      : {}),
    refusal: null,
    annotations: [],
  };
  r.choices[0].finish_reason = finish;
  r.usage = usageBody(usage);
  return r;
}

function usageBody(u: Usage) {
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cached ?? 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** OpenAI's error body for a status, from fixtures/openai-errors.json, with the step's overrides. */
export function errorBody(status: number, over: { message?: string; type?: string; code?: string | null } = {}): ErrorBody {
  const all = fixture<Record<string, ErrorBody>>('openai-errors.json');
  const { error } = all[String(status)] ?? all[status >= 500 ? '500' : '400']!;
  return {
    error: {
      ...error,
      ...(over.message !== undefined ? { message: over.message } : {}),
      ...(over.type !== undefined ? { type: over.type } : {}),
      ...(over.code !== undefined ? { code: over.code } : {}),
    },
  };
}

function reject(status: number, message: string): VendorReply {
  return { status, body: { error: { message, type: 'invalid_request_error', param: null, code: null } } };
}

function retryHeaders(step: Extract<Step, { kind: 'error' }>): Record<string, string> {
  return {
    ...(step.retryAfter !== undefined ? { 'retry-after': String(step.retryAfter) } : {}),
    ...(step.retryAfterMs !== undefined ? { 'retry-after-ms': String(step.retryAfterMs) } : {}),
  };
}

function maskKey(key: string): string {
  return key.length <= 8 ? '*'.repeat(key.length) : `${key.slice(0, 5)}${'*'.repeat(8)}${key.slice(-4)}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const fingerprint = () => `fp_${randomHex(10)}`;
