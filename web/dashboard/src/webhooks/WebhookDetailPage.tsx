import { ActionIcon, Anchor, Badge, Button, Card, Code, Group, Modal, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconArrowLeft, IconRefresh, IconSend } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { may } from '../auth/permissions';
import { useOrg } from '../shell/orgs';
import { ConfirmButton } from '../ui/ConfirmButton';
import { type Column, EmptyState, ListTable } from '../ui/ListTable';
import { notify } from '../ui/notify';
import { PageHeader } from '../ui/PageHeader';
import { ErrorAlert, Loading } from '../ui/QueryState';
import { type Delivery, deleteWebhook, redeliver, rotateSecret, sendTest, setEnabled, useDeliveries, useWebhook, webhooksKey } from './queries';
import { SecretModal } from './SecretModal';
import { StatusBadge } from './WebhooksPage';

const time = (iso: string) => new Date(iso).toLocaleString();
const COLOR = { PENDING: 'blue', SUCCEEDED: 'teal', FAILED: 'red' } as const;
const lastCode = (d: Delivery) => d.attempts.at(-1)?.status_code ?? null;

export function WebhookDetailPage() {
  const { orgId, org } = useOrg();
  const { webhookId = '' } = useParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const webhook = useWebhook(orgId, webhookId);
  const deliveries = useDeliveries(orgId, webhookId);
  const [secret, setSecret] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const canWrite = may(org?.role, 'webhooks:write');
  const refresh = () => void client.invalidateQueries({ queryKey: [...webhooksKey(orgId), webhookId] });
  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      notify(done);
    } catch (e) {
      notify(e instanceof Error ? e.message : String(e), 'red');
    }
    refresh();
  };

  if (webhook.isPending) return <Loading label="Loading the endpoint" />;
  if (webhook.error) {
    return (
      <>
        <PageHeader title="Webhook endpoint" />
        <ErrorAlert error={webhook.error} />
      </>
    );
  }
  const w = webhook.data;
  const opened = deliveries.data?.find((d) => d.id === openId) ?? null;

  const columns: Column<Delivery>[] = [
    {
      label: 'Event',
      render: (d) => (
        <Anchor component="button" type="button" onClick={() => setOpenId(d.id)} aria-label={`Open the ${d.event_type} delivery of ${time(d.created_at)}`}>
          {d.event_type}
        </Anchor>
      ),
    },
    { label: 'Status', nowrap: true, render: (d) => <Badge color={COLOR[d.status]} variant="light" style={{ minWidth: 'max-content' }}>{d.status.toLowerCase()}</Badge> },
    { label: 'HTTP', nowrap: true, render: (d) => lastCode(d) ?? '-' },
    { label: 'Attempts', nowrap: true, visibleFrom: 'sm', render: (d) => d.attempt_count },
    { label: 'Time', nowrap: true, visibleFrom: 'sm', render: (d) => time(d.created_at) },
    {
      label: 'Actions',
      hideLabel: true,
      render: (d) =>
        canWrite ? (
          <>
            {/* A phone has room for the icon only; both carry the same name. */}
            <Button visibleFrom="sm" size="xs" variant="light" leftSection={<IconRefresh size={14} />} onClick={() => void act(() => redeliver(orgId, w.id, d.id), `Redelivering ${d.event_type}`)} aria-label={`Redeliver ${d.event_type} of ${time(d.created_at)}`}>
              Redeliver
            </Button>
            <ActionIcon hiddenFrom="sm" variant="light" onClick={() => void act(() => redeliver(orgId, w.id, d.id), `Redelivering ${d.event_type}`)} aria-label={`Redeliver ${d.event_type} of ${time(d.created_at)}`}>
              <IconRefresh size={16} />
            </ActionIcon>
          </>
        ) : null,
    },
  ];

  return (
    <>
      <Anchor component={Link} to=".." relative="path" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Webhooks
        </Group>
      </Anchor>
      <PageHeader title="Webhook endpoint" description={<span style={{ overflowWrap: 'anywhere' }}>{w.url}</span>}>
        {canWrite ? (
          <>
            <Button variant="light" leftSection={<IconSend size={16} />} onClick={() => void act(() => sendTest(orgId, w.id), 'Test ping queued')}>
              Send test
            </Button>
            <Button variant="default" onClick={() => void act(async () => setSecret((await rotateSecret(orgId, w.id)).secret), 'Secret rotated')}>
              Rotate secret
            </Button>
            <ConfirmButton
              title="Delete this endpoint?"
              message="Parley stops sending events to it, and its delivery log is deleted. This cannot be undone."
              confirmLabel="Delete endpoint"
              onConfirm={async () => {
                await deleteWebhook(orgId, w.id);
                notify('Endpoint deleted');
                await client.invalidateQueries({ queryKey: webhooksKey(orgId) });
                void navigate(`/o/${orgId}/webhooks`);
              }}
            >
              Delete
            </ConfirmButton>
          </>
        ) : null}
      </PageHeader>
      <SecretModal secret={secret} onClose={() => setSecret(null)} />
      <Card withBorder mb="lg">
        <Stack gap="xs">
          <Group>
            {/* The switch says on or off; the badge only what it cannot: that Parley turned the endpoint off. */}
            {w.disabled_reason ? <StatusBadge w={w} /> : null}
            <Switch label="Enabled" checked={w.enabled} disabled={!canWrite} onChange={(e) => void act(() => setEnabled(orgId, w.id, e.currentTarget.checked), e.currentTarget.checked ? 'Endpoint enabled' : 'Endpoint disabled')} />
          </Group>
          {w.disabled_reason ? <Text size="sm" c="orange">{w.disabled_reason}</Text> : null}
          {w.description ? <Text size="sm">{w.description}</Text> : null}
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            <Text span fw={500}>Events: </Text>
            {w.event_types.join(', ')}
          </Text>
          <Text size="sm" c="dimmed">Failures in a row: {w.consecutive_failures}</Text>
        </Stack>
      </Card>
      <Title order={2} size="h3" mb="sm">
        Delivery log
      </Title>
      <ListTable
        query={deliveries}
        more={deliveries}
        columns={columns}
        rowKey={(d) => d.id}
        loadingLabel="Loading deliveries"
        minWidth={340}
        label="Deliveries"
        empty={<EmptyState title="No deliveries yet">Events of the chosen types are logged here as they are sent. Send a test to try the endpoint.</EmptyState>}
      />
      <DeliveryModal delivery={opened} onClose={() => setOpenId(null)} />
    </>
  );
}

