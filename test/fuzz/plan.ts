import fc from 'fast-check';
import { deref, type Json, type Operation, type Param } from './doc.ts';
import { HUGE_STRING, hostileJson, hostileString, INVALID_UTF8_BODIES, rawJsonTexts, WRONG_CONTENT_TYPES } from './hostile.ts';
import { encodeSegment, wtf8, type RawRequest } from './http.ts';
import { mutatedArb, validArb } from './values.ts';
import { PARAM_KINDS, type Kind, VISITOR_KINDS, type World } from './world.ts';
import { WIDGET_SITE } from '../harness.ts';

type PathValue = { seeded: Kind } | { hostile: string; raw: boolean } | { literal: string };

interface Part {
  name: string;
  value: string;
  filename?: string;
  mime?: string;
}

type BodyPlan =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; how: string; contentType: string | null }
  | { kind: 'raw'; text: string | Buffer; how: string; contentType: string | null }
  | { kind: 'multipart'; parts: Part[]; how: string; broken: boolean };

/** Hostile strings small enough for a URL (a 300 000-char one is its own rarer case: the 431 path). */
const urlString = hostileString.filter((x) => x.length < 10_000);

export interface Plan {
  path: Record<string, PathValue>;
  query: [string, string][];
  auth: 'admin' | 'none' | 'garbage';
  body: BodyPlan;
}

const TRAVERSAL = ['../', '..%2F', '%2e%2e%2f', '%2E%2E/', '..%5C', '%2F', '.', '..', '%00', '%ED%A0%80', '%C0%AE%C0%AE', 'a%2Fb', '%'];

function pathValueArb(doc: Json, p: Param): fc.Arbitrary<PathValue> {
  const kinds = PARAM_KINDS[p.name];
  const schema = deref(doc, p.schema);
  const good: fc.Arbitrary<PathValue> = kinds
    ? fc.constantFrom(...kinds).map((k) => ({ seeded: k }))
    : (validArb(doc, schema).map((v) => ({ literal: String(v) })) as fc.Arbitrary<PathValue>);
  const alias: fc.Arbitrary<PathValue>[] = p.name === 'org_id' ? [fc.constant({ literal: 'c' })] : [];
  return fc.oneof(
    { weight: 6, arbitrary: alias.length ? fc.oneof(good, ...alias) : good },
    // Never empty: `/orgs/c/orgs/` is the list route's URL (trailing slashes are ignored), not this operation.
    { weight: 3, arbitrary: urlString.filter((s) => s.length > 0).map((s) => ({ hostile: s, raw: false })) },
    { weight: 1, arbitrary: fc.constantFrom(...TRAVERSAL).map((s) => ({ hostile: s, raw: true })) },
  );
}

function queryArb(doc: Json, op: Operation): fc.Arbitrary<[string, string][]> {
  const perParam = op.params
    .filter((p) => p.in === 'query')
    .map((p) =>
      fc.oneof(
        { weight: 2, arbitrary: fc.constant([] as [string, string][]) },
        { weight: 2, arbitrary: validArb(doc, p.schema).map((v) => [[p.name, String(v)]] as [string, string][]) },
        { weight: 2, arbitrary: fc.oneof(urlString, fc.constantFrom('1e308', '-0', 'NaN', '9007199254740993', '0x10', '1.5', ' 2')).map((v) => [[p.name, v]] as [string, string][]) },
        { weight: 1, arbitrary: fc.tuple(urlString, urlString).map(([a, b]) => [[p.name, a], [p.name, b]] as [string, string][]) },
      ),
    );
  const extra = fc.oneof(
    { weight: 40, arbitrary: fc.constant([] as [string, string][]) },
    { weight: 12, arbitrary: fc.tuple(urlString, urlString).map(([k, v]) => [[k, v]] as [string, string][]) },
    { weight: 1, arbitrary: fc.constant([['q', HUGE_STRING.slice(0, 20_000)]] as [string, string][]) },
  );
  return fc.tuple(extra, ...perParam).map((lists) => lists.flat());
}

function multipartArb(doc: Json, op: Operation): fc.Arbitrary<BodyPlan> {
  const form = op.body?.['multipart/form-data'];
  const fieldNames = Object.keys(deref(doc, form)?.properties ?? { title: {} }).filter((n) => n !== 'file');
  const name = (good: string) => fc.oneof({ weight: 3, arbitrary: fc.constant(good) }, { weight: 1, arbitrary: hostileString.filter((s) => s.length < 1000) });
  const value = fc.oneof({ weight: 2, arbitrary: fc.constantFrom('Notes', 'Öffnungszeiten 🙂') }, { weight: 2, arbitrary: hostileString });
  const fields = fc.array(fc.tuple(name(fieldNames[0] ?? 'title'), value).map(([n, v]) => ({ name: n, value: v })), { maxLength: 3 });
  const file = fc.record({
    name: name('file'),
    filename: fc.oneof({ weight: 2, arbitrary: fc.constantFrom('notes.txt', 'page.md', 'x.pdf') }, { weight: 2, arbitrary: hostileString.filter((s) => s.length < 1000) }),
    value: fc.oneof(fc.constantFrom('Acme opens at 9am.', '', '%PDF-1.7 not really'), hostileString),
    mime: fc.constantFrom('text/plain', 'text/markdown', 'application/pdf', 'application/octet-stream', 'text/html'),
  });
  return fc
    .tuple(fields, fc.option(file, { freq: 5, nil: undefined }), fc.boolean(), fc.nat(9))
    .map(([f, file, fileFirst, b]) => ({ kind: 'multipart', parts: file ? (fileFirst ? [file, ...f] : [...f, file]) : f, how: 'multipart form', broken: b === 0 }));
}

