import type { FastifyReply } from 'fastify';
import type { Page } from '../lib/pagination.ts';

/** Sends a page as a bare JSON array with the pagination-* headers. */
export function sendPage<T>(reply: FastifyReply, page: Page<T>): T[] {
  reply.header('pagination-count', page.count);
  reply.header('pagination-page', page.page);
  reply.header('pagination-take', page.take);
  return page.items;
}

export const PAGINATION_HEADERS = {
  'pagination-count': { description: 'Total number of items matching the query.', schema: { type: 'integer' } },
  'pagination-page': { description: 'The page returned (1-based).', schema: { type: 'integer' } },
  'pagination-take': { description: 'Items per page.', schema: { type: 'integer' } },
} as const;
