import http from 'node:http';
import autocannon from 'autocannon';
import { readCpuMs } from './proc.ts';
import { REPLY_TEXT, STREAM_TEXT } from './shape.ts';

/**
 * The three measurements, each run the same way against every target:
 * - latency at concurrency 1: one keep-alive connection, back-to-back requests, timed with
 *   hrtime to the microsecond (autocannon's histogram rounds to whole milliseconds);
 * - throughput at concurrency 50: autocannon, 50 keep-alive connections, fixed duration;
 * - streaming: sequential streams, timing the first and the last content frame.
 */

export interface Target {
  name: string;
  /** `openai`: chat-completions JSON and chunks; `parley`: the runtime API's reply and events. */
  wire: 'openai' | 'parley';
  invokeUrl: string;
  streamUrl: string;
  headers: Record<string, string>;
  invokeBody: string;
  streamBody: string;
}

export interface Failures {
  /** Responses with a status outside 2xx. */
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** 2xx replies whose content was not the upstream's (checked where the client reads bodies). */
  wrongContent: number;
  /** A few examples, for the report. */
  samples: string[];
}

export interface LatencyResult extends Failures {
  requests: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
}

export interface ThroughputResult extends Failures {
  connections: number;
  durationS: number;
  ok: number;
  rps: number;
  /** autocannon's latency percentiles at this concurrency (whole milliseconds). */
  p50: number;
  p99: number;
  /** CPU time the server process used per request answered, and cores it kept busy (when its pid is known). */
  cpuMsPerRequest?: number;
  cpuCores?: number;
}

export interface StreamResult extends Failures {
  streams: number;
  ttftP50: number;
  ttftP99: number;
  ttltP50: number;
  ttltP99: number;
  /** Content frames per stream as received (the upstream sends CHUNKS). */
  tokenFrames: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function emptyFailures(): Failures {
  return { non2xx: 0, errors: 0, wrongContent: 0, samples: [] };
}

function note(f: Failures, msg: string): void {
  if (f.samples.length < 5) f.samples.push(msg.slice(0, 300));
}

interface Reply {
  status: number;
  body: string;
  ms: number;
}

function post(agent: http.Agent, url: URL, headers: Record<string, string>, body: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), ms });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout after 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** The reply text of a JSON reply on either wire, or undefined when it has none. */
function replyText(wire: Target['wire'], body: string): string | undefined {
  try {
    const j = JSON.parse(body);
    return wire === 'parley' ? j.response : j.choices?.[0]?.message?.content;
  } catch {
    return undefined;
  }
}

/** Back-to-back requests on one connection: warm-up (discarded), then the measured window. */
export async function measureLatency(t: Target, warmupMs: number, durationMs: number): Promise<LatencyResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(t.invokeUrl);
  const failures = emptyFailures();
  const samples: number[] = [];
  try {
    for (const [phase, ms] of [['warmup', warmupMs], ['measure', durationMs]] as const) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        try {
          const r = await post(agent, url, t.headers, t.invokeBody);
          if (phase === 'warmup') continue;
          if (r.status < 200 || r.status > 299) {
            failures.non2xx++;
            note(failures, `${r.status} ${r.body}`);
          } else if (replyText(t.wire, r.body) !== REPLY_TEXT) {
            failures.wrongContent++;
            note(failures, `unexpected reply: ${r.body}`);
          } else samples.push(r.ms);
        } catch (err) {
          if (phase === 'measure') {
            failures.errors++;
            note(failures, (err as Error).message);
          }
        }
      }
    }
  } finally {
    agent.destroy();
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((s, x) => s + x, 0) / (samples.length || 1);
  return {
    requests: samples.length,
    p50: percentile(samples, 50),
    p90: percentile(samples, 90),
    p99: percentile(samples, 99),
    mean,
    max: samples[samples.length - 1] ?? NaN,
    ...failures,
  };
}

function cannon(t: Target, connections: number, durationS: number): Promise<autocannon.Result> {
  return autocannon({
    url: t.invokeUrl,
    method: 'POST',
    headers: { ...t.headers, 'content-type': 'application/json' },
    body: t.invokeBody,
    connections,
    pipelining: 1,
    duration: durationS,
    timeout: 30,
  });
}

/** autocannon at fixed concurrency: a warm-up run (discarded), then the measured run. */
export async function measureThroughput(
  t: Target,
  connections: number,
  warmupS: number,
  durationS: number,
  pid?: number,
): Promise<ThroughputResult> {
  if (warmupS > 0) await cannon(t, connections, warmupS);
  const cpu0 = pid ? readCpuMs(pid) : undefined;
  const r = await cannon(t, connections, durationS);
  const cpu1 = pid ? readCpuMs(pid) : undefined;
  const failures = emptyFailures();
  failures.non2xx = r.non2xx;
  failures.errors = r.errors;
  if (r.non2xx > 0) note(failures, `${r.non2xx} non-2xx replies (status codes: ${JSON.stringify(statusCounts(r))})`);
  if (r.errors > 0) note(failures, `${r.errors} connection errors, ${r.timeouts} timeouts`);
  const ok = r['2xx'];
  const cpuMs = cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined;
  return {
    connections,
    durationS: r.duration,
    ok,
    rps: ok / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ...(cpuMs !== undefined && { cpuMsPerRequest: cpuMs / Math.max(1, ok + r.non2xx), cpuCores: cpuMs / (r.duration * 1000) }),
    ...failures,
  };
}

