import { Badge, Box, Divider, Group, Text, Tooltip } from '@mantine/core';
import { IconLock, IconRobot } from '@tabler/icons-react';
import { authorName, fullTime, messageText, shortTime } from './format';
import type { Message } from './queries';
import classes from './inbox.module.css';

/**
 * One message of the thread, placed by who wrote it: the customer on the left, the assistant and the team on the
 * right, notes as yellow internal cards, events and tool calls as centred lines. Text is rendered as text.
 */
export function MessageItem({ m }: { m: Message }) {
  const text = messageText(m);
  if (m.role === 'event' || m.role === 'tool') {
    return (
      <Divider
        my={4}
        labelPosition="center"
        label={
          <Text size="xs" c="dimmed" span>
            {text} · <time dateTime={m.created_at}>{shortTime(m.created_at)}</time>
          </Text>
        }
      />
    );
  }
  const mine = m.role !== 'user';
  const kind = m.role === 'note' ? classes.note : m.author === 'customer' ? classes.customer : m.author === 'assistant' || m.author === 'system' ? classes.assistant : classes.member;
  const failed = m.status === 'FAILED' || m.status === 'CANCELED';
  return (
    <Box style={{ display: 'flex', flexDirection: 'column', alignItems: mine ? 'flex-end' : 'flex-start' }} data-role={m.role} data-author={m.author}>
      <Group gap={6} mb={2}>
        {m.role === 'note' ? (
          <Badge size="xs" color="yellow.4" autoContrast leftSection={<IconLock size={10} aria-hidden />}>
            Internal note
          </Badge>
        ) : null}
        {m.author === 'assistant' ? <IconRobot size={14} aria-hidden /> : null}
        <Text size="xs" fw={600}>
          {authorName(m)}
        </Text>
        <Tooltip label={fullTime(m.created_at)}>
          <Text size="xs" c="dimmed" component="time" dateTime={m.created_at}>
            {shortTime(m.created_at)}
          </Text>
        </Tooltip>
      </Group>
      <Box className={`${classes.bubble} ${kind}`}>
        {m.status === 'RUNNING' && !text ? (
          <Text size="sm" c="dimmed" fs="italic">
            Writing…
          </Text>
        ) : (
          <Text size="sm">{text || ' '}</Text>
        )}
        {m.kind === 'csat_request' ? (
          <Text size="xs" c="dimmed" mt={4}>
            Rating request: the visitor sees stars
          </Text>
        ) : null}
      </Box>
      {failed ? (
        <Text size="xs" c="red.8" mt={2}>
          {m.status === 'FAILED' ? 'Failed' : 'Cancelled'}: {m.error ?? 'no reason given'}
        </Text>
      ) : null}
    </Box>
  );
}
