import { Anchor, Badge, Button, Card, Code, Stack, Table, Text, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { may } from '../auth/permissions';
import { useOrg } from '../shell/orgs';
import { PageHeader } from '../ui/PageHeader';
import { ErrorAlert, Loading } from '../ui/QueryState';
import { useAssistants } from './queries';

export function AssistantsPage() {
  const { orgId, org } = useOrg();
  const list = useAssistants(orgId);
  const navigate = useNavigate();
  const canManage = may(org?.role, 'assistants:manage');
  const create = canManage ? (
    <Button component={Link} to={`/o/${orgId}/assistants/new`} leftSection={<IconPlus size={16} />}>
      New assistant
    </Button>
  ) : null;

  return (
    <>
      <PageHeader title="Assistants" description="Each assistant answers your customers with its own instructions, model and knowledge.">
        {list.data?.length ? create : null}
      </PageHeader>
      {list.isPending ? <Loading label="Loading assistants" /> : null}
      {list.error ? <ErrorAlert error={list.error} /> : null}
      {list.data && list.data.length === 0 ? (
        <Card withBorder padding="xl" radius="md">
          <Stack align="flex-start" gap="sm">
            <Title order={2} size="h3">
              No assistants yet
            </Title>
            <Text size="sm" maw={560}>
              Create an assistant, give it instructions, then add knowledge so it can answer from your own content. You
              can talk to it over the API at <Code>/api/agents/&#123;id&#125;/invoke</Code> or put it on your site with the
              web widget.
            </Text>
            {create ?? <Text size="sm" c="dimmed">Ask an ADMIN or a DEVELOPER of this organization to create one.</Text>}
          </Stack>
        </Card>
      ) : null}
      {list.data && list.data.length > 0 ? (
        <Table.ScrollContainer minWidth={560}>
          <Table highlightOnHover verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Model</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((a) => (
                <Table.Tr key={a.id} style={{ cursor: 'pointer' }} onClick={() => navigate(`/o/${orgId}/assistants/${a.id}`)}>
                  <Table.Td>
                    <Anchor component={Link} to={`/o/${orgId}/assistants/${a.id}`} fw={500} onClick={(e) => e.stopPropagation()}>
                      {a.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Code>{a.config.model}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={a.enabled ? 'teal' : 'gray'} variant="light">
                      {a.enabled ? 'Enabled' : 'Disabled'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{new Date(a.updated_at).toLocaleString()}</Text>
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
