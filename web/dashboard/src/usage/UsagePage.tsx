import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Button, Card, Group, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useAssistants } from '../assistants/queries';
import { useOrg } from '../shell/orgs';
import { EmptyState } from '../ui/ListTable';
import { PageHeader } from '../ui/PageHeader';
import { ErrorAlert, Loading } from '../ui/QueryState';
import { downloadCsv, toCsv } from './csv';
import { fillDays, PERIODS, periodOf, type Usage, type UsageRow, useUsage } from './queries';

const num = (n: number) => n.toLocaleString('en-US');
const COLUMNS = ['requests', 'errors', 'prompt_tokens', 'completion_tokens', 'total_tokens'] as const;
// A phone shows requests and total tokens only: the table fits, with no sideways scrolling.
const SECONDARY = new Set<string>(['errors', 'prompt_tokens', 'completion_tokens']);

/** Tokens and calls of the org's model calls over a period: per day in charts, per assistant and per model in tables. */
export function UsagePage() {
  const { orgId } = useOrg();
  const [days, setDays] = useState('30');
  // The period is fixed when picked, so the three queries (and a refetch) read the same window.
  const period = useMemo(() => periodOf(Number(days)), [days]);
  const byDay = useUsage(orgId, period, 'day');
  const byAssistant = useUsage(orgId, period, 'assistant');
  const byModel = useUsage(orgId, period, 'model');
  const assistants = useAssistants(orgId);
  const assistantName = (id: string) => assistants.data?.find((a) => a.id === id)?.name ?? id;

  const error = byDay.error ?? byAssistant.error ?? byModel.error;
  const header = (
    <PageHeader title="Usage" description="Model calls made by the organization's assistants: tokens and requests per day (UTC), per assistant and per model.">
      <SegmentedControl aria-label="Period" value={days} onChange={setDays} data={PERIODS} />
    </PageHeader>
  );
  if (error) return <>{header}<ErrorAlert error={error} /></>;
  if (!byDay.data || !byAssistant.data || !byModel.data) return <>{header}<Loading label="Loading usage" /></>;

  const daily = fillDays(byDay.data.groups, period.from, period.to);
  const t = byDay.data.totals;
  const exportCsv = () => {
    const rows = [
      ['group', 'key', 'name', ...COLUMNS],
      ...daily.map((r) => ['day', r.key, r.key, ...COLUMNS.map((c) => r[c])]),
      ...byAssistant.data.groups.map((r) => ['assistant', r.key, assistantName(r.key), ...COLUMNS.map((c) => r[c])]),
      ...byModel.data.groups.map((r) => ['model', r.key, r.key, ...COLUMNS.map((c) => r[c])]),
      ['total', '', `${period.from.slice(0, 10)} to ${period.to.slice(0, 10)}`, ...COLUMNS.map((c) => t[c])],
    ];
    downloadCsv(`parley-usage-${period.from.slice(0, 10)}-${period.to.slice(0, 10)}.csv`, toCsv(rows));
  };

  return (
    <>
      {header}
      <Stack gap="lg">
        <Totals usage={byDay.data} onExport={exportCsv} />
        {t.requests === 0 ? (
          <EmptyState title="No model calls in this period">Calls to your assistants (widget, runtime API, playground) are counted here.</EmptyState>
        ) : (
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Card withBorder>
              <Title order={2} size="h4" mb="sm">Tokens per day</Title>
              <BarChart
                h={240}
                data={daily}
                dataKey="key"
                type="stacked"
                series={[
                  { name: 'prompt_tokens', label: 'Prompt', color: 'indigo.6' },
                  { name: 'completion_tokens', label: 'Completion', color: 'teal.6' },
                ]}
                withLegend
                valueFormatter={num}
                yAxisProps={{ allowDecimals: false }}
                aria-label="Tokens per day"
              />
            </Card>
            <Card withBorder>
              <Title order={2} size="h4" mb="sm">Requests per day</Title>
              <BarChart
                h={240}
                data={daily}
                dataKey="key"
                series={[
                  { name: 'requests', label: 'Requests', color: 'indigo.6' },
                  { name: 'errors', label: 'Errors', color: 'red.6' },
                ]}
                withLegend
                valueFormatter={num}
                yAxisProps={{ allowDecimals: false }}
                aria-label="Requests per day"
              />
            </Card>
          </SimpleGrid>
        )}
        <Breakdown title="Per assistant" rows={byAssistant.data.groups} name={assistantName} />
        <Breakdown title="Per model" rows={byModel.data.groups} name={(k) => k} />
      </Stack>
    </>
  );
}

function Totals({ usage, onExport }: { usage: Usage; onExport: () => void }) {
  const t = usage.totals;
  const stats = [
    ['Requests', t.requests],
    ['Errors', t.errors],
    ['Prompt tokens', t.prompt_tokens],
    ['Completion tokens', t.completion_tokens],
    ['Total tokens', t.total_tokens],
  ] as const;
  return (
    <Card withBorder>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">Totals</Title>
        <Button variant="light" leftSection={<IconDownload size={16} />} onClick={onExport}>
          Export CSV
        </Button>
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} component="dl" m={0}>
        {stats.map(([label, value]) => (
          <div key={label}>
            <Text component="dt" size="sm" c="dimmed">{label}</Text>
            <Text component="dd" m={0} fw={700} size="xl" data-testid={`usage-${label.toLowerCase().replace(' ', '-')}`}>{num(value)}</Text>
          </div>
        ))}
      </SimpleGrid>
      <Text size="sm" mt="sm" c="dimmed">
        This month: {num(usage.month_to_date_tokens)} tokens{usage.monthly_token_budget !== null ? ` of a monthly budget of ${num(usage.monthly_token_budget)}` : ' (no monthly budget set)'}.
      </Text>
    </Card>
  );
}

function Breakdown({ title, rows, name }: { title: string; rows: UsageRow[]; name: (key: string) => string }) {
  if (rows.length === 0) return null;
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">{title}</Title>
      <Table.ScrollContainer minWidth={300}>
        <Table aria-label={`Usage ${title.toLowerCase()}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th ta="right">Requests</Table.Th>
              <Table.Th ta="right" visibleFrom="sm">Errors</Table.Th>
              <Table.Th ta="right" visibleFrom="sm">Prompt</Table.Th>
              <Table.Th ta="right" visibleFrom="sm">Completion</Table.Th>
              <Table.Th ta="right">Total tokens</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.key}>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>{name(r.key)}</Table.Td>
                {COLUMNS.map((c) => (
                  <Table.Td key={c} ta="right" visibleFrom={SECONDARY.has(c) ? 'sm' : undefined}>{num(r[c])}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}
