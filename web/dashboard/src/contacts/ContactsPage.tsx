import { Anchor, Badge, Group, Select, Tabs, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { useOrg } from '../shell/orgs';
import { type Column, EmptyState, ListTable } from '../ui/ListTable';
import { PageHeader } from '../ui/PageHeader';
import { type Contact, type ContactStatus, contactLabel, SEGMENT_COLOR, useContacts, useSegments } from './queries';
import { SegmentsPanel } from './SegmentsPanel';

const STATUSES: { value: ContactStatus; label: string }[] = [
  { value: 'ALL', label: 'All contacts' },
  { value: 'SUBSCRIBED', label: 'Subscribed' },
  { value: 'UNSUBSCRIBED', label: 'Unsubscribed' },
  { value: 'BLOCKED', label: 'Blocked' },
  { value: 'AI_REPLIES_DISABLED', label: 'AI replies off' },
];
const isStatus = (v: string | null): v is ContactStatus => STATUSES.some((s) => s.value === v);

/** The people the org talks with, searchable and filtered as the API allows, and the segments they are grouped in. */
export function ContactsPage() {
  const { orgId } = useOrg();
  const [tab, setTab] = useState<string | null>('contacts');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [status, setStatus] = useState<ContactStatus>('ALL');
  const [segmentId, setSegmentId] = useState<string | null>(null);
  const contacts = useContacts(orgId, { search: debounced, status, segmentId });
  const segments = useSegments(orgId);

  const columns: Column<Contact>[] = [
    {
      label: 'Name',
      render: (c) => (
        <Anchor component={Link} to={c.id} style={{ overflowWrap: 'anywhere' }}>
          {contactLabel(c)}
        </Anchor>
      ),
    },
    {
      label: 'Channels',
      visibleFrom: 'sm',
      render: (c) => <Text size="sm" style={{ overflowWrap: 'anywhere' }}>{c.channels.map((ch) => `${ch.type}: ${ch.email ?? ch.phone ?? ch.user_id}`).join(', ') || '-'}</Text>,
    },
    {
      label: 'Segments',
      render: (c) => (
        <Group gap={4}>
          {c.segments.map((s) => (
            <Badge key={s.id} color={SEGMENT_COLOR[s.color]} variant="light">{s.name}</Badge>
          ))}
        </Group>
      ),
    },
    {
      label: 'Status',
      nowrap: true,
      visibleFrom: 'md',
      render: (c) => (
        <Group gap={4}>
          {c.blocked ? <Badge color="red" variant="light">Blocked</Badge> : null}
          {c.unsubscribed ? <Badge color="gray" variant="light">Unsubscribed</Badge> : null}
        </Group>
      ),
    },
    { label: 'Last seen', nowrap: true, visibleFrom: 'md', render: (c) => (c.last_seen_at ? new Date(c.last_seen_at).toLocaleDateString() : '-') },
  ];

  return (
    <>
      <PageHeader title="Contacts" description="The people your assistants and team talk with, across the widget, the runtime API and your own channels." />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="contacts">Contacts</Tabs.Tab>
          <Tabs.Tab value="segments">Segments</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="contacts">
          <Group align="flex-end" mb="md" wrap="wrap">
            <TextInput label="Search" placeholder="Name, email or phone" leftSection={<IconSearch size={16} />} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={260} />
            <Select label="Status" data={STATUSES} value={status} onChange={(v) => isStatus(v) && setStatus(v)} allowDeselect={false} w={160} />
            <Select label="Segment" placeholder="Any segment" data={(segments.data ?? []).map((s) => ({ value: s.id, label: s.name }))} value={segmentId} onChange={setSegmentId} clearable w={160} />
          </Group>
          <ListTable
            query={contacts}
            more={contacts}
            columns={columns}
            rowKey={(c) => c.id}
            loadingLabel="Loading contacts"
            minWidth={340}
            label="Contacts"
            empty={<EmptyState title="No contacts found">Contacts appear when people write through the widget, the runtime API or your channels. Try another search or filter.</EmptyState>}
          />
        </Tabs.Panel>
        <Tabs.Panel value="segments">
          <SegmentsPanel
            orgId={orgId}
            onShowContacts={(id) => {
              setSegmentId(id);
              setTab('contacts');
            }}
          />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
