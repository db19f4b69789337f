import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError } from '../lib/errors.ts';

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

/** Maps Fastify's own errors (parsing, media type, size) to the contract's 400 wording. */
function frameworkMessage(err: FastifyError, bodyLimit: number): string | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'request body is not valid JSON';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'request body is empty; send a JSON object';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported content type; send Content-Type: application/json';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `request body is too large (limit ${bodyLimit} bytes)`;
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'request body length does not match Content-Length';
    case 'FST_ERR_CTP_INVALID_TYPE':
      return 'invalid Content-Type header';
    default:
      return undefined;
  }
}

export function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ message });
}

export function registerErrorHandlers(app: FastifyInstance, opts: { bodyLimit: number }): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof AppError) {
      reply.headers(err.headers);
      if (err.status >= 500) request.log.error({ err }, err.message);
      else request.log.info({ code: err.code, status: err.status }, err.message);
      return sendError(reply, err.status, err.status >= 500 && err.code === 'internal' ? 'internal server error' : err.message);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation as unknown as Issue[];
      const message = issues.map((i) => formatIssue(err.validationContext, i)).join('; ');
      request.log.info({ status: 400 }, message);
      return sendError(reply, 400, message);
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err, issues: err.cause?.issues }, 'response does not match its schema');
      return sendError(reply, 500, 'internal server error');
    }
    const framework = frameworkMessage(err, request.routeOptions?.bodyLimit ?? opts.bodyLimit);
    if (framework) {
      request.log.info({ code: err.code }, framework);
      return sendError(reply, 400, framework);
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      request.log.info({ code: err.code, status }, err.message);
      return sendError(reply, status, err.message);
    }
    // A bug: log everything, show nothing internal. The request id links the two.
    request.log.error({ err }, 'unhandled error');
    return sendError(reply, 500, 'internal server error');
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, `route not found: ${request.method} ${request.url.split('?')[0]}`),
  );
}
