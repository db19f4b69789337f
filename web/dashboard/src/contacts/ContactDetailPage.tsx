import { ActionIcon, Anchor, Badge, Card, Group, Select, SimpleGrid, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconArrowLeft, IconX } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from 'react-router';
import { may } from '../auth/permissions';
import { useContactChats } from '../inbox/queries';
import { useOrg } from '../shell/orgs';
import { ConfirmButton } from '../ui/ConfirmButton';
import { notify } from '../ui/notify';
import { PageHeader } from '../ui/PageHeader';
import { ErrorAlert, Loading } from '../ui/QueryState';
import { addToSegment, type Contact, contactLabel, contactsKey, deleteContact, removeFromSegment, SEGMENT_COLOR, segmentsKey, updateContact, useContactById, useSegments } from './queries';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '-');
type Flag = 'blocked' | 'unsubscribed' | 'ai_replies_disabled';
const FLAGS: { key: Flag; label: string; description: string }[] = [
  { key: 'blocked', label: 'Blocked', description: 'Gets no replies.' },
  { key: 'unsubscribed', label: 'Unsubscribed', description: 'Receives no broadcasts.' },
  { key: 'ai_replies_disabled', label: 'AI replies off', description: 'Only people answer.' },
];

/** One contact: their fields and channels, the flags the team sets, their segments and their conversations. */
export function ContactDetailPage() {
  const { orgId, org } = useOrg();
  const { contactId = '' } = useParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const contact = useContactById(orgId, contactId);
  const segments = useSegments(orgId);
  const chats = useContactChats(orgId, contactId);
  const canWrite = may(org?.role, 'contacts:write');
  const refresh = () => {
    void client.invalidateQueries({ queryKey: contactsKey(orgId) });
    void client.invalidateQueries({ queryKey: segmentsKey(orgId) });
  };
  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      notify(done);
    } catch (e) {
      notify(e instanceof Error ? e.message : String(e), 'red');
    }
    refresh();
  };

  if (contact.isPending) return <Loading label="Loading the contact" />;
  if (contact.error) {
    return (
      <>
        <PageHeader title="Contact" />
        <ErrorAlert error={contact.error} />
      </>
    );
  }
  const c: Contact = contact.data;
  const name = contactLabel(c);
  const inSegments = new Set(c.segments.map((s) => s.id));
  const addable = (segments.data ?? []).filter((s) => !inSegments.has(s.id)).map((s) => ({ value: s.id, label: s.name }));
  const attributes = Object.entries(c.custom_attributes);

  return (
    <>
      <Anchor component={Link} to=".." relative="path" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Contacts
        </Group>
      </Anchor>
      <PageHeader title={name} description={`${c.last_seen_at ? `Last seen ${when(c.last_seen_at)}` : 'Not seen yet'} · added ${when(c.created_at)}`}>
        {canWrite ? (
          <ConfirmButton
            title={`Delete ${name}?`}
            message="The contact, their channels and segment memberships are deleted; their conversations stay, without a contact. This cannot be undone."
            confirmLabel="Delete contact"
            onConfirm={async () => {
              await deleteContact(orgId, c.id);
              notify(`Deleted ${name}`);
              refresh();
              void navigate(`/o/${orgId}/contacts`);
            }}
          >
            Delete
          </ConfirmButton>
        ) : null}
      </PageHeader>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">Settings</Title>
          <Stack gap="sm">
            {FLAGS.map((f) => (
              <Switch
                key={f.key}
                label={f.label}
                description={f.description}
                checked={c[f.key]}
                disabled={!canWrite}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  void act(() => updateContact(orgId, c.id, { [f.key]: on }), `${f.label}: ${on ? 'on' : 'off'}`);
                }}
              />
            ))}
          </Stack>
        </Card>
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">Segments</Title>
          <Group gap="xs" mb="sm">
            {c.segments.length === 0 ? <Text size="sm" c="dimmed">In no segment.</Text> : null}
            {c.segments.map((s) => (
              <Badge
                key={s.id}
                size="lg"
                variant="light"
                color={SEGMENT_COLOR[s.color]}
                rightSection={
                  canWrite ? (
                    <ActionIcon size="xs" variant="transparent" style={{ color: 'inherit' }} aria-label={`Remove from ${s.name}`} onClick={() => void act(() => removeFromSegment(orgId, c.id, s.id), `Removed from ${s.name}`)}>
                      <IconX size={12} />
                    </ActionIcon>
                  ) : undefined
                }
              >
                {s.name}
              </Badge>
            ))}
          </Group>
          {canWrite ? (
            <Select
              label="Add to a segment"
              placeholder={addable.length ? 'Pick a segment' : 'No other segment'}
              data={addable}
              value={null}
              disabled={addable.length === 0}
              searchable
              onChange={(id) => {
                const s = segments.data?.find((x) => x.id === id);
                if (s) void act(() => addToSegment(orgId, c.id, s.id), `Added to ${s.name}`);
              }}
            />
          ) : null}
        </Card>
      </SimpleGrid>

      <Card withBorder mt="lg">
        <Title order={2} size="h4" mb="sm">Channels</Title>
        {c.channels.length === 0 ? (
          <Text size="sm" c="dimmed">No channel yet.</Text>
        ) : (
          <Table.ScrollContainer minWidth={340}>
            <Table aria-label="Channels">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Identity</Table.Th>
                  <Table.Th visibleFrom="sm">Name</Table.Th>
                  <Table.Th visibleFrom="sm">Email</Table.Th>
                  <Table.Th visibleFrom="md">Phone</Table.Th>
                  <Table.Th visibleFrom="md">Last seen</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {c.channels.map((ch) => (
                  <Table.Tr key={ch.id}>
                    <Table.Td>{ch.type}</Table.Td>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>{ch.user_id}</Table.Td>
                    <Table.Td visibleFrom="sm">{ch.name ?? '-'}</Table.Td>
                    <Table.Td visibleFrom="sm" style={{ overflowWrap: 'anywhere' }}>{ch.email ?? '-'}</Table.Td>
                    <Table.Td visibleFrom="md">{ch.phone ?? '-'}</Table.Td>
                    <Table.Td visibleFrom="md">{when(ch.last_seen_at)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>

      {attributes.length ? (
        <Card withBorder mt="lg">
          <Title order={2} size="h4" mb="sm">Custom attributes</Title>
          <Table variant="vertical" aria-label="Custom attributes">
            <Table.Tbody>
              {attributes.map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Th w={200}>{k}</Table.Th>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{String(v)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      ) : null}

      <Card withBorder mt="lg">
        <Title order={2} size="h4" mb="sm">Conversations</Title>
        {chats.error ? <ErrorAlert error={chats.error} /> : null}
        {chats.data?.length === 0 ? <Text size="sm" c="dimmed">No conversations yet.</Text> : null}
        <Stack gap="xs">
          {chats.data?.map((chat) => (
            <Group key={chat.id} justify="space-between" wrap="nowrap">
              <Anchor component={Link} to={`/o/${orgId}/inbox/${chat.id}`} style={{ overflowWrap: 'anywhere' }}>
                {chat.title ?? chat.last_message?.text ?? 'Conversation'}
              </Anchor>
              <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>{when(chat.updated_at)}</Text>
            </Group>
          ))}
        </Stack>
      </Card>
    </>
  );
}
