import { Badge, Button, Code, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { IconPlus } from '@tabler/icons-react';
import { api, type Schemas, unwrap } from '../api/client';
import { usePagedList } from '../api/paged';
import { useOrg } from '../shell/orgs';
import { ConfirmButton } from '../ui/ConfirmButton';
import { PageHeader } from '../ui/PageHeader';
import { type Column, EmptyState, ListTable } from '../ui/ListTable';
import { ErrorAlert } from '../ui/QueryState';
import { useAssistants } from '../assistants/queries';
import { CreateKeyModal } from './CreateKeyModal';
import { notify } from '../ui/notify';

const date = (iso: string | null, none = '-') => (iso ? new Date(iso).toLocaleDateString() : none);

type ApiKey = Schemas['ApiKey'];

function status(k: ApiKey) {
  if (k.revoked_at) return <Badge color="gray" variant="light">Revoked</Badge>;
  if (k.expires_at && new Date(k.expires_at) <= new Date()) return <Badge color="orange" variant="light">Expired</Badge>;
  return <Badge color="teal" variant="light">Active</Badge>;
}

export function ApiKeysPage() {
  const { orgId } = useOrg();
  const client = useQueryClient();
  const [opened, { open, close }] = useDisclosure(false);
  const queryKey = ['orgs', orgId, 'api-keys'];
  const keys = usePagedList<ApiKey>(queryKey, (query) => api.GET('/orgs/{org_id}/api-keys', { params: { path: { org_id: orgId }, query } }));
  const refresh = () => void client.invalidateQueries({ queryKey });
  const assistants = useAssistants(orgId);
  const assistantName = (id: string) => assistants.data?.find((a) => a.id === id)?.name ?? id;

  const revoke = async (k: ApiKey) => {
    await unwrap(api.DELETE('/orgs/{org_id}/api-keys/{key_id}', { params: { path: { org_id: orgId, key_id: k.id } } }));
    notify(`Revoked ${k.name}`);
    refresh();
  };

  const columns: Column<ApiKey>[] = [
    { label: 'Name', render: (k) => k.name },
    { label: 'Key', render: (k) => <Code>{k.prefix}…</Code> },
    {
      label: 'Scope',
      render: (k) => (
        <>
          {k.scope}
          {k.assistant_id ? <Text size="xs" c="dimmed">only {assistantName(k.assistant_id)}</Text> : null}
        </>
      ),
    },
    { label: 'Expires', render: (k) => date(k.expires_at, 'Never') },
    { label: 'Last used', render: (k) => date(k.last_used_at, 'Never') },
    { label: 'Status', render: status },
    {
      label: 'Actions',
      hideLabel: true,
      render: (k) =>
        k.revoked_at ? null : (
          <ConfirmButton
            size="xs"
            title={`Revoke ${k.name}?`}
            message="Requests with this key are refused at once. This cannot be undone."
            confirmLabel="Revoke key"
            onConfirm={() => revoke(k)}
            aria-label={`Revoke ${k.name}`}
          >
            Revoke
          </ConfirmButton>
        ),
    },
  ];

  // A role without keys:manage gets the server's 403: said plainly, with no button that would fail.
  if (keys.error) {
    return (
      <>
        <PageHeader title="API keys" />
        <ErrorAlert error={keys.error} />
      </>
    );
  }
  return (
    <>
      <PageHeader title="API keys" description="Keys let your servers call Parley. A runtime key only invokes assistants; an admin key can use the whole API.">
        <Button leftSection={<IconPlus size={16} />} onClick={open}>
          Create key
        </Button>
      </PageHeader>
      <CreateKeyModal orgId={orgId} opened={opened} onClose={close} onCreated={refresh} />
      <ListTable
        query={keys}
        more={keys}
        columns={columns}
        rowKey={(k) => k.id}
        loadingLabel="Loading API keys"
        minWidth={760}
        empty={
          <EmptyState title="No API keys">
            Create a runtime key for the server that calls your assistants, restricted to one assistant if it needs no more.
          </EmptyState>
        }
      />
    </>
  );
}
