export interface PageQuery {
  page: number;
  take: number;
}

export interface Page<T> {
  items: T[];
  count: number;
  page: number;
  take: number;
}

export const DEFAULT_TAKE = 20;
export const MAX_TAKE = 100;

export function pageOffset(q: PageQuery): number {
  return (q.page - 1) * q.take;
}
