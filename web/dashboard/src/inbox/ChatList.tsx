import { Badge, Box, Button, Center, Code, EmptyState, Group, ScrollArea, Select, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconInbox } from '@tabler/icons-react';
import { useAssistants } from '../assistants/queries';
import { ErrorAlert, Loading } from '../ui/QueryState';
import { ChatRow } from './ChatRow';
import { isView, VIEWS } from './format';
import type { LiveStatus } from './live';
import { type ChannelType, type InboxChat, type InboxScope, useInboxCounts } from './queries';

interface Props {
  orgId: string;
  scope: InboxScope;
  onScope: (scope: InboxScope) => void;
  list: {
    rows?: InboxChat[];
    error: unknown;
    isPending: boolean;
    isPlaceholderData: boolean;
    hasNextPage: boolean;
    isFetchingNextPage: boolean;
    fetchNextPage: () => unknown;
  };
  selectedId?: string;
  rowLink: (chatId: string) => string;
  live: LiveStatus;
}

const LIVE = { live: ['Live', 'teal', 'New conversations and messages appear as they happen.'], connecting: ['Connecting', 'gray', 'Opening the live connection…'], reconnecting: ['Reconnecting', 'orange', 'The live connection dropped; reconnecting. Nothing is missed.'] } as const;

/** The list pane: the views with their counts, the assistant and channel filters, and the conversations. */
export function ChatList({ orgId, scope, onScope, list, selectedId, rowLink, live }: Props) {
  const counts = useInboxCounts(orgId, { assistantId: scope.assistantId, channel: scope.channel });
  const assistants = useAssistants(orgId);
  const [liveLabel, liveColor, liveHelp] = LIVE[live];

  return (
    <>
      <Stack gap="xs" p="sm" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        <Group justify="space-between">
          <Title order={1} size="h3">
            Inbox
          </Title>
          <Tooltip label={liveHelp} multiline w={220}>
            <Badge variant="dot" color={liveColor} aria-live="polite">
              {liveLabel}
            </Badge>
          </Tooltip>
        </Group>
        <Select
          label="View"
          size="sm"
          allowDeselect={false}
          value={scope.view}
          onChange={(v) => isView(v) && onScope({ ...scope, view: v })}
          data={VIEWS.map((v) => ({ value: v.value, label: counts.data ? `${v.label} (${counts.data[v.value]})` : v.label }))}
        />
        <Group grow gap="xs">
          <Select
            label="Assistant"
            size="xs"
            placeholder="All assistants"
            clearable
            value={scope.assistantId ?? null}
            onChange={(v) => onScope({ ...scope, assistantId: v ?? undefined })}
            data={(assistants.data ?? []).map((a) => ({ value: a.id, label: a.name }))}
          />
          <Select
            label="Channel"
            size="xs"
            placeholder="All channels"
            clearable
            value={scope.channel ?? null}
            onChange={(v) => onScope({ ...scope, channel: (v as ChannelType | null) ?? undefined })}
            data={[
              { value: 'WEB', label: 'Web widget' },
              { value: 'API', label: 'API' },
              { value: 'CUSTOM', label: 'Custom' },
            ]}
          />
        </Group>
      </Stack>
      <ScrollArea style={{ flex: 1 }} type="auto">
        {list.isPending ? <Loading label="Loading conversations" /> : null}
        {list.error ? (
          <Box p="sm">
            <ErrorAlert error={list.error} />
          </Box>
        ) : null}
        {list.rows?.length === 0 ? <EmptyList scope={scope} total={counts.data?.all} /> : null}
        {/* The previous view's rows stay, faded, until the new view arrives: no flash of a loader. */}
        <nav aria-label="Conversations" aria-busy={list.isPlaceholderData} style={{ opacity: list.isPlaceholderData ? 0.55 : 1 }}>
          {list.rows?.map((chat) => <ChatRow key={chat.id} chat={chat} to={rowLink(chat.id)} selected={chat.id === selectedId} />)}
        </nav>
        {list.hasNextPage ? (
          <Center p="sm">
            <Button variant="default" size="xs" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
              Load more
            </Button>
          </Center>
        ) : null}
      </ScrollArea>
    </>
  );
}

/** Teaches the next step: where conversations come from when there are none, else which view to look at. */
function EmptyList({ scope, total }: { scope: InboxScope; total: number | undefined }) {
  const narrowed = scope.assistantId || scope.channel;
  if (total === 0 && !narrowed) {
    return (
      <EmptyState p="lg" icon={<IconInbox size={32} aria-hidden />} title="No conversations yet">
        <Text size="sm" ta="center">
          Put the web widget on your site (an assistant's Widget settings give the snippet) or call the runtime API at{' '}
          <Code>/api/agents/&#123;id&#125;/invoke</Code>: every conversation shows up here, live.
        </Text>
      </EmptyState>
    );
  }
  const view = VIEWS.find((v) => v.value === scope.view)?.label ?? scope.view;
  return (
    <EmptyState p="lg" icon={<IconInbox size={32} aria-hidden />} title={`Nothing in ${view}`}>
      <Text size="sm" ta="center">
        {scope.view === 'mine'
          ? 'No open conversation is assigned to you. Pick one from Unassigned or Waiting, or press a on a chat to take it.'
          : narrowed
            ? 'No conversation matches these filters. Clear the assistant or channel filter to see more.'
            : 'All caught up. Other views (All, Resolved) hold the rest.'}
      </Text>
    </EmptyState>
  );
}
