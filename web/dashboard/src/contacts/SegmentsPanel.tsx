import { Anchor, Badge, Button, Group, Select, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { may } from '../auth/permissions';
import { useOrg } from '../shell/orgs';
import { ConfirmButton } from '../ui/ConfirmButton';
import { type Column, EmptyState, ListTable } from '../ui/ListTable';
import { notify } from '../ui/notify';
import { ErrorAlert } from '../ui/QueryState';
import { contactsKey, createSegment, deleteSegment, SEGMENT_COLOR, type Segment, type SegmentColor, segmentsKey, useSegmentList } from './queries';

const COLORS = Object.keys(SEGMENT_COLOR);
const isColor = (v: string | null): v is SegmentColor => !!v && v in SEGMENT_COLOR;

export function SegmentsPanel({ orgId, onShowContacts }: { orgId: string; onShowContacts: (segmentId: string) => void }) {
  const { org } = useOrg();
  const client = useQueryClient();
  const segments = useSegmentList(orgId);
  const canManage = may(org?.role, 'segments:manage');
  const [name, setName] = useState('');
  const [color, setColor] = useState<SegmentColor>('neutral');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const refresh = () => {
    void client.invalidateQueries({ queryKey: segmentsKey(orgId) });
    void client.invalidateQueries({ queryKey: contactsKey(orgId) });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await createSegment(orgId, { name, color });
      notify(`Created the segment ${s.name}`);
      setName('');
      refresh();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const columns: Column<Segment>[] = [
    { label: 'Segment', render: (s) => <Badge color={SEGMENT_COLOR[s.color]} variant="light" size="lg">{s.name}</Badge> },
    {
      label: 'Contacts',
      nowrap: true,
      render: (s) => (
        <Anchor component="button" type="button" size="sm" onClick={() => onShowContacts(s.id)} aria-label={`Show the ${s.contacts_count} contacts in ${s.name}`}>
          {s.contacts_count}
        </Anchor>
      ),
    },
    {
      label: 'Actions',
      hideLabel: true,
      render: (s) =>
        canManage ? (
          <ConfirmButton
            size="xs"
            title={`Delete the segment ${s.name}?`}
            message="Its contacts stay; they are only taken out of it. This cannot be undone."
            confirmLabel="Delete segment"
            aria-label={`Delete the segment ${s.name}`}
            onConfirm={async () => {
              await deleteSegment(orgId, s.id);
              notify(`Deleted the segment ${s.name}`);
              refresh();
            }}
          >
            Delete
          </ConfirmButton>
        ) : null,
    },
  ];

  return (
    <>
      {canManage ? (
        <form onSubmit={submit}>
          <Group align="flex-end" mb="md" wrap="wrap">
            <TextInput label="New segment" placeholder="VIP" required maxLength={128} value={name} onChange={(e) => setName(e.currentTarget.value)} w={240} />
            <Select label="Colour" data={COLORS} value={color} onChange={(v) => isColor(v) && setColor(v)} allowDeselect={false} w={150} />
            <Button type="submit" loading={busy}>Create segment</Button>
          </Group>
          {error ? <ErrorAlert error={error} mt="0" /> : null}
        </form>
      ) : null}
      <ListTable
        query={segments}
        more={segments}
        columns={columns}
        rowKey={(s) => s.id}
        loadingLabel="Loading segments"
        minWidth={340}
        label="Segments"
        empty={<EmptyState title="No segments">Segments group contacts (VIP, trial, a region) so the team can find them and filter by them.</EmptyState>}
      />
    </>
  );
}
