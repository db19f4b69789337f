import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Attributes a V8 CPU profile's samples to the stages of an invoke call. A sample belongs to the stage of the
 * frame nearest its leaf that any rule recognises; frames no rule names (zod, JSON.parse, node's event emitter,
 * crypto) are transparent, so a zod parse inside the AI SDK's reply handler counts as reply parsing and one inside
 * the route's validator as body validation. Only samples taken inside a time window count, so startup and the
 * other phases of a run drop out.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber?: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

type Rule = [stage: string, test: (f: CallFrame) => boolean];
const fn = (re: RegExp) => (f: CallFrame) => re.test(f.functionName);
const file = (re: RegExp) => (f: CallFrame) => re.test(f.url);
const both = (u: RegExp, n: RegExp) => (f: CallFrame) => u.test(f.url) && n.test(f.functionName);
const AI_SDK = /node_modules\/(@ai-sdk\/[^/]+|ai)\//;

/** The stages of the breakdown; when one frame matches several rules, the first wins. */
export const STAGES: Rule[] = [
  ['GC', fn(/^\(garbage collector\)$/)],
  ['native, outside JavaScript', fn(/^\(program\)$/)],
  ['logging', file(/node_modules\/(pino|pino-std-serializers|sonic-boom|thread-stream|@pinojs\/[^/]+)\/|src\/infra\/(logger|log-redaction)/)],
  ['event and run recording', file(/src\/features\/chats\/run-recorder|src\/events\/|src\/db\/insert-many|src\/features\/usage\/|last-used-tracker/)],
  ['database driver', file(/src\/db\/|node_modules\/(pg|pg-protocol|pg-pool|@electric-sql\/pglite|drizzle-orm)\//)],
  ['auth and key cache', file(/src\/http\/(auth|principal|session-cookie|permissions)|src\/features\/(api-keys|members)\/|node_modules\/@fastify\/cookie\//)],
  ['rate limit', file(/src\/http\/rate-limit|src\/infra\/rate-limit\//)],
  ['reply parsing (AI SDK)', both(AI_SDK, /[Rr]esponse[Hh]andler|[Pp]arseJSON|^_parse$|safeParse|extractResponseHeaders|convertToOpenAICompatible|mapOpenAI|getResponseMetadata|validate/)],
  ['provider request (AI SDK, undici)', (f) => AI_SDK.test(f.url) || /node_modules\/(undici|eventsource-parser)\/|src\/infra\/egress\/|src\/llm\//.test(f.url)],
  ['prompt building', file(/src\/features\/runtime\/prompt|src\/features\/knowledge\/retrieval/)],
  ['runtime service', file(/src\/features\/(runtime|assistants)\/|src\/infra\/cache\//)],
  ['body validation', (f) => /node_modules\/fastify-type-provider-zod\//.test(f.url) || /[Vv]alidat/.test(f.functionName) && /src\/http\/|node_modules\/fastify\//.test(f.url)],
  ['response serialisation', (f) => /node_modules\/(fast-json-stringify|@fastify\/fast-json-stringify-compiler)\//.test(f.url) || /[Ss]eriali[sz]/.test(f.functionName)],
  ['sockets and HTTP parser', (f) => /^(writev|writeBuffer|writeUtf8String|writeLatin1String|onStreamRead|shutdown)$/.test(f.functionName) || /^node:(net|_http_\w+|internal\/(stream_base_commons|streams\/\w+|http))$/.test(f.url)],
  ['Fastify (routing, hooks, reply)', file(/node_modules\/(fastify|find-my-way|secure-json-parse|avvio|@fastify\/[^/]+)\/|src\/http\/|src\/app\//)],
];

export interface StageRow {
  stage: string;
  microsPerCall: number;
  share: number;
  /** The functions whose own time makes up the stage, heaviest first: [name file:line, us per call]. */
  top: [string, number][];
}

export interface ThreadBreakdown {
  file: string;
  /** Busy time inside the window (idle excluded), microseconds per call. */
  busyMicrosPerCall: number;
  rows: StageRow[];
  windowCoverage: number;
}

/** The stage of the frame nearest the leaf that a rule names; `stack` runs from the leaf to the root. */
function stageOf(stack: CallFrame[]): string {
  for (const frame of stack) for (const [stage, test] of STAGES) if (test(frame)) return stage;
  return stack.some((f) => f.url !== '') ? 'other JavaScript (timers, microtask queue)' : 'other native';
}

/** Breaks down one profile over [fromUs, toUs] (the clock of process.hrtime, in microseconds) per call. */
export function breakdown(profileFile: string, fromUs: number, toUs: number, calls: number): ThreadBreakdown {
  const p = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageCache = new Map<number, string>();
  const leaves = new Map<string, Map<string, number>>();
  const stageOfNode = (id: number): string => {
    let s = stageCache.get(id);
    if (s) return s;
    const stack: CallFrame[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) stack.push(byId.get(cur)!.callFrame);
    s = stack[0]!.functionName === '(idle)' ? 'idle' : stageOf(stack);
    stageCache.set(id, s);
    return s;
  };
  const totals = new Map<string, number>();
  let t = p.startTime;
  let counted = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (t < fromUs || t > toUs) continue;
    // A sample stands for the interval up to the next one.
    const dt = p.timeDeltas[i + 1] ?? 0;
    counted += dt;
    const id = p.samples[i]!;
    const s = stageOfNode(id);
    totals.set(s, (totals.get(s) ?? 0) + dt);
    const f = byId.get(id)!.callFrame;
    const leaf = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber ?? 0}`;
    const m = leaves.get(s) ?? new Map<string, number>();
    m.set(leaf, (m.get(leaf) ?? 0) + dt);
    leaves.set(s, m);
  }
  totals.delete('idle');
  const busy = [...totals.values()].reduce((a, b) => a + b, 0);
  const rows = [...totals]
    .map(([stage, us]) => ({
      stage,
      microsPerCall: us / calls,
      share: busy ? us / busy : 0,
      top: [...(leaves.get(stage) ?? [])].sort((a, b) => b[1] - a[1]).map(([k, v]): [string, number] => [k, v / calls]),
    }))
    .sort((a, b) => b.microsPerCall - a.microsPerCall);
  return { file: path.basename(profileFile), busyMicrosPerCall: busy / calls, rows, windowCoverage: counted / (toUs - fromUs) };
}

/** Every profile in a folder (one per thread: the main thread and the embedded database's worker). */
export function profilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .map((f) => path.join(dir, f));
}
