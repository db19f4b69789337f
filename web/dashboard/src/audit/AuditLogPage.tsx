import { Anchor, Badge, Button, Code, Group, Pagination, Select, Stack, Text, TextInput } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { useOrg } from '../shell/orgs';
import { type Column, EmptyState, ListTable } from '../ui/ListTable';
import { PageHeader } from '../ui/PageHeader';
import { EVENT_SUMMARIES } from '../webhooks/events';

type Entry = Schemas['AuditEntry'];
const TAKE = 50;

const FAMILIES = [...new Set(Object.keys(EVENT_SUMMARIES).map((t) => t.split('.')[0]!))];
// Messages are read in their chat; the API leaves them out unless asked for by type.
const TYPE_OPTIONS = [
  { group: 'Families', items: FAMILIES.map((f) => ({ value: `${f}.*`, label: `${f}.*` })) },
  { group: 'Event types', items: Object.keys(EVENT_SUMMARIES).map((t) => ({ value: t, label: t })) },
];

interface Filters {
  type: string | null;
  actor: { id: string; name: string } | null;
  from: string;
  to: string;
}

/** A day picked in a date field (the member's local day) as the API's instant; `to` is the end of that day. */
const dayStart = (day: string, plusDays = 0) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + plusDays).toISOString();
};

function useAuditLog(orgId: string, f: Filters, page: number) {
  return useQuery({
    queryKey: ['orgs', orgId, 'audit-log', f.type, f.actor?.id, f.from, f.to, page],
    placeholderData: keepPreviousData,
    queryFn: async () => {
      const query = {
        page,
        take: TAKE,
        ...(f.type ? { type: f.type } : {}),
        ...(f.actor ? { actor_id: f.actor.id } : {}),
        ...(f.from ? { from: dayStart(f.from) } : {}),
        ...(f.to ? { to: dayStart(f.to, 1) } : {}),
      };
      const call = api.GET('/orgs/{org_id}/audit-log', { params: { path: { org_id: orgId }, query } });
      const rows = await unwrap(call);
      // The page is a bare array; the total is in the pagination-count header (docs/pagination.md).
      const { response } = await call;
      return { rows, count: Number(response.headers.get('pagination-count') ?? rows.length) };
    },
  });
}

const actorLabel = (a: Entry['actor']) => a.name ?? (a.type === 'system' ? 'Parley' : a.type === 'visitor' ? 'A visitor' : `Deleted ${a.type.replace('_', ' ')}`);

/** What changed, who changed it and when: the org's events, newest first, filtered as the API allows. */
export function AuditLogPage() {
  const { orgId } = useOrg();
  const [filters, setFilters] = useState<Filters>({ type: null, actor: null, from: '', to: '' });
  const [page, setPage] = useState(1);
  const set = (patch: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setPage(1);
  };
  const log = useAuditLog(orgId, filters, page);
  const pages = Math.max(1, Math.ceil((log.data?.count ?? 0) / TAKE));

  const columns: Column<Entry>[] = [
    {
      label: 'Time',
      render: (e) => (
        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
          {new Date(e.created_at).toLocaleDateString()}
          <br />
          {new Date(e.created_at).toLocaleTimeString()}
        </Text>
      ),
    },
    {
      label: 'Actor',
      render: (e) =>
        e.actor.id ? (
          <Anchor component="button" type="button" size="sm" ta="left" onClick={() => set({ actor: { id: e.actor.id!, name: actorLabel(e.actor) } })} aria-label={`Only changes by ${actorLabel(e.actor)}`}>
            {actorLabel(e.actor)}
          </Anchor>
        ) : (
          actorLabel(e.actor)
        ),
    },
    {
      label: 'Event',
      render: (e) => (
        <Stack gap={2} align="flex-start">
          <Code style={{ overflowWrap: 'anywhere' }}>{e.type}</Code>
          <Text size="xs" c="dimmed">{EVENT_SUMMARIES[e.type]}</Text>
        </Stack>
      ),
    },
    {
      label: 'Subject',
      visibleFrom: 'sm',
      render: (e) => (
        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
          {e.subject.type} <Code>{e.subject.id}</Code>
        </Text>
      ),
    },
    { label: 'Details', visibleFrom: 'md', maw: 320, render: (e) => <Text size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>{JSON.stringify(e.data)}</Text> },
  ];

  return (
    <>
      <PageHeader title="Audit log" description="Every change in the organization, by whom and when, newest first. Messages are left out unless you pick their type." />
      <Group align="flex-end" mb="md" wrap="wrap">
        <Select label="Event type" placeholder="Every type" data={TYPE_OPTIONS} value={filters.type} onChange={(type) => set({ type })} searchable clearable w={240} />
        <TextInput label="From" type="date" value={filters.from} onChange={(e) => set({ from: e.currentTarget.value })} w={150} />
        <TextInput label="To" type="date" value={filters.to} onChange={(e) => set({ to: e.currentTarget.value })} w={150} />
        {filters.actor ? (
          <Badge size="lg" variant="light" rightSection={<IconX size={12} />} component="button" onClick={() => set({ actor: null })} aria-label={`Clear the actor filter: ${filters.actor.name}`} style={{ cursor: 'pointer' }}>
            By {filters.actor.name}
          </Badge>
        ) : null}
        {filters.type || filters.actor || filters.from || filters.to ? (
          <Button variant="subtle" onClick={() => set({ type: null, actor: null, from: '', to: '' })}>
            Clear filters
          </Button>
        ) : null}
      </Group>
      <ListTable
        query={{ isPending: log.isPending, error: log.error, data: log.data?.rows }}
        columns={columns}
        rowKey={(e) => e.id}
        loadingLabel="Loading the audit log"
        minWidth={340}
        label="Audit log"
        empty={<EmptyState title="No entries">Nothing matches these filters. Changes to assistants, keys, members, contacts and webhooks are recorded here.</EmptyState>}
      />
      {pages > 1 ? (
        <Group justify="center" mt="md">
          <Pagination total={pages} value={page} onChange={setPage} getControlProps={(c) => ({ 'aria-label': c === 'next' ? 'Next page' : c === 'previous' ? 'Previous page' : c })} getItemProps={(p) => ({ 'aria-label': `Page ${p}` })} />
        </Group>
      ) : null}
      {log.data ? <Text size="xs" c="dimmed" ta="center" mt="xs">{log.data.count.toLocaleString('en-US')} entries</Text> : null}
    </>
  );
}
