import { ActionIcon, Alert, Anchor, Badge, Box, Group, ScrollArea, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconArrowLeft, IconUser } from '@tabler/icons-react';
import { type RefObject, useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { ErrorAlert, Loading } from '../ui/QueryState';
import type { ChatActions } from './actions';
import { ChatToolbar } from './ChatToolbar';
import { Composer, type ComposerMode } from './Composer';
import { CHANNEL_LABEL, stateLabel } from './format';
import { MessageItem } from './MessageItem';
import { type Chat, useMessages, useNewestChat } from './queries';
import { typingLine, type Typist } from './typing';

interface Props {
  orgId: string;
  chat: Chat;
  contactName: string;
  actions: ChatActions;
  myMemberId: string | undefined;
  typists: Typist[];
  mode: ComposerMode;
  onMode: (mode: ComposerMode) => void;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  /** On narrow screens: the way back to the list, and to the contact panel. */
  backTo?: string;
  onShowContact?: () => void;
  chatLink: (chatId: string) => string;
}

/** The open conversation: who and where, the moves, the messages as they arrive, and the composer. */
export function Thread({ orgId, chat, contactName, actions, myMemberId, typists, mode, onMode, inputRef, backTo, onShowContact, chatLink }: Props) {
  const messages = useMessages(chat.id);
  const newest = useNewestChat(chat);
  const viewport = useRef<HTMLDivElement>(null);
  const state = stateLabel(chat);
  const count = messages.data?.length ?? 0;
  const typing = typingLine(typists, contactName);

  const content = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  // New messages (and someone starting to type) scroll into view, as in any chat.
  useEffect(() => {
    pinned.current = true;
    viewport.current?.scrollTo({ top: viewport.current.scrollHeight });
  }, [count, chat.id, !!typing]);

  // A reader at the bottom stays there when the thread grows or the window narrows; one reading back is left alone.
  useEffect(() => {
    const v = viewport.current;
    if (!v || !content.current) return;
    let size = '';
    const measure = () => `${v.scrollHeight}x${v.clientHeight}`;
    // A reflow scrolls too (the browser clamps the offset): only a scroll at an unchanged size is the reader's.
    const onScroll = () => {
      if (measure() !== size) return;
      pinned.current = v.scrollHeight - v.scrollTop - v.clientHeight < 40;
    };
    const observer = new ResizeObserver(() => {
      if (pinned.current) v.scrollTo({ top: v.scrollHeight });
      size = measure();
    });
    observer.observe(content.current);
    observer.observe(v);
    v.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      observer.disconnect();
      v.removeEventListener('scroll', onScroll);
    };
  }, []);

  return (
    <>
      <Stack gap={8} p="sm" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap" miw={0}>
            {backTo ? (
              <ActionIcon component={Link} to={backTo} variant="subtle" color="gray" aria-label="Back to the conversations">
                <IconArrowLeft size={18} />
              </ActionIcon>
            ) : null}
            <Box miw={0}>
              <Title order={2} size="h4" lineClamp={1}>
                {contactName}
              </Title>
              <Text size="xs" c="dimmed" lineClamp={1}>
                {chat.title}
              </Text>
            </Box>
          </Group>
          <Group gap={6} wrap="nowrap" style={{ flexShrink: 0 }}>
            <Badge size="sm" variant="default">
              {CHANNEL_LABEL[chat.channel.type]}
            </Badge>
            <Badge size="sm" color={state.color}>
              {state.label}
            </Badge>
            {onShowContact ? (
              <Tooltip label="Contact details">
                <ActionIcon variant="default" onClick={onShowContact} aria-label="Contact details">
                  <IconUser size={16} />
                </ActionIcon>
              </Tooltip>
            ) : null}
          </Group>
        </Group>
        <ChatToolbar orgId={orgId} chat={chat} actions={actions} myMemberId={myMemberId} />
        {actions.error ? (
          <Box onClick={actions.clearError}>
            <ErrorAlert error={actions.error} mt="0" />
          </Box>
        ) : null}
        {newest.data ? (
          <Alert color="blue" p="xs" variant="light">
            <Text size="sm">
              The conversation went on in a newer chat.{' '}
              <Anchor component={Link} to={chatLink(newest.data)} size="sm">
                Open the newer chat
              </Anchor>
            </Text>
          </Alert>
        ) : null}
        {chat.state.handover === 'WAITING' ? (
          <Alert color="orange" p="xs" variant="light">
            <Text size="sm">The visitor asked for a person and nobody has the conversation yet. Take it (a) or reply.</Text>
          </Alert>
        ) : null}
      </Stack>
      <ScrollArea viewportRef={viewport} viewportProps={{ tabIndex: 0, 'aria-label': 'Messages' }} style={{ flex: 1 }} type="auto">
        <Stack ref={content} gap="sm" p="md" role="log" aria-live="polite" aria-relevant="additions">
          {messages.isPending ? <Loading label="Loading messages" /> : null}
          {messages.error ? <ErrorAlert error={messages.error} /> : null}
          {messages.data?.map((m) => <MessageItem key={m.id} m={m} />)}
        </Stack>
      </ScrollArea>
      <Box px="md" h={22} aria-live="polite">
        {typing ? (
          <Text size="xs" c="dimmed" fs="italic" data-testid="typing">
            {typing}
          </Text>
        ) : null}
      </Box>
      <Composer chatId={chat.id} mode={mode} onMode={onMode} onSend={(text, m) => actions.send(text, m === 'note' ? 'note' : 'assistant')} sending={actions.sending} inputRef={inputRef} aiAnswering={chat.state.ai_enabled} />
    </>
  );
}
