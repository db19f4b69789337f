import { Badge, Button, Card, Code, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { IconPlus } from '@tabler/icons-react';
import { api, FIRST_PAGE, type Schemas, unwrap } from '../api/client';
import { useOrg } from '../shell/orgs';
import { ConfirmButton } from '../ui/ConfirmButton';
import { PageHeader } from '../ui/PageHeader';
import { ErrorAlert, Loading } from '../ui/QueryState';
import { useAssistants } from '../assistants/queries';
import { CreateKeyModal } from './CreateKeyModal';
import { notify } from '../ui/notify';

const date = (iso: string | null, none = '-') => (iso ? new Date(iso).toLocaleDateString() : none);

function status(k: Schemas['ApiKey']) {
  if (k.revoked_at) return <Badge color="gray" variant="light">Revoked</Badge>;
  if (k.expires_at && new Date(k.expires_at) <= new Date()) return <Badge color="orange" variant="light">Expired</Badge>;
  return <Badge color="teal" variant="light">Active</Badge>;
}

export function ApiKeysPage() {
  const { orgId } = useOrg();
  const client = useQueryClient();
  const [opened, { open, close }] = useDisclosure(false);
  const queryKey = ['orgs', orgId, 'api-keys'];
  const keys = useQuery({ queryKey, queryFn: () => unwrap(api.GET('/orgs/{org_id}/api-keys', { params: { path: { org_id: orgId }, query: FIRST_PAGE } })) });
  const refresh = () => void client.invalidateQueries({ queryKey });
  const assistants = useAssistants(orgId);
  const assistantName = (id: string) => assistants.data?.find((a) => a.id === id)?.name ?? id;

  const revoke = async (k: Schemas['ApiKey']) => {
    await unwrap(api.DELETE('/orgs/{org_id}/api-keys/{key_id}', { params: { path: { org_id: orgId, key_id: k.id } } }));
    notify(`Revoked ${k.name}`);
    refresh();
  };

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
      {keys.isPending ? <Loading label="Loading API keys" /> : null}
      {keys.data?.length === 0 ? (
        <Card withBorder padding="xl">
          <Title order={2} size="h3">
            No API keys
          </Title>
          <Text size="sm" mt="xs">
            Create a runtime key for the server that calls your assistants, restricted to one assistant if it needs no more.
          </Text>
        </Card>
      ) : null}
      {keys.data && keys.data.length > 0 ? (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Scope</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data.map((k) => (
                <Table.Tr key={k.id}>
                  <Table.Td>{k.name}</Table.Td>
                  <Table.Td>
                    <Code>{k.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>
                    {k.scope}
                    {k.assistant_id ? <Text size="xs" c="dimmed">only {assistantName(k.assistant_id)}</Text> : null}
                  </Table.Td>
                  <Table.Td>{date(k.expires_at, 'Never')}</Table.Td>
                  <Table.Td>{date(k.last_used_at, 'Never')}</Table.Td>
                  <Table.Td>{status(k)}</Table.Td>
                  <Table.Td>
                    {k.revoked_at ? null : (
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
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
    </>
  );
}
