import { Badge, Button, Code, Group, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { useOrg } from '../shell/orgs';
import { ConfirmButton } from '../ui/ConfirmButton';
import { type Column, EmptyState, ListTable } from '../ui/ListTable';
import { notify } from '../ui/notify';
import { PageHeader } from '../ui/PageHeader';
import { CredentialModal } from './CredentialModal';
import { type Provider, providerLabel, providersKey, useProviderCredentials } from './queries';

type Credential = Schemas['ProviderCredential'];

/** The org's model provider credentials: which providers its assistants can use, with their keys kept write-only. */
export function ProvidersPage() {
  const { orgId } = useOrg();
  const client = useQueryClient();
  const creds = useProviderCredentials(orgId);
  const [opened, { open, close }] = useDisclosure(false);
  const [editing, setEditing] = useState<Provider | null>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: providersKey(orgId) });

  const edit = (p: Provider | null) => {
    setEditing(p);
    open();
  };

  const remove = async (c: Credential) => {
    await unwrap(api.DELETE('/orgs/{org_id}/providers/{provider}', { params: { path: { org_id: orgId, provider: c.provider } } }));
    notify(`Removed the ${providerLabel(c.provider)} credentials`);
    refresh();
  };

  const columns: Column<Credential>[] = [
    { label: 'Provider', render: (c) => <Text fw={500}>{providerLabel(c.provider)}</Text> },
    {
      label: 'API key',
      render: (c) => (c.has_api_key ? <Code>{c.api_key_hint ?? 'stored'}</Code> : <Badge color="gray" variant="light">None</Badge>),
    },
    { label: 'Base URL', render: (c) => (c.base_url ? <Code style={{ wordBreak: 'break-all' }}>{c.base_url}</Code> : <Text c="dimmed" size="sm">Default</Text>), visibleFrom: 'sm' },
    { label: 'Updated', render: (c) => new Date(c.updated_at).toLocaleDateString(), nowrap: true, visibleFrom: 'sm' },
    {
      label: 'Actions',
      hideLabel: true,
      render: (c) => (
        <Group gap="xs" justify="flex-end">
          <Button size="xs" variant="default" onClick={() => edit(c.provider)} aria-label={`Replace the ${providerLabel(c.provider)} credentials`}>
            Replace
          </Button>
          <ConfirmButton
            size="xs"
            title={`Remove the ${providerLabel(c.provider)} credentials?`}
            message="Assistants using this provider fall back to the instance's own configuration, or fail if there is none. The key cannot be shown again."
            confirmLabel="Remove credentials"
            onConfirm={() => remove(c)}
            aria-label={`Remove the ${providerLabel(c.provider)} credentials`}
          >
            Remove
          </ConfirmButton>
        </Group>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Providers"
        description="The model providers this organization's assistants can use. API keys are stored encrypted and never shown again; only their last characters are."
      >
        {creds.error ? null : (
          <Button leftSection={<IconPlus size={16} />} onClick={() => edit(null)}>
            Add provider
          </Button>
        )}
      </PageHeader>
      <ListTable
        query={creds}
        columns={columns}
        rowKey={(c) => c.provider}
        loadingLabel="Loading providers"
        label="Provider credentials"
        minWidth={340}
        empty={
          <EmptyState title="No provider credentials yet">
            Assistants can use the built-in offline model, and any provider the instance itself is configured with. Add an
            OpenAI, Anthropic or OpenAI-compatible key to use that provider with this organization's own account.
          </EmptyState>
        }
      />
      <CredentialModal
        opened={opened}
        onClose={close}
        orgId={orgId}
        provider={editing}
        existing={creds.data ?? []}
        onSaved={(p) => {
          notify(`Saved the ${providerLabel(p)} credentials`);
          refresh();
        }}
      />
    </>
  );
}
