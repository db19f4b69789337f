import {
  type Fake,
  type Frame,
  type RecordedRequest,
  type Step,
  type Usage,
  type Vendor,
  callsOf,
  fixture,
  jsonFragments,
  randomId,
  startFake,
  usageOf,
  wordChunks,
} from './fake-server.ts';

export type { Fake, RecordedRequest, Step, ToolCall, Usage } from './fake-server.ts';
export type FakeAnthropic = Fake;

/**
 * A loopback Anthropic Messages server (`POST /v1/messages`). Like the real API it insists on a
 * non-empty `x-api-key` and an `anthropic-version` header. Replies follow fixtures/anthropic-*.json.
 */
export function startFakeAnthropic(opts: { apiKey?: string } = {}): Promise<FakeAnthropic> {
  return startFake(anthropicVendor, opts);
}

const MESSAGES_PATH = '/v1/messages';
type ErrorBody = { type: 'error'; error: { type: string; message: string }; request_id: string };

export const anthropicVendor: Vendor = {
  name: 'anthropic',
  defaultStep: { kind: 'text', text: 'Hello from the fake Anthropic.', usage: { input: 10, output: 6 } },

  precheck(req, requiredKey) {
    if (req.method !== 'POST' || req.path !== MESSAGES_PATH) return reject(404, 'not_found_error', 'Not Found');
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || key === '') return reject(401, 'authentication_error', 'x-api-key header is required');
    if (requiredKey !== undefined && key !== requiredKey) return reject(401, 'authentication_error', 'invalid x-api-key');
    if (!req.headers['anthropic-version']) return reject(400, 'invalid_request_error', 'anthropic-version: header is required');
    const body = req.body;
    if (typeof body !== 'object' || body === null) return reject(400, 'invalid_request_error', 'There was an error parsing the body of your request.');
    for (const field of ['model', 'max_tokens', 'messages']) {
      if (body[field] === undefined) return reject(400, 'invalid_request_error', `${field}: Field required`);
    }
    return undefined;
  },

  async reply(step, req, out) {
    const headers = { 'request-id': requestId() };
    const streaming = req.body.stream === true;
    if (step.kind === 'error') {
      const body = { ...errorBody(step.status, step), request_id: headers['request-id'] };
      if (streaming && step.inStream) {
        const s = new EventStream(req, { input: 1, output: 1 });
        const frames = step.afterText ? [s.messageStart(), ...s.textBlock(wordChunks(step.afterText))] : [];
        // A failure after the 200: an `error` event, and the stream simply ends.
        return out.sse([...frames, s.event('error', { type: 'error', error: body.error })], 0, headers);
      }
      const retry = {
        ...(step.retryAfter !== undefined ? { 'retry-after': String(step.retryAfter) } : {}),
        ...(step.retryAfterMs !== undefined ? { 'retry-after-ms': String(step.retryAfterMs) } : {}),
      };
      return out.json(step.status, body, { ...headers, ...retry });
    }
    if (step.kind === 'hang' || step.kind === 'raw') return; // served by the core
    const text = step.kind === 'text' ? step.text : (step.text ?? '');
    const calls = callsOf(step, 'toolu_01');
    const stopReason = calls.length > 0 ? 'tool_use' : step.kind === 'text' && step.finish === 'length' ? 'max_tokens' : 'end_turn';
    const usage = usageOf(step, req, text + calls.map((c) => JSON.stringify(c.args)).join(''));
    if (!streaming) return out.json(200, message(req, text, calls, stopReason, usage), headers);

    const s = new EventStream(req, usage);
    const frames: Frame[] = [s.messageStart()];
    if (text !== '' || calls.length === 0) {
      frames.push(...s.textBlock(step.kind === 'text' && step.chunks ? step.chunks : wordChunks(text)));
    }
    for (const c of calls) frames.push(...s.toolUseBlock(c));
    frames.push(
      s.event('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: { input_tokens: usage.input, cache_creation_input_tokens: 0, cache_read_input_tokens: usage.cached ?? 0, output_tokens: usage.output },
      }),
      s.event('message_stop', { type: 'message_stop' }),
    );
    await out.sse(frames, step.chunkDelayMs ?? 0, headers);
  },
};

/** `event: <type>` + `data: <json>` frames of one message, built on the captured stream. */
class EventStream {
  private index = 0;
  private pinged = false;
  constructor(
    private readonly req: RecordedRequest,
    private readonly usage: Usage,
  ) {}

  event(type: string, data: unknown, paced = false): Frame {
    return { text: `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`, paced };
  }

  messageStart(): Frame {
    const start = fixture('anthropic-stream.json')[0].data;
    start.message.id = messageId();
    start.message.model = this.req.body.model;
    // input_tokens arrives here; output_tokens is a running count that message_delta completes.
    Object.assign(start.message.usage, { input_tokens: this.usage.input, cache_read_input_tokens: this.usage.cached ?? 0, output_tokens: 1 });
    return this.event('message_start', start);
  }

  textBlock(chunks: string[]): Frame[] {
    const index = this.index++;
    return [
      this.event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }),
      ...this.ping(),
      ...chunks.map((text) => this.event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }, true)),
      this.event('content_block_stop', { type: 'content_block_stop', index }),
    ];
  }

  toolUseBlock(call: { id: string; name: string; args: Record<string, unknown> }): Frame[] {
    const index = this.index++;
    const delta = (partial_json: string, paced: boolean) =>
      this.event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }, paced);
    return [
      this.event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }),
      ...this.ping(),
      delta('', false), // the API opens every tool_use block with an empty partial_json
      ...jsonFragments(JSON.stringify(call.args)).map((part) => delta(part, true)),
      this.event('content_block_stop', { type: 'content_block_stop', index }),
    ];
  }

  private ping(): Frame[] {
    if (this.pinged) return [];
    this.pinged = true;
    return [this.event('ping', { type: 'ping' })];
  }
}

function message(req: RecordedRequest, text: string, calls: ReturnType<typeof callsOf>, stopReason: string, usage: Usage) {
  const m = fixture(calls.length > 0 ? 'anthropic-message-tool-use.json' : 'anthropic-message.json');
  m.id = messageId();
  m.model = req.body.model;
  m.content = [
    ...(text !== '' ? [{ type: 'text', text }] : []),
    ...calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.args })),
  ];
  m.stop_reason = stopReason;
  // Anthropic's input_tokens excludes cache reads, which are reported beside it.
  Object.assign(m.usage, { input_tokens: usage.input, cache_read_input_tokens: usage.cached ?? 0, output_tokens: usage.output });
  return m;
}

/** Anthropic's error body for a status, from fixtures/anthropic-errors.json, with the step's overrides. */
export function errorBody(status: number, over: { message?: string; type?: string } = {}): ErrorBody {
  const all = fixture<Record<string, ErrorBody>>('anthropic-errors.json');
  const tpl = all[String(status)] ?? all[status >= 500 ? '500' : '400']!;
  return {
    type: 'error',
    error: { type: over.type ?? tpl.error.type, message: over.message ?? tpl.error.message },
    request_id: requestId(),
  };
}

function reject(status: number, type: string, message: string) {
  const id = requestId();
  return { status, body: { type: 'error', error: { type, message }, request_id: id }, headers: { 'request-id': id } };
}

const messageId = () => `msg_01${randomId(22)}`;
const requestId = () => `req_011C${randomId(20)}`;
