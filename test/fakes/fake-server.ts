/**
 * The machinery shared by the vendor fakes (openai-fake.ts, anthropic-fake.ts): a loopback HTTP
 * server on 127.0.0.1:0 that records every request and answers each with the next scripted Step.
 *
 *   const fake = await startFakeOpenAI();
 *   fake.enqueue({ kind: 'error', status: 429, retryAfter: 0 }, { kind: 'text', text: 'Hi', usage: { input: 3, output: 1 } });
 *   ... point the SDK at fake.url, call it ...
 *   expect(fake.requests.at(-1)!.body.model).toBe('gpt-4o-mini');
 *   await fake.close();
 *
 * Streaming or JSON follows the request's `stream` field, as with the real APIs.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Token counts a step reports; `cached` becomes the vendor's cached-prompt figure. */
export interface Usage {
  input: number;
  output: number;
  cached?: number;
}

export interface ToolCall {
  name: string;
  args: Record<string, unknown>;
  id?: string;
}

interface Paced {
  usage?: Usage;
  /** Waits this long between streamed content chunks, so a client can disconnect mid-stream. */
  chunkDelayMs?: number;
}

/** One scripted vendor reply; each request consumes one (FIFO), else the default. */
export type Step =
  | (Paced & { kind: 'text'; text: string; chunks?: string[]; finish?: 'stop' | 'length' })
  | (Paced & { kind: 'tool_call'; name: string; args: Record<string, unknown>; id?: string; text?: string })
  | (Paced & { kind: 'tool_calls'; calls: ToolCall[]; text?: string })
  | {
      kind: 'error';
      status: number;
      message?: string;
      /** Overrides the vendor's error `type` (and OpenAI's `code`) for this status. */
      type?: string;
      code?: string | null;
      /** Seconds, sent as `retry-after`; `retryAfterMs` is sent as `retry-after-ms`. */
      retryAfter?: number;
      retryAfterMs?: number;
      /** For streaming requests: answer 200 and send the error as an SSE event, after `afterText` if given. */
      inStream?: boolean;
      afterText?: string;
    }
  | { kind: 'hang' }
  | { kind: 'raw'; status: number; body: string; headers?: Record<string, string> };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (the raw text when it was not JSON). */
  body: any;
  /** True once the client closed the connection before the reply ended. */
  aborted: boolean;
}

export interface Fake {
  /** Base URL to hand the SDK, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  requests: RecordedRequest[];
  enqueue(...steps: Step[]): void;
  setDefault(step: Step): void;
  /** Requests whose client closed the connection before the reply ended. */
  readonly aborted: number;
  /** Steps still queued. */
  readonly pending: number;
  /**
   * Resolves once `aborted` exceeds `since` (default: the aborts already returned by earlier
   * calls), so a wait placed after the disconnect still resolves; rejects after `timeoutMs`.
   */
  waitForAbort(timeoutMs?: number, since?: number): Promise<void>;
  /** Answer 401 (in the vendor's words) unless the request carries this key; undefined accepts any. */
  requireApiKey(key: string | undefined): void;
  /** Forgets requests, queued steps, the default and requireApiKey; keeps the abort count. */
  reset(): void;
  close(): Promise<void>;
}

/** What a vendor module supplies: its wire format. The server mechanics live here. */
export interface Vendor {
  name: string;
  defaultStep: Step;
  /** A vendor-shaped rejection (bad path, auth, missing fields), or undefined to go on. */
  precheck(req: RecordedRequest, requiredKey: string | undefined): VendorReply | undefined;
  reply(step: Step, req: RecordedRequest, out: ReplyWriter): Promise<void>;
}

export interface VendorReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** One SSE frame; `paced` frames are spaced by the step's chunkDelayMs. */
export interface Frame {
  text: string;
  paced?: boolean;
}

export class ReplyWriter {
  closed = false;
  constructor(private readonly res: ServerResponse) {
    res.on('close', () => (this.closed = true));
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.raw(status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
  }

  raw(status: number, body: string, headers: Record<string, string> = {}): void {
    if (this.closed) return;
    this.res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
    this.res.end(body);
  }

  /** Writes frames in order, stopping as soon as the client is gone. */
  async sse(frames: Frame[], delayMs = 0, headers: Record<string, string> = {}): Promise<void> {
    if (this.closed) return;
    this.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
    let pacedSeen = false;
    for (const frame of frames) {
      if (frame.paced && pacedSeen && delayMs > 0) await this.sleep(delayMs);
      if (frame.paced) pacedSeen = true;
      if (this.closed) return;
      this.res.write(frame.text);
    }
    this.res.end();
  }

  /** Never answers; settles when the client (or close()) drops the connection. */
  hang(): Promise<void> {
    return new Promise((resolve) => (this.closed ? resolve() : this.res.once('close', () => resolve())));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.res.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.res.once('close', done);
    });
  }
}