function statusCounts(r: autocannon.Result): Record<string, number> {
  const counts = (r as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  return Object.fromEntries(Object.entries(counts).map(([code, v]) => [code, v.count]));
}

interface StreamTiming {
  status: number;
  ttft: number;
  ttlt: number;
  frames: number;
  text: string;
  error?: string;
}

/** One streamed request; times are from sending the request to the first and last content frame. */
function streamOnce(agent: http.Agent, t: Target): Promise<StreamTiming> {
  const url = new URL(t.streamUrl);
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const since = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { ...t.headers, accept: 'text/event-stream', 'content-type': 'application/json', 'content-length': Buffer.byteLength(t.streamBody) },
      },
      (res) => {
        const out: StreamTiming = { status: res.statusCode ?? 0, ttft: NaN, ttlt: NaN, frames: 0, text: '' };
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (s: string) => {
          buffer += s;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const content = frameContent(t.wire, frame, out);
            if (content) {
              const now = since();
              if (out.frames === 0) out.ttft = now;
              out.ttlt = now;
              out.frames++;
              out.text += content;
            }
          }
        });
        res.on('end', () => resolve(out));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout after 30 s')));
    req.on('error', reject);
    req.end(t.streamBody);
  });
}

/** The text a frame carries: a chunk's delta.content, or a Parley `token` event's content. */
function frameContent(wire: Target['wire'], frame: string, out: StreamTiming): string | undefined {
  const data = frame
    .split('\n')
    .filter((l) => l.startsWith('data:'))
    .map((l) => l.slice(5).trimStart())
    .join('\n');
  if (!data || data === '[DONE]') return undefined;
  try {
    const j = JSON.parse(data);
    if (wire === 'parley') {
      if (j.type === 'error') out.error = String(j.content);
      return j.type === 'token' && typeof j.content === 'string' ? j.content : undefined;
    }
    if (j.error) out.error = JSON.stringify(j.error);
    const c = j.choices?.[0]?.delta?.content;
    return typeof c === 'string' && c !== '' ? c : undefined;
  } catch {
    out.error = `unparsable frame: ${frame.slice(0, 100)}`;
    return undefined;
  }
}

export async function measureStreaming(t: Target, warmup: number, count: number): Promise<StreamResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const failures = emptyFailures();
  const ttft: number[] = [];
  const ttlt: number[] = [];
  let frames = 0;
  try {
    for (let i = 0; i < warmup + count; i++) {
      const measured = i >= warmup;
      try {
        const r = await streamOnce(agent, t);
        if (!measured) continue;
        if (r.status < 200 || r.status > 299) {
          failures.non2xx++;
          note(failures, `stream answered ${r.status}`);
        } else if (r.error || r.text !== STREAM_TEXT) {
          failures.wrongContent++;
          note(failures, r.error ?? `stream text differs (${r.frames} frames, ${r.text.length} chars)`);
        } else {
          ttft.push(r.ttft);
          ttlt.push(r.ttlt);
          frames = r.frames;
        }
      } catch (err) {
        if (measured) {
          failures.errors++;
          note(failures, (err as Error).message);
        }
      }
    }
  } finally {
    agent.destroy();
  }
  ttft.sort((a, b) => a - b);
  ttlt.sort((a, b) => a - b);
  return {
    streams: ttft.length,
    ttftP50: percentile(ttft, 50),
    ttftP99: percentile(ttft, 99),
    ttltP50: percentile(ttlt, 50),
    ttltP99: percentile(ttlt, 99),
    tokenFrames: frames,
    ...failures,
  };
}

/** One request of each kind before measuring: a target that cannot answer is reported, not timed. */
export async function smokeTest(t: Target): Promise<string | undefined> {
  const agent = new http.Agent({ keepAlive: false });
  try {
    const r = await post(agent, new URL(t.invokeUrl), t.headers, t.invokeBody);
    if (r.status !== 200) return `invoke answered ${r.status}: ${r.body.slice(0, 500)}`;
    if (replyText(t.wire, r.body) !== REPLY_TEXT) return `invoke replied with unexpected content: ${r.body.slice(0, 500)}`;
    const s = await streamOnce(agent, t);
    if (s.status !== 200) return `stream answered ${s.status}`;
    if (s.error) return `stream failed: ${s.error}`;
    if (s.text !== STREAM_TEXT) return `stream text differs from the upstream's (${s.frames} content frames)`;
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    agent.destroy();
  }
}
