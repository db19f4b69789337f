import { keepPreviousData, type QueryKey, useInfiniteQuery } from '@tanstack/react-query';
import { unwrap } from './client';

/** Rows per page of a dashboard list; "Load more" fetches the next page. */
export const LIST_PAGE_SIZE = 50;

type PageCall<T> = Promise<{ data?: T[]; error?: unknown; response: Response }>;

/** What ListTable needs to show every loaded page and a "Load more" button (see ListTable's `more`). */
export interface PagedList<T> {
  isPending: boolean;
  error: unknown;
  /** Every row loaded so far, pages in order. */
  data: T[] | undefined;
  /** Rows matching, from the pagination-count header (docs/pagination.md). */
  count: number | undefined;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isPlaceholderData: boolean;
  fetchNextPage: () => unknown;
}

/**
 * A paginated list endpoint read a page at a time. A refetch (after a change, or on `refetchInterval`) reloads the
 * pages already shown, so rows stay in place; another key (a new filter) starts again at page 1, showing the previous
 * rows meanwhile.
 */
export function usePagedList<T>(
  queryKey: QueryKey,
  fetchPage: (query: { page: number; take: number }) => PageCall<T>,
  opts: { refetchInterval?: (rows: T[] | undefined) => number | false } = {},
): PagedList<T> {
  const query = useInfiniteQuery({
    queryKey,
    initialPageParam: 1,
    queryFn: async ({ pageParam }) => {
      const call = await fetchPage({ page: pageParam, take: LIST_PAGE_SIZE });
      const rows = await unwrap(Promise.resolve(call));
      return { rows, page: pageParam, count: Number(call.response.headers.get('pagination-count') ?? rows.length) };
    },
    getNextPageParam: (last) => (last.page * LIST_PAGE_SIZE < last.count ? last.page + 1 : undefined),
    placeholderData: keepPreviousData,
    refetchInterval: opts.refetchInterval ? (q) => opts.refetchInterval!(q.state.data?.pages.flatMap((p) => p.rows)) : undefined,
  });
  return {
    isPending: query.isPending,
    error: query.error,
    data: query.data?.pages.flatMap((p) => p.rows),
    count: query.data?.pages.at(-1)?.count,
    hasNextPage: query.hasNextPage,
    isFetchingNextPage: query.isFetchingNextPage,
    isPlaceholderData: query.isPlaceholderData,
    fetchNextPage: () => query.fetchNextPage(),
  };
}
