import { Badge, Group, Loader, Text } from '@mantine/core';
import type { Item } from './queries';

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export const TYPE_LABEL: Record<Item['type'], string> = { TEXT: 'Text', FILE: 'File', URL: 'Website' };

/** Pages so far, for a website being crawled: "12 pages, 3 skipped". */
function pages(p: Item['progress']): string | null {
  if (p.pages_fetched === undefined) return null;
  const parts = [`${p.pages_fetched} ${p.pages_fetched === 1 ? 'page' : 'pages'}`];
  if (p.pages_skipped) parts.push(`${p.pages_skipped} skipped`);
  if (p.pages_failed) parts.push(`${p.pages_failed} failed`);
  return parts.join(', ');
}

/** The item's state as it moves PENDING -> PROCESSING -> PROCESSED | FAILED, with the reason of a failure as text. */
export function StatusCell({ item }: { item: Item }) {
  const progress = item.type === 'URL' ? pages(item.progress) : null;
  return (
    <div>
      {item.status === 'PENDING' ? <Badge color="gray" variant="light">Queued</Badge> : null}
      {item.status === 'PROCESSING' ? (
        <Group gap={6} wrap="nowrap">
          <Badge color="blue" variant="light" leftSection={<Loader size={10} color="blue" aria-hidden />}>
            Processing
          </Badge>
        </Group>
      ) : null}
      {item.status === 'PROCESSED' ? <Badge color="teal" variant="light">Processed</Badge> : null}
      {item.status === 'FAILED' ? <Badge color="red" variant="light">Failed</Badge> : null}
      {progress ? (
        <Text size="xs" c="dimmed" mt={4}>
          {progress}
        </Text>
      ) : null}
      {item.status === 'FAILED' && item.error ? (
        <Text size="xs" c="var(--parley-danger-text)" mt={4} maw={320} style={{ overflowWrap: 'anywhere' }}>
          {item.error}
        </Text>
      ) : null}
    </div>
  );
}
