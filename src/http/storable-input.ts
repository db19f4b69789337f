import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { badRequest } from '../lib/errors.ts';
import { findUnstorable, unstorableMessage } from '../lib/text.ts';

/**
 * The one check of client input for text PostgreSQL cannot store (see lib/text.ts), so it is a
 * 400 naming the field instead of a database error. Path and query run before authentication
 * (which looks the org up); bodies run inside validation, after any multipart form became one.
 */
export function rejectUnstorableUrlParts(request: FastifyRequest): void {
  const inPath = findUnstorable(request.params);
  if (inPath) throw badRequest(unstorableMessage(inPath, 'path'));
  // A route without a query schema reads no query: what it is sent is ignored, not refused.
  if (!request.routeOptions.schema?.querystring) return;
  const inQuery = findUnstorable(request.query);
  if (inQuery) throw badRequest(unstorableMessage(inQuery, 'query'));
}

/** The zod validator compiler, with the unstorable-text check in front of every body schema. */
export const storableValidatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  const validate = validatorCompiler(route);
  if (route.httpPart !== 'body') return validate;
  return (data: unknown) => {
    const bad = findUnstorable(data);
    return bad ? { error: badRequest(unstorableMessage(bad, 'body')) } : validate(data);
  };
};
