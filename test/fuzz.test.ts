import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { causeOf, type Failure, formatFailure, groupFailures, problemsOf } from './fuzz/checks.ts';
import { docValidator, operationsOf } from './fuzz/doc.ts';
import { closePools, errorLogByRequest, type RawResponse, send, startWithRoutes } from './fuzz/http.ts';
import { describeBody, materialize, planArb } from './fuzz/plan.ts';
import { World } from './fuzz/world.ts';
import { call, ENGINE } from './harness.ts';

/**
 * Property-based fuzzing of every operation in /openapi.json: hostile path ids, queries, bodies and content
 * types, sent with a valid admin key and real ids so most requests reach the handlers. A new route is fuzzed
 * as soon as it is in the document. Reproduce a run with FUZZ_SEED=<seed> (printed on failure).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20260115);
const RUNS = Number(process.env.FUZZ_RUNS ?? 80);
/** FUZZ_TRACE=<operationId> prints every request of that operation and its status. */
const TRACE = process.env.FUZZ_TRACE;

// Built at collection time so that every operation of the document becomes its own test.
const errorLog = errorLogByRequest();
const { server } = await startWithRoutes({}, { logger: errorLog.logger });
const docRes = await call(server, 'GET', '/openapi.json');
if (docRes.status !== 200) throw new Error(`GET /openapi.json: ${docRes.status} ${docRes.text.slice(0, 300)}`);
const doc = JSON.parse(docRes.text);
const ops = operationsOf(doc);
const validate = docValidator(doc);

/** Matches the concrete paths of an OpenAPI path template (`{param}` is one segment). */
const templateRegex = (template: string) => new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/?]+')}(\\?|$)`);

/** A per-operation seed, so adding an operation does not change what the others are sent. */
const seedOf = (label: string) => [...label].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, SEED);

const stats = new Map<string, { requests: number; ok: number; client: number }>();
const failures: Failure[] = [];

describe(`fuzzing every operation of /openapi.json (${ENGINE}, seed ${SEED}, ${RUNS} runs each)`, () => {
  afterAll(async () => {
    const total = [...stats.values()].reduce((n, s) => n + s.requests, 0);
    console.log(`fuzz: ${stats.size} operations, ${total} requests, ${failures.length} failures (${ENGINE}, seed ${SEED})`);
    if (failures.length) console.log(`fuzz failures by cause (FUZZ_SEED=${SEED}):\n${groupFailures(failures)}`);
    await closePools();
    await server?.close();
  });

  it('finds operations in the document', () => {
    expect(ops.length).toBeGreaterThan(20);
  });

  for (const op of ops) {
    it(op.label, { timeout: 120_000 }, async () => {
      // One org per operation: what one operation's requests change cannot starve another's of valid records.
      const world = await World.create(server, { name: `Fuzz ${op.operationId}` });
      const plans = fc.sample(planArb(doc, op), { seed: seedOf(op.label), numRuns: RUNS });
      const s = { requests: 0, ok: 0, client: 0 };
      stats.set(op.label, s);
      const mine: Failure[] = [];
      for (const plan of plans) {
        const request = await materialize(op, plan, world, op.visitor ? (await world.visitor()).token : world.tenant.key);
        const res = await send(server.url, request).catch((err: Error) => (({ status: 0, contentType: '', text: `request failed: ${err.message}` }) as RawResponse));
        s.requests++;
        if (TRACE === op.operationId) console.log(`${res.status} ${request.method} ${request.path.slice(0, 120)} (${describeBody(plan)}) ${res.text.slice(0, 160)}`);
        if (res.status >= 200 && res.status < 300) s.ok++;
        if (res.status >= 400 && res.status < 500) s.client++;
        const problems = res.status === 0 ? ['no response'] : problemsOf(op, res, validate, request);
        if (problems.length) mine.push({ op: op.label, request, how: describeBody(plan), status: res.status, response: res.text.slice(0, 4000), problems, logged: errorLog.causeOf(res.requestId) });
      }
      failures.push(...mine);
      const distinct = [...new Map(mine.map((f) => [causeOf(f), f])).values()];
      expect(distinct.map(formatFailure), `seed ${seedOf(op.label)} (FUZZ_SEED=${SEED})`).toEqual([]);
    });
  }

  it('answers methods the document does not list with 404 or 405 and a JSON message', async () => {
    const world = await World.create(server, { name: 'Fuzz methods' });
    const errorPtr = '#/components/schemas/Error';
    const mine: Failure[] = [];
    for (const path of Object.keys(doc.paths)) {
      const listed = ops.filter((o) => o.path === path).map((o) => o.method);
      const probe = ops.find((o) => o.path === path)!;
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !listed.includes(m))) {
        const plan = { path: Object.fromEntries(probe.params.filter((p) => p.in === 'path').map((p) => [p.name, { literal: 'c' }])), query: [], auth: 'admin', body: { kind: 'none' } } as const;
        const request = { ...(await materialize(probe, plan as never, world, probe.visitor ? (await world.visitor()).token : world.tenant.key)), method };
        const res = await send(server.url, request);
        // The concrete path may also be another template's (`/contacts/fields` is `/contacts/{contact_id}` too): then
        // that operation serves the method, and its own contract judges the answer.
        const servedBy = ops.find((o) => o.method === method && o.path !== path && templateRegex(o.path).test(request.path));
        const wrongOp = { ...probe, label: `${method} ${path}`, responses: { 404: { 'application/json': errorPtr }, 405: { 'application/json': errorPtr } } };
        const problems = problemsOf(servedBy ?? wrongOp, res, validate);
        if (problems.length) mine.push({ op: wrongOp.label, request, how: 'undocumented method', status: res.status, response: res.text, problems });
      }
    }
    failures.push(...mine);
    expect(mine.map(formatFailure)).toEqual([]);
  });

  it('exercised every operation with successes and refusals (the fuzzer cannot pass vacuously)', () => {
    const missing = ops.filter((o) => (stats.get(o.label)?.requests ?? 0) < RUNS).map((o) => o.label);
    expect(missing, 'operations that got fewer requests than RUNS').toEqual([]);
    const all = [...stats.values()];
    expect(all.reduce((n, s) => n + s.ok, 0)).toBeGreaterThan(ops.length * 2);
    expect(all.reduce((n, s) => n + s.client, 0)).toBeGreaterThan(ops.length * 5);
    // Valid ids and bodies must reach the handlers of most operations, or the fuzzer only tests validation.
    const reached = ops.filter((o) => (stats.get(o.label)?.ok ?? 0) > 0).map((o) => o.label);
    const never = ops.filter((o) => !reached.includes(o.label)).map((o) => o.label);
    expect(reached.length, `operations that never answered 2xx: ${never.join(', ')}`).toBeGreaterThan(ops.length * 0.75);
  });
});