/** One delivery: the body sent and every attempt with the start of the receiver's answer, all as text. */
function DeliveryModal({ delivery: d, onClose }: { delivery: Delivery | null; onClose: () => void }) {
  return (
    <Modal opened={!!d} onClose={onClose} title={d ? `Delivery: ${d.event_type}` : 'Delivery'} size="xl" centered>
      {d ? (
        <Stack gap="sm">
          <Text size="sm">
            <Text span fw={500}>webhook-id: </Text>
            <Code>{d.message_id}</Code>
          </Text>
          {d.note ? <Text size="sm">{d.note}</Text> : null}
          {d.next_attempt_at ? <Text size="sm">Next retry: {time(d.next_attempt_at)}</Text> : null}
          <Text fw={500} size="sm">Request body</Text>
          <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{d.payload ?? '(not sent yet)'}</Code>
          <Text fw={500} size="sm">Attempts</Text>
          {d.attempts.length === 0 ? <Text size="sm" c="dimmed">None yet.</Text> : null}
          {d.attempts.map((a) => (
            <Card key={a.attempt} withBorder padding="sm">
              <Table variant="vertical" withRowBorders={false} aria-label={`Attempt ${a.attempt}`}>
                <Table.Tbody>
                  <Table.Tr><Table.Th w={120}>Attempt</Table.Th><Table.Td>{a.attempt} ({a.trigger})</Table.Td></Table.Tr>
                  <Table.Tr><Table.Th>At</Table.Th><Table.Td>{time(a.at)}</Table.Td></Table.Tr>
                  <Table.Tr><Table.Th>HTTP status</Table.Th><Table.Td>{a.status_code ?? 'no answer'}</Table.Td></Table.Tr>
                  <Table.Tr><Table.Th>Duration</Table.Th><Table.Td>{a.duration_ms} ms</Table.Td></Table.Tr>
                  {a.error ? <Table.Tr><Table.Th>Error</Table.Th><Table.Td>{a.error}</Table.Td></Table.Tr> : null}
                </Table.Tbody>
              </Table>
              {a.response ? <Code block mt="xs" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} aria-label={`Response of attempt ${a.attempt}`}>{a.response}</Code> : null}
            </Card>
          ))}
        </Stack>
      ) : null}
    </Modal>
  );
}