export async function startFake(vendor: Vendor, opts: { apiKey?: string } = {}): Promise<Fake> {
  const queue: Step[] = [];
  const requests: RecordedRequest[] = [];
  const waiters = new Set<() => void>();
  let defaultStep = vendor.defaultStep;
  let requiredKey = opts.apiKey;
  let aborted = 0;
  let abortsReturned = 0;
  let closing = false;

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake ${vendor.name} crashed: ${String(err?.stack ?? err)}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const text = await readBody(req);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0]!,
      headers: req.headers,
      body: parseJson(text),
      aborted: false,
    };
    requests.push(record);
    res.on('close', () => {
      if (res.writableFinished || closing) return;
      record.aborted = true;
      aborted++;
      for (const wake of [...waiters]) wake();
    });
    const out = new ReplyWriter(res);
    const rejection = vendor.precheck(record, requiredKey);
    if (rejection) return out.json(rejection.status, rejection.body, rejection.headers);
    const step = queue.shift() ?? defaultStep;
    if (step.kind === 'hang') return out.hang();
    if (step.kind === 'raw') return out.raw(step.status, step.body, step.headers);
    await vendor.reply(step, record, out);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...steps) => {
      for (const s of steps) checkStep(s);
      queue.push(...steps);
    },
    setDefault: (step) => {
      checkStep(step);
      defaultStep = step;
    },
    get aborted() {
      return aborted;
    },
    get pending() {
      return queue.length;
    },
    waitForAbort(timeoutMs = 5000, since = abortsReturned) {
      return new Promise<void>((resolve, reject) => {
        const done = () => {
          if (aborted <= since) return;
          cleanup();
          abortsReturned = Math.max(abortsReturned, since + 1);
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`fake ${vendor.name}: no client abort within ${timeoutMs}ms (aborted=${aborted}, waiting for more than ${since})`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(done);
        };
        waiters.add(done);
        done();
      });
    },
    requireApiKey: (key) => {
      requiredKey = key;
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      defaultStep = vendor.defaultStep;
      requiredKey = opts.apiKey;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function checkStep(step: Step) {
  if (step.kind === 'text' && step.chunks && step.chunks.join('') !== step.text) {
    throw new Error(`fake step: chunks ${JSON.stringify(step.chunks)} do not join to text ${JSON.stringify(step.text)}`);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

// ---- helpers shared by the vendor modules ----

/** Tool calls of a step, with ids filled in (`prefix` + random, as the vendor mints them). */
export function callsOf(step: Step, prefix: string): Array<Required<ToolCall>> {
  const calls = step.kind === 'tool_call' ? [step] : step.kind === 'tool_calls' ? step.calls : [];
  return calls.map((c) => ({ name: c.name, args: c.args, id: c.id ?? prefix + randomId(24) }));
}

/** Word-sized stream chunks, whitespace leading the word as vendor tokens do: "a b" -> ["a", " b"]. */
export function wordChunks(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** Argument JSON in token-like fragments: {"city":"Paris"} -> ['{"', 'city', '":"', 'Paris', '"}'] */
export function jsonFragments(json: string): string[] {
  return json.match(/\w+|[^\w]+/g) ?? [];
}

/** Scripted usage, or a rough estimate (4 chars a token) so unscripted replies still report some. */
export function usageOf(step: Step, req: RecordedRequest, outputText: string): Usage {
  if ('usage' in step && step.usage) return step.usage;
  const b = req.body ?? {};
  const prompt = JSON.stringify([b.system, b.messages, b.tools]);
  return { input: Math.max(1, Math.ceil(prompt.length / 4)), output: Math.max(1, wordChunks(outputText).length) };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let s = '';
  for (const b of bytes) s += ALNUM[b % ALNUM.length];
  return s;
}

export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

/** A captured vendor reply from fixtures/, deep-copied so templates are never mutated. */
export function fixture<T = any>(name: string): T {
  return structuredClone(loadFixture(name)) as T;
}

const fixtureCache = new Map<string, unknown>();
function loadFixture(name: string): unknown {
  let v = fixtureCache.get(name);
  if (v === undefined) {
    v = JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
    fixtureCache.set(name, v);
  }
  return v;
}

export function bearerKey(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
}
