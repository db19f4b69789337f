import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../lib/errors.ts';

/**
 * JSON bodies must be valid UTF-8. Fastify's own parser decodes the bytes leniently, so an invalid
 * sequence became U+FFFD and was stored as if the client had sent it; here it is a 400 instead. The
 * parsing itself (prototype-poisoning checks, empty-body error) stays Fastify's.
 */
export function registerJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (!isUtf8(body as Buffer)) return done(badRequest('request body is not valid UTF-8'), undefined);
    parse(request, (body as Buffer).toString('utf8'), done);
  });
}
