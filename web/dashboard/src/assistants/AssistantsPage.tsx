import { Anchor, Badge, Button, Code, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import type { Schemas } from '../api/client';
import { may } from '../auth/permissions';
import { useOrg } from '../shell/orgs';
import { PageHeader } from '../ui/PageHeader';
import { type Column, EmptyState, ListTable } from '../ui/ListTable';
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

  const columns: Column<Schemas['Assistant']>[] = [
    {
      label: 'Name',
      render: (a) => (
        <Anchor component={Link} to={`/o/${orgId}/assistants/${a.id}`} fw={500} onClick={(e) => e.stopPropagation()}>
          {a.name}
        </Anchor>
      ),
    },
    { label: 'Model', render: (a) => <Code>{a.config.model}</Code> },
    {
      label: 'Status',
      render: (a) => (
        <Badge color={a.enabled ? 'teal' : 'gray'} variant="light">
          {a.enabled ? 'Enabled' : 'Disabled'}
        </Badge>
      ),
    },
    { label: 'Updated', render: (a) => <Text size="sm">{new Date(a.updated_at).toLocaleString()}</Text> },
  ];

  return (
    <>
      <PageHeader title="Assistants" description="Each assistant answers your customers with its own instructions, model and knowledge.">
        {list.data?.length ? create : null}
      </PageHeader>
      <ListTable
        query={list}
        columns={columns}
        rowKey={(a) => a.id}
        loadingLabel="Loading assistants"
        minWidth={560}
        onRowClick={(a) => navigate(`/o/${orgId}/assistants/${a.id}`)}
        empty={
          <EmptyState title="No assistants yet">
            <Text size="sm" maw={560}>
              Create an assistant, give it instructions, then add knowledge so it can answer from your own content. You
              can talk to it over the API at <Code>/api/agents/&#123;id&#125;/invoke</Code> or put it on your site with the
              web widget.
            </Text>
            {create ?? <Text size="sm" c="dimmed">Ask an ADMIN or a DEVELOPER of this organization to create one.</Text>}
          </EmptyState>
        }
      />
    </>
  );
}
