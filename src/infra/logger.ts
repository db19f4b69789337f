import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type pinoPrettyModule from 'pino-pretty';
import { redactSecrets } from './log-redaction.ts';

export type { Logger };

/** Paths that may carry secrets in a log line; pino replaces them before writing. */
const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'authorization', 'key', 'secret', 'secret_key', 'password'];

const CENSOR = '[redacted]';

/** Fields that hold a secret one level down in any logged object (what pino's `*.key`-style paths would cover). */
const NESTED_SECRETS = new Set(['key', 'secret', 'secret_key', 'password', 'api_key']);

/**
 * Censors NESTED_SECRETS in the plain objects a line carries, copying only an object that has one. Not pino's
 * wildcard paths: with any `*.` path, pino's redaction (@pinojs/redact 0.4) runs on every field of every line and
 * parses its paths again each time, about 12 KB of garbage per request for the access line alone, the largest
 * single allocation of an invoke call (heap sampling, December 6). Errors go through `serializeError` instead.
 */
function censorNested(obj: Record<string, unknown>): Record<string, unknown> {
  let out = obj;
  for (const field in obj) {
    const value = obj[field];
    if (value === null || typeof value !== 'object') continue;
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) continue;
    let copy: Record<string, unknown> | undefined;
    for (const name in value) {
      if (NESTED_SECRETS.has(name) && Object.hasOwn(value, name)) (copy ??= { ...(value as Record<string, unknown>) })[name] = CENSOR;
    }
    if (copy) {
      if (out === obj) out = { ...obj };
      out[field] = copy;
    }
  }
  return out;
}

/** The request as Fastify's own `req` serializer writes it, with the URL's credentials scrubbed. */
function serializeRequest(req: {
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}) {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? redactSecrets(req.url) : req.url,
    version: req.headers?.['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * Errors can quote a URL in their message (Fastify's "reply already sent" does), their stack, or a
 * field of their own (the AI SDK's APICallError carries the provider `url`, which may hold a key).
 */
function serializeError(err: unknown) {
  // Some lines carry the reason as a string in `err` (the job queue's "failed for good"): pino passes it through,
  // and writing into it would throw, so the line (and the caller's bookkeeping after it) would be lost.
  if (typeof err === 'string') return redactSecrets(err);
  if (!err || typeof err !== 'object') return err;
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(out)) if (typeof value === 'string') out[name] = redactSecrets(value);
  return out;
}

/**
 * These serializers replace Fastify's defaults (it merges the instance's own over them), so every
 * line that carries a request, from the access line ("request completed") to a 5xx's error log, is covered; the
 * logMethod hook covers messages that quote a URL.
 */
const OPTIONS: LoggerOptions = {
  redact: { paths: REDACT, censor: CENSOR },
  // A child logger's bindings (ids, in Parley) get pino's paths only: pino formats them without `formatters`.
  formatters: { log: censorNested },
  serializers: { req: serializeRequest, err: serializeError },
  hooks: {
    logMethod(args, method) {
      for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') args[i] = redactSecrets(args[i] as string);
      return method.apply(this, args);
    },
  },
  base: { service: 'parley' },
  timestamp: pino.stdTimeFunctions.isoTime,
};

/** `destination` (tests) receives the lines instead of stdout. */
export function createLogger(opts: { level: string; pretty?: boolean; destination?: DestinationStream }): Logger {
  if (opts.pretty) return pino({ ...OPTIONS, level: opts.level }, prettyStream(opts.destination));
  // Standard output is written asynchronously: lines logged while a write is in flight go out together in the
  // next one (one syscall per line cost every request about a tenth of its CPU), never held back at idle, and
  // flushed on exit. A kill -9 can lose the lines of the last few milliseconds.
  return pino({ ...OPTIONS, level: opts.level }, opts.destination ?? pino.destination({ dest: 1, sync: false }));
}

/** Fields of the access line, folded into its message on a terminal. */
const ACCESS_FIELDS = 'pid,hostname,service,reqId,method,url,status,ms,ip,code,error';

/**
 * For a person at a terminal: one short line per entry (`12:00:01 INFO: GET /orgs/c/assistants 200 3.1ms`), with the
 * request's fields in the message rather than under it. In-process rather than a transport: a terminal reads a few
 * lines a second, and a function can format them.
 */
function prettyStream(destination?: DestinationStream): DestinationStream {
  // Loaded only for a terminal: a server whose output is collected (JSON) never needs it. Synchronously, as the
  // logger is made before anything else of the server; pino-pretty is CommonJS.
  const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof pinoPrettyModule;
  return pinoPretty({
    colorize: !destination,
    ...(destination && { destination }),
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: ACCESS_FIELDS,
    messageFormat: (log, messageKey) =>
      typeof log.method === 'string' ? `${log.method} ${String(log.url)} ${String(log.status)} ${String(log.ms)}ms${log.error ? ` ${String(log.error)}` : ''}` : String(log[messageKey] ?? ''),
  });
}