function bodyArb(doc: Json, op: Operation): fc.Arbitrary<BodyPlan> {
  const jsonSchema = op.body?.['application/json'];
  const none = fc.constant<BodyPlan>({ kind: 'none' });
  const json = (value: fc.Arbitrary<unknown>, how: string, contentType: string | null = 'application/json') =>
    value.map((v): BodyPlan => ({ kind: 'json', value: v, how, contentType }));
  const raw = (text: fc.Arbitrary<string | Buffer>, how: string, ct: fc.Arbitrary<string | null> = fc.constant('application/json')) =>
    fc.tuple(text, ct).map(([t, c]): BodyPlan => ({ kind: 'raw', text: t, how, contentType: c }));
  const multipart = multipartArb(doc, op);
  if (!jsonSchema && !op.body) {
    // Operations without a body still meet clients that send one.
    return fc.oneof(
      { weight: 8, arbitrary: none },
      { weight: 1, arbitrary: json(hostileJson, 'unexpected JSON body') },
      { weight: 1, arbitrary: raw(rawJsonTexts({}), 'unexpected raw body') },
      { weight: 1, arbitrary: raw(fc.constant('hello'), 'unexpected text body', fc.constantFrom(...WRONG_CONTENT_TYPES, null)) },
      { weight: 1, arbitrary: multipart },
    );
  }
  const valid = validArb(doc, jsonSchema);
  const validText = valid.map((v) => JSON.stringify(v));
  return fc.oneof(
    { weight: 4, arbitrary: json(valid, 'valid body') },
    { weight: 4, arbitrary: mutatedArb(doc, jsonSchema ?? {}).map((m): BodyPlan => ({ kind: 'json', value: m.value, how: `valid body, ${m.how}`, contentType: 'application/json' })) },
    { weight: 2, arbitrary: json(hostileJson, 'hostile JSON') },
    { weight: 2, arbitrary: valid.chain((v) => raw(rawJsonTexts(v), 'raw JSON text')) },
    { weight: 2, arbitrary: raw(validText, 'valid body, wrong content type', fc.constantFrom(...WRONG_CONTENT_TYPES)) },
    { weight: 1, arbitrary: validText.map((t): BodyPlan => ({ kind: 'raw', text: Buffer.from(t), how: 'valid body, no content type', contentType: null })) },
    { weight: 1, arbitrary: raw(fc.constantFrom(...INVALID_UTF8_BODIES), 'invalid UTF-8') },
    { weight: 1, arbitrary: raw(fc.constant(`{"x":"${HUGE_STRING.repeat(4)}"}`), 'over the body limit') },
    { weight: op.body?.['multipart/form-data'] ? 6 : 1, arbitrary: multipart },
    { weight: 1, arbitrary: none },
  );
}

/** Everything about one request, still symbolic about seeded ids (they exist only on a running server). */
export function planArb(doc: Json, op: Operation): fc.Arbitrary<Plan> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const path = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, pathValueArb(doc, p)])));
  const auth = fc.constantFrom<Plan['auth']>(...(Array(18).fill('admin') as 'admin'[]), 'none', 'garbage');
  return fc.record({ path, query: queryArb(doc, op), auth, body: bodyArb(doc, op) }) as fc.Arbitrary<Plan>;
}

const BOUNDARY = 'fuzzBoundary7MA4YWxkTrZu0gW';

function multipartBytes(parts: Part[], broken: boolean): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `Content-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    const type = p.mime ? `\r\nContent-Type: ${p.mime}` : '';
    chunks.push(Buffer.from(`--${BOUNDARY}\r\n`), wtf8(disposition + type), Buffer.from('\r\n\r\n'), wtf8(p.value), Buffer.from('\r\n'));
  }
  // A broken form ends without its closing boundary, as a cut-off upload does.
  if (!broken) chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/** Turns a plan into bytes to send: seeded ids looked up (or made fresh, for DELETE), values encoded. */
export async function materialize(op: Operation, plan: Plan, world: World, key: string): Promise<RawRequest> {
  let path = op.path;
  for (const [name, v] of Object.entries(plan.path)) {
    let segment: string;
    if ('seeded' in v) {
      // On the widget's visitor routes, a chat id names one of the visitor's own chats.
      const kind = (op.visitor && VISITOR_KINDS[v.seeded]) || v.seeded;
      segment = encodeSegment(op.method === 'DELETE' && kind !== 'org' ? await world.fresh(kind) : await world.id(kind));
    }
    else if ('literal' in v) segment = encodeSegment(v.literal);
    else segment = v.raw ? v.hostile : encodeSegment(v.hostile);
    path = path.replace(`{${name}}`, segment);
  }
  if (plan.query.length) path += '?' + plan.query.map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`).join('&');
  const headers: Record<string, string> = {};
  if (plan.auth === 'admin') headers.authorization = `Bearer ${key}`;
  if (plan.auth === 'garbage') headers.authorization = `Bearer apk_${'0'.repeat(40)}`;
  if (op.visitor) headers.origin = WIDGET_SITE;
  const b = plan.body;
  let body: string | Buffer | undefined;
  if (b.kind === 'json') {
    body = JSON.stringify(b.value);
    if (b.contentType) headers['content-type'] = b.contentType;
  } else if (b.kind === 'raw') {
    body = b.text;
    if (b.contentType) headers['content-type'] = b.contentType;
  } else if (b.kind === 'multipart') {
    body = multipartBytes(b.parts, b.broken);
    headers['content-type'] = `multipart/form-data; boundary=${BOUNDARY}`;
  }
  return { method: op.method, path, headers, body };
}

export const describeBody = (plan: Plan): string => (plan.body.kind === 'none' ? 'no body' : plan.body.how);
