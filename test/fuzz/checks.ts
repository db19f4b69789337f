import type { Operation } from './doc.ts';
import type { RawRequest, RawResponse } from './http.ts';

export type Validate = (pointer: string, value: unknown) => string | null;

/** Words that only Fastify, Node or a stack trace would put in an error body. */
const INTERNALS = /\bFST_[A-Z_]+|\bERR_[A-Z_]{4,}|node_modules|\bat [\w.<>]+ \(|Unexpected token|Bad Request|Unsupported Media Type|Internal Server Error|Cannot read propert|is not a function|\bpglite\b|violates|syntax error at or near|invalid byte sequence|\bSQLSTATE\b/i;

const mediaOf = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase();

const sent = (req: RawRequest | undefined) =>
  req ? `${req.path} ${req.body === undefined ? '' : typeof req.body === 'string' ? req.body : req.body.toString('utf8')}` : '';

/** What is wrong with one response, against the contract; empty when nothing is. */
export function problemsOf(op: Operation, res: RawResponse, validate: Validate, req?: RawRequest): string[] {
  const problems: string[] = [];
  const documented = op.responses[String(res.status)];
  if (res.status >= 500) problems.push(`server error ${res.status}`);
  if (!documented && res.status < 500) problems.push(`status ${res.status} is not documented for this operation`);
  if (res.status >= 400) {
    const body = res.json as Record<string, unknown> | undefined;
    if (!/^application\/json/.test(res.contentType)) problems.push(`error body is ${res.contentType || 'untyped'}, not JSON`);
    else if (res.jsonError) problems.push(`error body is not valid JSON (${res.jsonError})`);
    else if (!body || typeof body !== 'object' || Array.isArray(body)) problems.push('error body is not an object');
    else {
      if (typeof body.message !== 'string' || !body.message) problems.push('error body has no string message');
      const extra = Object.keys(body).filter((k) => k !== 'message');
      if (extra.length) problems.push(`error body carries ${extra.join(', ')} besides message`);
      if (res.status < 500 && INTERNALS.test(res.text)) problems.push(`error body shows internals: ${INTERNALS.exec(res.text)![0]}`);
      const pointer = documented?.['application/json'];
      const invalid = pointer && validate(pointer, body);
      if (invalid) problems.push(`error body does not match its documented schema: ${invalid}`);
    }
  }
  // Lone surrogates sent as JSON escapes must be refused or kept, not silently turned into U+FFFD.
  if (res.status >= 200 && res.status < 300 && /\ufffd|\\ufffd/i.test(res.text) && !/\ufffd|\\ufffd/i.test(sent(req))) {
    problems.push(`${res.status} answer holds U+FFFD the request did not send (a lone surrogate was replaced and stored)`);
  }
  if (res.status >= 200 && res.status < 300 && documented) {
    const media = mediaOf(res.contentType);
    const declared = Object.keys(documented);
    if (declared.length && !declared.includes(media)) problems.push(`${res.status} answered ${media || 'no content type'}, documented ${declared.join(', ')}`);
    else if (media === 'application/json') {
      if (res.jsonError) problems.push(`${res.status} body is not valid JSON (${res.jsonError})`);
      else {
        const invalid = validate(documented[media]!, res.json);
        if (invalid) problems.push(`${res.status} body does not match its documented schema: ${invalid}`);
      }
    }
  }
  return problems;
}

export interface Failure {
  op: string;
  request: RawRequest;
  how: string;
  status: number;
  response: string;
  problems: string[];
  /** What the server logged for this request at error level (the cause of a 500). */
  logged?: string;
}

const show = (s: string | Buffer | undefined, n: number) =>
  s === undefined ? '' : JSON.stringify((typeof s === 'string' ? s : s.toString('latin1')).slice(0, n));

export function formatFailure(f: Failure): string {
  const ct = f.request.headers['content-type'];
  return [
    `${f.op}  [${f.problems.join(' | ')}]`,
    `  request: ${f.request.method} ${f.request.path.slice(0, 300)}${ct ? `  content-type: ${ct}` : ''}  (${f.how})`,
    f.request.body !== undefined ? `  body: ${show(f.request.body, 200)}` : '',
    `  -> ${f.status} ${show(f.response, 300)}`,
    f.logged ? `  server logged: ${f.logged.slice(0, 300)}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** Where the request carried a NUL (the most common 500 cause): path, query or body. */
export function nulIn(req: RawRequest): string[] {
  const [path, query = ''] = req.path.split('?');
  const body = req.body === undefined ? '' : typeof req.body === 'string' ? req.body : req.body.toString('latin1');
  const where: string[] = [];
  if (/%00/.test(path!)) where.push('path');
  if (/%00/.test(query)) where.push('query');
  if (/\\u0000|\u0000/.test(body)) where.push('body');
  return where;
}

/** One line per distinct cause: the problem, the status and the message with ids and numbers blanked out. */
export function causeOf(f: Failure): string {
  let message = f.logged?.split(' | ')[0] ?? f.response;
  if (!f.logged) try {
    const body = JSON.parse(f.response);
    message = body.code ? String(body.code) : String(body.message ?? f.response);
  } catch {
    /* not JSON: keep the text */
  }
  // Messages echo the request (paths, field values): keep their wording, not what was sent.
  const blank = message
    .replace(/^(route not found: [A-Z]+) .*/, '$1 …')
    .replace(/'[^']*'|"[^"]*"/g, '…')
    .replace(/\(0x[0-9a-f]+\)|0x[0-9a-f]+/gi, '0x…')
    .replace(/\b[a-z]+_[A-Za-z0-9]{8,}\b/g, '<id>')
    .replace(/\d+/g, 'N')
    .slice(0, 100);
  const nul = f.status >= 500 && nulIn(f.request).length ? ` | NUL in ${nulIn(f.request).join('+')}` : '';
  return `${f.problems.map((p) => p.replace(/: .*$/, '')).join(' + ')} | ${f.status} | ${blank}${nul}`;
}

/** Failures grouped by cause, each with its count, operations and the first example. */
export function groupFailures(failures: Failure[]): string {
  const groups = new Map<string, Failure[]>();
  for (const f of failures) groups.set(causeOf(f), [...(groups.get(causeOf(f)) ?? []), f]);
  return [...groups.entries()]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([cause, fs]) => `${fs.length}x ${cause}\n  operations: ${[...new Set(fs.map((f) => f.op))].join(', ')}\n${formatFailure(fs[0]!).replace(/^/gm, '  ')}`)
    .join('\n');
}
