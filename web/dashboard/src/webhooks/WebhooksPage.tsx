import { Anchor, Badge, Button, Switch, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { may } from '../auth/permissions';
import { useOrg } from '../shell/orgs';
import { type Column, EmptyState, ListTable } from '../ui/ListTable';
import { notify } from '../ui/notify';
import { PageHeader } from '../ui/PageHeader';
import { ErrorAlert } from '../ui/QueryState';
import { CreateWebhookModal } from './CreateWebhookModal';
import { type Webhook, setEnabled, useWebhooks, webhooksKey } from './queries';
import { SecretModal } from './SecretModal';

export function StatusBadge({ w }: { w: Webhook }) {
  // max-content: in a narrow table cell a Badge would otherwise cut its label short ("ENAB…").
  const style = { minWidth: 'max-content' };
  if (w.enabled) return <Badge color="teal" variant="light" style={style}>Enabled</Badge>;
  return <Badge color={w.disabled_reason ? 'orange' : 'gray'} variant="light" style={style}>{w.disabled_reason ? 'Disabled by Parley' : 'Disabled'}</Badge>;
}

export function WebhooksPage() {
  const { orgId, org } = useOrg();
  const client = useQueryClient();
  const webhooks = useWebhooks(orgId);
  const [opened, { open, close }] = useDisclosure(false);
  const [secret, setSecret] = useState<string | null>(null);
  const canWrite = may(org?.role, 'webhooks:write');
  const refresh = () => void client.invalidateQueries({ queryKey: webhooksKey(orgId) });

  const toggle = async (w: Webhook, enabled: boolean) => {
    try {
      await setEnabled(orgId, w.id, enabled);
      notify(`${enabled ? 'Enabled' : 'Disabled'} ${w.url}`);
    } catch (e) {
      notify(e instanceof Error ? e.message : String(e), 'red');
    }
    refresh();
  };

  const columns: Column<Webhook>[] = [
    {
      label: 'Endpoint',
      maw: 360,
      render: (w) => (
        <>
          <Anchor component={Link} to={w.id} style={{ overflowWrap: 'anywhere' }}>
            {w.url}
          </Anchor>
          {w.description ? <Text size="xs" c="dimmed">{w.description}</Text> : null}
        </>
      ),
    },
    { label: 'Events', visibleFrom: 'sm', maw: 280, render: (w) => <Text size="sm" style={{ overflowWrap: 'anywhere' }}>{w.event_types.join(', ')}</Text> },
    { label: 'Status', nowrap: true, render: (w) => <StatusBadge w={w} /> },
    {
      label: 'Enabled',
      hideLabel: true,
      render: (w) => (
        <Switch aria-label={`Enabled: ${w.url}`} checked={w.enabled} disabled={!canWrite} onChange={(e) => void toggle(w, e.currentTarget.checked)} />
      ),
    },
  ];

  if (webhooks.error) {
    return (
      <>
        <PageHeader title="Webhooks" />
        <ErrorAlert error={webhooks.error} />
      </>
    );
  }
  return (
    <>
      <PageHeader title="Webhooks" description="Parley POSTs the events you choose to your endpoints, signed with each endpoint's secret (docs: webhooks).">
        {canWrite ? (
          <Button leftSection={<IconPlus size={16} />} onClick={open}>
            Add endpoint
          </Button>
        ) : null}
      </PageHeader>
      <CreateWebhookModal
        orgId={orgId}
        opened={opened}
        onClose={close}
        onCreated={(w) => {
          setSecret(w.secret);
          refresh();
        }}
      />
      <SecretModal secret={secret} onClose={() => setSecret(null)} />
      <ListTable
        query={webhooks}
        more={webhooks}
        columns={columns}
        rowKey={(w) => w.id}
        loadingLabel="Loading webhooks"
        minWidth={340}
        label="Webhook endpoints"
        empty={
          <EmptyState title="No webhook endpoints">
            Add an endpoint to be told when a conversation starts, a message arrives or a contact changes.
          </EmptyState>
        }
      />
    </>
  );
}
