import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError } from '../lib/errors.ts';
// Plain words for the issues this file formats (zod's global configuration, set once).
import '../lib/zod-messages.ts';

interface Issue {
  message: string;
  /** JSON pointer of the offending value, e.g. `/history/0/role`. */
  instancePath?: string;
}

/** "body.history.0.role: ..." -> "history[0].role: ..."; the location prefix only when the field is the whole part. */
function formatIssue(context: string | undefined, issue: Issue): string {
  const segments = (issue.instancePath ?? '').split('/').filter(Boolean);
  let field = segments.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
  if (!field) field = context === 'querystring' ? 'query' : (context ?? 'request');
  let msg = issue.message;
  // A schema may word its own complete sentence ("message is required", from the runtime contract): keep it as is.
  if (msg.startsWith(`${field} `)) return msg;
  if (/received undefined/.test(msg)) msg = 'is required';
  else msg = msg.replace(/^Invalid input: /, '');
  return `${field}: ${msg}`;
}

/** The longest path parameter the router accepts; a longer one is a 400 (see frameworkErrors). */
export const MAX_PARAM_LENGTH = 200;

/** Maps Fastify's own errors (URL, parsing, media type, size) to the contract's status and wording. */
function frameworkError(err: FastifyError, bodyLimit: number): [number, string] | undefined {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return [400, 'the URL is not valid: it holds a malformed percent-encoding'];
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return [400, `a path parameter is too long (at most ${MAX_PARAM_LENGTH} characters)`];
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return [400, 'request body is not valid JSON'];
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return [400, 'request body is empty; send a JSON object'];
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return [415, 'unsupported content type; send Content-Type: application/json'];
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return [400, `request body is too large (limit ${bodyLimit} bytes)`];
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return [400, 'request body length does not match Content-Length'];
    case 'FST_ERR_CTP_INVALID_TYPE':
      return [400, 'invalid Content-Type header'];
    default:
      return undefined;
  }
}

/** Fastify's `frameworkErrors` option: router-level failures (bad URL, long parameter) speak the contract too. */
export function onFrameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const [status, message] = frameworkError(err, 0) ?? [400, 'bad request'];
  void sendError(reply, status, message, err.code);
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'the request was not received in time'],
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'the URL and headers are too large (at most 16 KB together)'],
};

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refused (a URL or headers over its
 * limit, bytes that are not HTTP) never reaches a route, so the reply is written on the socket, as
 * Fastify's default does, but in the contract's shape.
 */
export function onClientError(this: FastifyInstance, err: NodeJS.ErrnoException, socket: import('node:stream').Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, message] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'Bad Request', 'the request is not valid HTTP'];
  this.log.debug({ code: err.code, status }, message);
  const body = JSON.stringify({ message });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}

/**
 * The `{message}` of each error reply, for the access log: a refused request is one line (status, code and message)
 * rather than an error line and an access line. 5xx are also logged on their own, with the error.
 */
const errorReplies = new WeakMap<FastifyReply, { message: string; code?: string }>();
export const errorOfReply = (reply: FastifyReply) => errorReplies.get(reply);

export function sendError(reply: FastifyReply, status: number, message: string, code?: string): FastifyReply {
  errorReplies.set(reply, code === undefined ? { message } : { message, code });
  return reply.code(status).type('application/json; charset=utf-8').send({ message });
}

export function registerErrorHandlers(app: FastifyInstance, opts: { bodyLimit: number; allowedMethods: (url: string) => string[] }): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof AppError) {
      reply.headers(err.headers);
      if (err.status >= 500) request.log.error({ err }, err.message);
      return sendError(reply, err.status, err.status >= 500 && err.code === 'internal' ? 'internal server error' : err.message, err.code);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation as unknown as Issue[];
      const message = issues.map((i) => formatIssue(err.validationContext, i)).join('; ');
      return sendError(reply, 400, message, 'validation');
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err, issues: err.cause?.issues }, 'response does not match its schema');
      return sendError(reply, 500, 'internal server error');
    }
    const framework = frameworkError(err, request.routeOptions?.bodyLimit ?? opts.bodyLimit);
    if (framework) {
      return sendError(reply, framework[0], framework[1], err.code);
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendError(reply, status, err.message, err.code);
    }
    // A bug: log everything, show nothing internal. The request id links the two.
    request.log.error({ err }, 'unhandled error');
    return sendError(reply, 500, 'internal server error');
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = opts.allowedMethods(request.url);
    if (allowed.length > 0) {
      reply.header('Allow', allowed.join(', '));
      return sendError(reply, 405, `method ${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`);
    }
    return sendError(reply, 404, `route not found: ${request.method} ${path}`);
  });
}
