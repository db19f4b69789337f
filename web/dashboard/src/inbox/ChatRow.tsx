import { Badge, Group, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { IconStarFilled } from '@tabler/icons-react';
import { Link } from 'react-router';
import { CHANNEL_LABEL, contactName, shortTime, stateLabel } from './format';
import type { InboxChat } from './queries';
import classes from './inbox.module.css';

// `assistant` is the AI or the team (the list does not say which), so only notes are marked.
const PREVIEW_PREFIX = { user: '', assistant: '', note: 'Note: ' } as const;

/** One conversation in the list: who, what was said last, when, and the state a team triages by. */
export function ChatRow({ chat, to, selected }: { chat: InboxChat; to: string; selected: boolean }) {
  const unseen = chat.state.admin_unseen_count;
  const state = stateLabel(chat);
  const last = chat.last_message;
  const name = contactName(chat);
  return (
    <UnstyledButton
      component={Link}
      to={to}
      className={classes.row}
      data-selected={selected || undefined}
      data-unread={unseen > 0 || undefined}
      aria-current={selected ? 'page' : undefined}
    >
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text fw={unseen ? 700 : 600} size="sm" truncate>
          {name}
        </Text>
        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
          {shortTime(last?.created_at ?? chat.last_message_at)}
        </Text>
      </Group>
      <Text size="sm" lineClamp={2} mt={2} fw={unseen ? 600 : 400} c={unseen ? undefined : 'dimmed'}>
        {last ? `${PREVIEW_PREFIX[last.role]}${last.text}` : chat.title}
      </Text>
      <Group gap={6} mt={6}>
        <Badge size="xs" variant="default">
          {CHANNEL_LABEL[chat.channel.type]}
        </Badge>
        <Badge size="xs" color={state.color}>
          {state.label}
        </Badge>
        {chat.state.assigned_member ? (
          <Text size="xs" c="dimmed" truncate maw={120}>
            {chat.state.assigned_member.name}
          </Text>
        ) : null}
        {chat.state.csat_score ? (
          <Badge size="xs" variant="light" color="yellow" leftSection={<IconStarFilled size={10} aria-hidden />} aria-label={`Rated ${chat.state.csat_score} out of 5`}>
            {chat.state.csat_score}
          </Badge>
        ) : null}
        {unseen > 0 ? (
          <Badge size="xs" color="blue.8" ml="auto">
            {unseen}
            <VisuallyHidden> unread</VisuallyHidden>
          </Badge>
        ) : null}
      </Group>
    </UnstyledButton>
  );
}
