import http from 'node:http';
import type { Question } from './knowledge-corpus.ts';
import { percentile } from './measure.ts';
import type { ParleyServer } from './parley.ts';
import { readMemory, resetPeak, sampleRss, sleep } from './proc.ts';

/**
 * The knowledge benchmark's two measurements, over Parley's HTTP API only: ingestion of TEXT items
 * (from the first POST until no item is pending) and sequential search requests.
 */

export interface Stats {
  contents: number;
  chunks: number;
  size: number;
  pending: number;
  failed: number;
}

interface Reply {
  status: number;
  body: string;
  ms: number;
}

/** One request on a keep-alive agent, timed with hrtime from sending to the last byte of the reply. */
function request(agent: http.Agent, server: ParleyServer, method: string, path: string, body?: unknown): Promise<Reply> {
  const url = new URL(server.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path,
        method,
        headers: {
          authorization: `Bearer ${server.key}`,
          ...(payload !== undefined && { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), ms: Number(process.hrtime.bigint() - t0) / 1e6 }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(120_000, () => req.destroy(new Error(`${method} ${path}: no reply after 120 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** A JSON call that must succeed; anything else is an error carrying Parley's reply. */
export async function call<T>(server: ParleyServer, method: string, path: string, body?: unknown): Promise<T> {
  const agent = new http.Agent({ keepAlive: false });
  try {
    const r = await request(agent, server, method, path, body);
    if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path} answered ${r.status}: ${r.body.slice(0, 500)}`);
    return JSON.parse(r.body) as T;
  } finally {
    agent.destroy();
  }
}

export const stats = (server: ParleyServer) => call<Stats>(server, 'GET', '/orgs/c/knowledge/stats');

export interface IngestResult {
  items: number;
  /** UTF-8 bytes of the texts posted. */
  bytes: number;
  /** Chunks Parley made of them. */
  chunks: number;
  /** From the first POST until the stats showed nothing pending. */
  seconds: number;
  /** Of which posting the items (each answers at once; the work happens in jobs). */
  postSeconds: number;
  mbPerS: number;
  chunksPerS: number;
  failed: number;
  /** Parley's peak RSS during the ingestion, and where it was read from. */
  rssIdleMb?: number;
  rssPeakMb?: number;
  rssPeakSource?: 'VmHWM' | 'sampled';
  /** Mean characters per chunk Parley made, read back from one item's chunks. */
  meanChunkChars?: number;
  /** A customer's chat (an invoke of the built-in model, one at a time): while the items process, and after. */
  chat?: { during: ChatLatency; after: ChatLatency };
}

export interface ChatLatency {
  calls: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const CHAT_QUESTION = { message: 'How do I reset the settings of my account?' };

/** Invokes the assistant one call at a time, a pause between calls, until `until` resolves (or `count` calls). */
async function chatLoop(server: ParleyServer, assistantId: string, opts: { count?: number; until?: Promise<unknown>; pauseMs: number }): Promise<ChatLatency> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ms: number[] = [];
  let done = false;
  void opts.until?.finally(() => (done = true));
  try {
    while (!done && (opts.count === undefined || ms.length < opts.count)) {
      const r = await request(agent, server, 'POST', `/api/agents/${assistantId}/invoke`, CHAT_QUESTION);
      if (r.status !== 200) throw new Error(`a chat during the ingestion answered ${r.status}: ${r.body.slice(0, 300)}`);
      ms.push(r.ms);
      await sleep(opts.pauseMs);
    }
  } finally {
    agent.destroy();
  }
  ms.sort((a, b) => a - b);
  return { calls: ms.length, p50Ms: percentile(ms, 50), p99Ms: percentile(ms, 99), maxMs: ms.at(-1) ?? NaN };
}

export async function measureIngestion(
  server: ParleyServer,
  docs: Array<{ title: string; text: string }>,
  opts: { timeoutMs: number; progress: (line: string) => void; chatAssistantId?: string },
): Promise<IngestResult> {
  const pid = server.child.pid;
  // A customer chatting with the organization's assistant meanwhile: how long they wait while items process, and
  // after, over the same knowledge with nothing processing. A first call, not counted, loads what any first chat
  // loads (the tokenizer's tables, about 250 ms), which has nothing to do with the ingestion.
  if (opts.chatAssistantId) await chatLoop(server, opts.chatAssistantId, { count: 1, pauseMs: 0 });
  let ingested: () => void = () => {};
  const finished = new Promise<void>((resolve) => (ingested = resolve));
  const chatDuring = opts.chatAssistantId ? chatLoop(server, opts.chatAssistantId, { until: finished, pauseMs: 20 }) : undefined;
  const before = await stats(server);
  const idle = readMemory(pid);
  const hwmReset = resetPeak(pid);
  const sampler = sampleRss(pid);
  const bytes = docs.reduce((s, d) => s + Buffer.byteLength(d.text), 0);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const t0 = performance.now();
  const ids: string[] = [];
  try {
    for (const d of docs) {
      const r = await request(agent, server, 'POST', '/orgs/c/knowledge/contents', { title: d.title, content: { type: 'TEXT', text: d.text } });
      if (r.status !== 201) throw new Error(`adding a TEXT item answered ${r.status}: ${r.body.slice(0, 500)}`);
      ids.push((JSON.parse(r.body) as { id: string }).id);
    }
  } finally {
    agent.destroy();
  }
  const posted = performance.now();
  let now: Stats = before;
  let lastReport = posted;
  for (;;) {
    now = await stats(server);
    if (now.pending === 0) break;
    if (performance.now() - t0 > opts.timeoutMs) throw new Error(`ingestion not done after ${opts.timeoutMs / 1000} s: ${JSON.stringify(now)}`);
    if (performance.now() - lastReport > 5_000) {
      lastReport = performance.now();
      opts.progress(`  ${now.pending} of ${docs.length} items pending, ${now.chunks - before.chunks} chunks so far`);
    }
    await sleep(50);
  }
  const seconds = (performance.now() - t0) / 1000;
  ingested();
  const during = await chatDuring;
  const after = opts.chatAssistantId ? await chatLoop(server, opts.chatAssistantId, { count: 40, pauseMs: 20 }) : undefined;
  const chat = during && after ? { during, after } : undefined;
  const sampledPeak = sampler.stop();
  const hwm = readMemory(pid)?.hwmMb;
  const chunks = now.chunks - before.chunks;
  const meanChunkChars = await meanChunkLength(server, ids[0]);
  return {
    items: docs.length,
    bytes,
    chunks,
    seconds,
    postSeconds: (posted - t0) / 1000,
    mbPerS: bytes / 1e6 / seconds,
    chunksPerS: chunks / seconds,
    failed: now.failed - before.failed,
    rssIdleMb: idle?.rssMb,
    ...(hwmReset && hwm !== undefined ? { rssPeakMb: hwm, rssPeakSource: 'VmHWM' as const } : { rssPeakMb: sampledPeak, rssPeakSource: 'sampled' as const }),
    meanChunkChars,
    ...(chat && { chat }),
  };
}

async function meanChunkLength(server: ParleyServer, contentId: string | undefined): Promise<number | undefined> {
  if (!contentId) return undefined;
  const chunks = await call<Array<{ text: string }>>(server, 'GET', `/orgs/c/knowledge/contents/${contentId}/chunks?take=100`);
  return chunks.length ? chunks.reduce((s, c) => s + c.text.length, 0) / chunks.length : undefined;
}

export interface LatencySummary {
  requests: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
  failures: number;
  samples: string[];
}

export interface SearchResult extends LatencySummary {
  chunksInOrg: number;
  mode: string;
  /** Share of queries that found nothing (all of their terms absent). */
  emptyShare: number;
  meanResults: number;
  /**
   * Questions naming a near-unique name that some chunks hold, and how many of them had such a
   * chunk among their results: a sanity check that speed was not bought by skipping the rare term.
   */
  rareAsked: number;
  rareFound: number;
}

function summarize(ms: number[], failures: number, samples: string[]): LatencySummary {
  ms.sort((a, b) => a - b);
  return {
    requests: ms.length,
    p50: percentile(ms, 50),
    p90: percentile(ms, 90),
    p99: percentile(ms, 99),
    mean: ms.reduce((s, x) => s + x, 0) / (ms.length || 1),
    max: ms.at(-1) ?? NaN,
    failures,
    samples,
  };
}

export interface SearchPlan {
  questions: Question[];
  limit: number;
  /** Warm-up: this many requests or this long, whichever ends first; discarded. */
  warmup: number;
  warmupMs: number;
  /** Measured: this many requests or this long, whichever ends first (a slow search gets fewer samples). */
  count: number;
  budgetMs: number;
  /** Chunk ids holding each rare name asked about (read from the database before Parley started). */
  rareChunks?: Map<string, Set<string>>;
}

/**
 * Sequential searches on one keep-alive connection, cycling through the fixed question set.
 * Every reply must be a 200; its mode and result count are recorded.
 */
export async function measureSearch(server: ParleyServer, plan: SearchPlan): Promise<SearchResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ms: number[] = [];
  const samples: string[] = [];
  const modes = new Set<string>();
  let failures = 0;
  let empty = 0;
  let results = 0;
  const rare = new Map<string, boolean>();
  let i = 0;
  let current: Question = plan.questions[0]!;
  const next = () => {
    current = plan.questions[i++ % plan.questions.length]!;
    return request(agent, server, 'POST', '/orgs/c/knowledge/search', { query: current.text, limit: plan.limit });
  };
  try {
    const warmEnd = performance.now() + plan.warmupMs;
    for (let w = 0; w < plan.warmup && performance.now() < warmEnd; w++) await next().catch(() => undefined);
    const end = performance.now() + plan.budgetMs;
    for (let n = 0; n < plan.count && performance.now() < end; n++) {
      try {
        const r = await next();
        if (r.status !== 200) {
          failures++;
          if (samples.length < 5) samples.push(`${r.status} ${r.body.slice(0, 300)}`);
          continue;
        }
        const body = JSON.parse(r.body) as { mode: string; results: Array<{ chunk_id: string }> };
        const holding = current.rare ? plan.rareChunks?.get(current.rare) : undefined;
        if (holding?.size) rare.set(current.text, body.results.some((x) => holding.has(x.chunk_id)));
        modes.add(body.mode);
        if (body.results.length === 0) empty++;
        results += body.results.length;
        ms.push(r.ms);
      } catch (err) {
        failures++;
        if (samples.length < 5) samples.push((err as Error).message);
      }
    }
  } finally {
    agent.destroy();
  }
  const s = await stats(server);
  return {
    ...summarize(ms, failures, samples),
    chunksInOrg: s.chunks,
    mode: [...modes].join('+') || '-',
    emptyShare: empty / Math.max(1, ms.length),
    meanResults: results / Math.max(1, ms.length),
    rareAsked: rare.size,
    rareFound: [...rare.values()].filter(Boolean).length,
  };
}

/** The same client and connection on a trivial authenticated read (`GET /orgs/c`): what any request costs. */
export async function measureBaseline(server: ParleyServer, warmup: number, count: number): Promise<LatencySummary> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ms: number[] = [];
  const samples: string[] = [];
  let failures = 0;
  try {
    for (let i = 0; i < warmup + count; i++) {
      const r = await request(agent, server, 'GET', '/orgs/c');
      if (i < warmup) continue;
      if (r.status === 200) ms.push(r.ms);
      else {
        failures++;
        if (samples.length < 5) samples.push(`${r.status} ${r.body.slice(0, 300)}`);
      }
    }
  } finally {
    agent.destroy();
  }
  return summarize(ms, failures, samples);
}
