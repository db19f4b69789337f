import type { FastifyReply, FastifyRequest } from 'fastify';

export const WIDGET_API_PREFIX = '/widget/v1/';

/**
 * CORS for the web widget's API, which pages of other sites call. Every origin may read the answers, and
 * preflights always pass: the widget's routes check the page's origin against the assistant's allow-list
 * themselves and refuse (403) before doing anything, so a success is never sent to a page that is not
 * allowed; errors carry only a message. No cookies are involved (the visitor token is a header), so no
 * credentials are allowed. Returns true when the request was a preflight, now answered.
 */
export function allowWidgetCors(request: FastifyRequest, reply: FastifyReply): boolean {
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return false;
  reply.header('access-control-allow-origin', origin);
  reply.header('vary', 'Origin');
  reply.header('access-control-expose-headers', 'pagination-count, pagination-page, pagination-take, pagination-pages, retry-after, x-request-id');
  if (request.method !== 'OPTIONS') return false;
  reply
    .code(204)
    .header('access-control-allow-methods', 'GET, POST')
    .header('access-control-allow-headers', 'authorization, content-type, last-event-id')
    .header('access-control-max-age', '600')
    .send();
  return true;
}
