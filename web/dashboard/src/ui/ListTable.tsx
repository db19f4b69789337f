import { Button, Card, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorAlert, Loading } from './QueryState';

export interface Column<T> {
  /** The header; with `hideLabel` it is only read by screen readers (an actions column). */
  label: string;
  hideLabel?: boolean;
  render: (row: T) => ReactNode;
  maw?: number;
  /** Short values (sizes, dates, counts) that read badly broken over two lines. */
  nowrap?: boolean;
  /** A secondary column, left out on narrower screens (a phone shows what matters without scrolling as far). */
  visibleFrom?: 'sm' | 'md';
}

interface Props<T> {
  /** A list query's state (TanStack Query's result fits); `isPlaceholderData`: the rows are another filter's, shown while this one loads. */
  query: { isPending: boolean; error: unknown; data: T[] | undefined; isPlaceholderData?: boolean };
  columns: Column<T>[];
  rowKey: (row: T) => string;
  /** Names the spinner for screen readers, e.g. "Loading API keys". */
  loadingLabel: string;
  /** What an empty list shows instead of a table: usually an <EmptyState>. */
  empty: ReactNode;
  /** Below this width the table scrolls sideways rather than squeezing its columns (count the visible ones). */
  minWidth: number;
  /** The row opens something; its main link must still be a real link for the keyboard. */
  onRowClick?: (row: T) => void;
  /** Names the table for screen readers. */
  label?: string;
  /** A list read a page at a time (usePagedList): how many are shown of how many, and a button for the next page. */
  more?: { count: number | undefined; hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
}

/** The dashboard's list: loading, the API's error, an empty state, or a table. */
export function ListTable<T>({ query, columns, rowKey, loadingLabel, empty, minWidth, onRowClick, label, more }: Props<T>) {
  if (query.isPending) return <Loading label={loadingLabel} />;
  if (query.error) return <ErrorAlert error={query.error} />;
  const rows = query.data ?? [];
  if (rows.length === 0) return <>{empty}</>;
  // The previous filter's rows stay in place while the new ones load (no flash of a spinner), dimmed and marked busy.
  const stale = query.isPlaceholderData === true;
  const table = (
    // A table wider than a phone scrolls sideways: its scrollbar stays shown while it does (the default shows it only
    // on hover, which a touch screen never has), so the cut-off columns are visibly there.
    <Table.ScrollContainer minWidth={minWidth} scrollAreaProps={{ type: 'auto', offsetScrollbars: 'x' }}>
      <Table
        verticalSpacing="sm"
        highlightOnHover={!!onRowClick}
        aria-label={label}
        aria-busy={stale || undefined}
        style={stale ? { opacity: 0.55, transition: 'opacity 120ms' } : undefined}
      >
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.label} visibleFrom={c.visibleFrom}>{c.hideLabel ? <VisuallyHidden>{c.label}</VisuallyHidden> : c.label}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={rowKey(row)} style={onRowClick ? { cursor: 'pointer' } : undefined} onClick={onRowClick ? () => onRowClick(row) : undefined}>
              {columns.map((c) => (
                <Table.Td key={c.label} maw={c.maw} visibleFrom={c.visibleFrom} style={c.nowrap ? { whiteSpace: 'nowrap' } : undefined}>
                  {c.render(row)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
  if (!more || (more.count ?? rows.length) <= rows.length) return table;
  return (
    <Stack gap="xs">
      {table}
      <Group justify="space-between">
        <Text size="sm" c="dimmed" aria-live="polite">
          Showing {rows.length} of {more.count}
        </Text>
        {more.hasNextPage ? (
          <Button variant="default" size="xs" onClick={() => more.fetchNextPage()} loading={more.isFetchingNextPage}>
            Load more
          </Button>
        ) : null}
      </Group>
    </Stack>
  );
}

/** What a list shows before it has anything: what the thing is, and how to add the first one. */
export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card withBorder padding="xl" radius="md">
      <Stack align="flex-start" gap="sm">
        <Title order={2} size="h3">
          {title}
        </Title>
        {typeof children === 'string' ? (
          <Text size="sm" maw={560}>
            {children}
          </Text>
        ) : (
          children
        )}
      </Stack>
    </Card>
  );
}
