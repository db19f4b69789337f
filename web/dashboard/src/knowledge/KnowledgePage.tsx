import { Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconFile, IconTextCaption, IconWorld } from '@tabler/icons-react';
import { useSearchParams } from 'react-router';
import { useAssistants } from '../assistants/queries';
import { may } from '../auth/permissions';
import { useOrg } from '../shell/orgs';
import { ConfirmButton } from '../ui/ConfirmButton';
import { type Column, EmptyState, ListTable } from '../ui/ListTable';
import { webHref } from '../ui/links';
import { notify } from '../ui/notify';
import { PageHeader } from '../ui/PageHeader';
import { ErrorAlert } from '../ui/QueryState';
import { AddFiles } from './AddFiles';
import { AddText } from './AddText';
import { AddWebsite } from './AddWebsite';
import { bytes, StatusCell, TYPE_LABEL } from './format';
import { deleteItem, isFinal, type Item, knowledgeKey, syncItem, useKnowledgeItems, useKnowledgeStats } from './queries';
import { SearchTester } from './SearchTester';

/**
 * The organization's global knowledge, or with `?assistant=` one assistant's (what it answers from, and its own items):
 * what is there, how its processing goes, what a question would find.
 */
export function KnowledgePage() {
  const { orgId, org } = useOrg();
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const assistantId = params.get('assistant');
  const target = { orgId, assistantId };
  const items = useKnowledgeItems(target);
  const assistants = useAssistants(orgId);
  const chosen = assistants.data?.find((a) => a.id === assistantId);
  const canManage = may(org?.role, 'knowledge:manage');
  const refresh = () => void client.invalidateQueries({ queryKey: knowledgeKey(orgId) });
  const added = (title: string) => {
    notify(`Added ${title}`);
    refresh();
  };

  const sync = async (i: Item) => {
    try {
      await syncItem(orgId, i.id);
      notify(`Reading ${i.title} again`);
    } catch (e) {
      notify(`Could not re-sync ${i.title}: ${e instanceof Error ? e.message : String(e)}`, 'red');
    }
    refresh();
  };
  const remove = async (i: Item) => {
    await deleteItem(orgId, i.id);
    notify(`Deleted ${i.title}`);
    refresh();
  };

  const columns: Column<Item>[] = [
    {
      label: 'Title',
      maw: 340,
      render: (i) => {
        const href = webHref(i.url);
        return (
          <>
            <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
              {i.title}
            </Text>
            {i.type === 'URL' && i.url ? (
              <Text size="xs" c="dimmed" component={href ? 'a' : 'span'} href={href} target="_blank" rel="noreferrer noopener" style={{ overflowWrap: 'anywhere' }}>
                {i.url}
              </Text>
            ) : null}
            {i.type === 'FILE' && i.content.file_name && i.content.file_name !== i.title ? (
              <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                {i.content.file_name}
              </Text>
            ) : null}
          </>
        );
      },
    },
    ...(assistantId
      ? [
          {
            label: 'Belongs to',
            nowrap: true,
            render: (i: Item) => (i.assistant_id ? <Badge variant="light">This assistant</Badge> : <Badge variant="outline" color="gray">Organization</Badge>),
          } satisfies Column<Item>,
        ]
      : []),
    { label: 'Type', nowrap: true, visibleFrom: 'sm', render: (i) => (i.type === 'URL' && i.content.mode && i.content.mode !== 'single' ? `${TYPE_LABEL.URL} (${i.content.mode})` : TYPE_LABEL[i.type]) },
    { label: 'Status', render: (i) => <StatusCell item={i} /> },
    { label: 'Chunks', nowrap: true, render: (i) => i.chunks_count },
    { label: 'Size', nowrap: true, visibleFrom: 'md', render: (i) => bytes(i.size) },
    { label: 'Added', nowrap: true, visibleFrom: 'md', render: (i) => new Date(i.created_at).toLocaleDateString() },
    {
      label: 'Actions',
      hideLabel: true,
      nowrap: true,
      render: (i) =>
        canManage ? (
          <Group gap="xs" wrap="nowrap" justify="flex-end">
            {i.type === 'URL' ? (
              <Button size="xs" variant="default" disabled={!isFinal(i)} onClick={() => void sync(i)} aria-label={`Re-sync ${i.title}`}>
                Re-sync
              </Button>
            ) : null}
            <ConfirmButton
              size="xs"
              title={`Delete ${i.title}?`}
              message="Its passages are removed and assistants stop answering from it at once. This cannot be undone."
              confirmLabel="Delete"
              onConfirm={() => remove(i)}
              aria-label={`Delete ${i.title}`}
            >
              Delete
            </ConfirmButton>
          </Group>
        ) : null,
    },
  ];

  // A role without knowledge:read gets the server's 403, said plainly, with nothing that would fail.
  if (items.error) {
    return (
      <>
        <PageHeader title="Knowledge" />
        <ErrorAlert error={items.error} />
      </>
    );
  }
  return (
    <>
      <PageHeader title="Knowledge" description="Texts, files and websites your assistants answer from. Each is cut into passages (chunks) and indexed; the best passages go into a reply and are cited as its sources." />
      <Stack gap="xl">
        <StatsRow orgId={orgId} />
        <Select
          label="Knowledge of"
          description={
            assistantId
              ? `What ${chosen?.name ?? 'this assistant'} answers from (its knowledge scope: ${chosen?.config.knowledge_scope ?? 'all'}); what you add here is its own.`
              : 'Global knowledge, which every assistant can use; choose an assistant to see and add its own.'
          }
          data={[{ value: '', label: 'The whole organization' }, ...(assistants.data ?? []).map((a) => ({ value: a.id, label: a.name }))]}
          value={assistantId ?? ''}
          onChange={(v) => setParams(v ? { assistant: v } : {})}
          allowDeselect={false}
          maw={420}
        />
        {canManage ? (
          <section aria-labelledby="add-knowledge">
            <Title order={2} size="h3" mb="sm" id="add-knowledge">
              Add knowledge
            </Title>
            <Paper withBorder p="md">
              <Tabs defaultValue="text" keepMounted={false}>
                <Tabs.List mb="md">
                  <Tabs.Tab value="text" leftSection={<IconTextCaption size={16} />}>
                    Text
                  </Tabs.Tab>
                  <Tabs.Tab value="files" leftSection={<IconFile size={16} />}>
                    Files
                  </Tabs.Tab>
                  <Tabs.Tab value="website" leftSection={<IconWorld size={16} />}>
                    Website
                  </Tabs.Tab>
                </Tabs.List>
                <Tabs.Panel value="text">
                  <AddText target={target} onAdded={added} />
                </Tabs.Panel>
                <Tabs.Panel value="files">
                  <AddFiles target={target} onAdded={refresh} />
                </Tabs.Panel>
                <Tabs.Panel value="website">
                  <AddWebsite target={target} onAdded={added} />
                </Tabs.Panel>
              </Tabs>
            </Paper>
          </section>
        ) : null}
        <section aria-labelledby="knowledge-items">
          <Title order={2} size="h3" mb="sm" id="knowledge-items">
            Items
          </Title>
          <ListTable
            query={items}
            more={items}
            columns={columns}
            rowKey={(i) => i.id}
            loadingLabel="Loading knowledge"
            minWidth={560}
            label="Knowledge items"
            empty={<EmptyState title="No knowledge yet">Add a text, upload files or point Parley at your help center: assistants answer from it as soon as it is processed.</EmptyState>}
          />
        </section>
        <section aria-labelledby="search-tester">
          <Title order={2} size="h3" mb={4} id="search-tester">
            Search tester
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            Ask a question as a customer would: these are the passages an assistant would be given, best first.
          </Text>
          <SearchTester orgId={orgId} />
        </section>
      </Stack>
    </>
  );
}

function StatsRow({ orgId }: { orgId: string }) {
  const stats = useKnowledgeStats(orgId);
  if (!stats.data) return null;
  const s = stats.data;
  const figures = [
    { label: 'Items', value: String(s.contents) },
    { label: 'Chunks', value: String(s.chunks) },
    { label: 'Size', value: bytes(s.size) },
    { label: 'Processing', value: String(s.pending) },
    { label: 'Failed', value: String(s.failed) },
  ];
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm" component="dl" m={0} aria-label="Totals">
      {figures.map((f) => (
        <Paper key={f.label} withBorder p="sm">
          <Text component="dt" size="xs" c="dimmed" tt="uppercase" fw={600}>
            {f.label}
          </Text>
          <Text component="dd" m={0} size="xl" fw={700}>
            {f.value}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}
